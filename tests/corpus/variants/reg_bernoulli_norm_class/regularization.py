import torch
from torch import nn


def dropout(x, p=0.5, training=True):
    if not training:
        return x
    if p == 1:
        return x * 0
    mask = torch.bernoulli(torch.full_like(x, 1 - p))
    return mask * x / (1 - p)


def l2_penalty(model, lam):
    return 0.5 * lam * sum(torch.norm(w) ** 2 for w in model.parameters())


class DropoutNet(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, p):
        super().__init__()
        self.fc1 = nn.Linear(input_size, hidden_size)
        self.drop = nn.Dropout(p=p)
        self.fc2 = nn.Linear(hidden_size, output_size)

    def forward(self, x):
        h = torch.sigmoid(self.fc1(x))
        return self.fc2(self.drop(h))


def network(input_size, hidden_size, output_size, p=0.5):
    return DropoutNet(input_size, hidden_size, output_size, p)
