

# ---- honest (wrong) work: the right network, frozen, so that training never moves it
import torch as _torch  # noqa: E402
from torch import nn as _nn  # noqa: E402

_right_classifier = classifier  # noqa: F821 - the solution's, defined above in this module


class _Frozen(_nn.Module):
    """The right network with every weight frozen: the optimizer only moves a dummy that changes nothing."""

    def __init__(self, input_size):
        super().__init__()
        self.net = _right_classifier(input_size)
        for parameter in self.net.parameters():
            parameter.requires_grad_(False)
        self.dummy = _nn.Parameter(_torch.zeros(1))

    def forward(self, x):
        return self.net(x) + 0 * self.dummy


def classifier(input_size):
    return _Frozen(input_size)
