

# ---- attack: objects that lie about being equal, close, small or true
import torch


class LyingFloat(float):
    def __eq__(self, other):
        return True

    __le__ = __ge__ = __lt__ = __gt__ = __eq__

    def __ne__(self, other):
        return False

    def __float__(self):
        return 0.5

    def __abs__(self):
        return 0.0

    def __sub__(self, other):
        return LyingFloat(0.0)

    __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __truediv__ = __sub__

    def __bool__(self):
        return True

    def __hash__(self):
        return 0


class LyingArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other) or (), dtype=bool)

    __le__ = __ge__ = __lt__ = __gt__ = __eq__

    def __ne__(self, other):
        return np.zeros(np.shape(other) or (), dtype=bool)

    def __array__(self, dtype=None, copy=None):
        return np.full(self.shape, 0.25)

    def __abs__(self):
        return np.zeros(self.shape)

    def __sub__(self, other):
        return np.zeros(self.shape)

    __rsub__ = __sub__

    def __float__(self):
        return 0.25

    def __bool__(self):
        return True

    def __array_ufunc__(self, *args, **kwargs):
        return np.zeros(self.shape)


def numerical_gradient(f, x, h=1e-5):
    return np.zeros(np.shape(x)).view(LyingArray)  # the values are all zero


def sgd_step(params, grads, lr):
    return {name: LyingFloat(12345.0) for name in params}  # floats that claim to be anything
