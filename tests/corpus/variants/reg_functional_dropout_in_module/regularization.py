import torch
from torch import nn


def dropout(x, p=0.5, training=True):
    assert 0 <= p <= 1
    if not training:
        return x
    scale = 0.0 if p == 1 else 1.0 / (1.0 - p)
    return x * (torch.rand_like(x) >= p) * scale


def l2_penalty(model, lam):
    penalty = 0.0
    for _, weight in model.named_parameters():
        penalty += weight.pow(2).sum()
    return penalty * lam / 2


class Net(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, p):
        super().__init__()
        self.hidden = nn.Linear(input_size, hidden_size)
        self.output = nn.Linear(hidden_size, output_size)
        self.p = p

    def forward(self, x):
        a = torch.sigmoid(self.hidden(x))
        return self.output(dropout(a, self.p, training=self.training))


def network(input_size, hidden_size, output_size, p=0.5):
    return Net(input_size, hidden_size, output_size, p)
