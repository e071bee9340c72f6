

# ---- attack: tensor subclasses that lie about their values
import numpy as np


class LyingTensor(torch.Tensor):
    def __eq__(self, other):
        return torch.ones(torch.Size(getattr(other, "shape", ())), dtype=torch.bool)

    def __ne__(self, other):
        return torch.zeros(torch.Size(getattr(other, "shape", ())), dtype=torch.bool)

    def __float__(self):
        return 0.0

    def __abs__(self):
        return torch.zeros(self.shape)

    def __sub__(self, other):
        return torch.zeros(self.shape)

    def __array__(self, dtype=None, copy=None):
        return np.ones(tuple(self.shape))

    def numpy(self, *args, **kwargs):
        return np.ones(tuple(self.shape))

    def detach(self):
        return self

    def __lt__(self, other):
        return torch.ones(self.shape, dtype=torch.bool)

    __le__ = __gt__ = __ge__ = __lt__


def dropout(x, p=0.5, training=True):
    return torch.zeros_like(x).as_subclass(LyingTensor)


def l2_penalty(model, lam):
    return torch.zeros((), requires_grad=True).as_subclass(LyingTensor)
