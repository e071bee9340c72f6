import torch
from torch import nn


def dropout(x, p=0.5, training=True):
    if not training or p == 0:
        return x
    if p == 1:
        return torch.zeros_like(x)
    mask = (torch.rand_like(x) > p).float()
    return x * mask / (1 - p)


def l2_penalty(model, lam):
    total = 0
    for w in model.parameters():
        total = total + (w ** 2).sum()
    return lam / 2 * total


class Net(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, p):
        super().__init__()
        self.hidden = nn.Linear(input_size, hidden_size)
        self.output = nn.Linear(hidden_size, hidden_size)
        self.drop = nn.Dropout(p)

    def forward(self, x):
        return self.output(self.drop(torch.sigmoid(self.hidden(x))))


def network(input_size, hidden_size, output_size, p=0.5):
    return Net(input_size, hidden_size, output_size, p)
