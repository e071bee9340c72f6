import torch
from torch import nn


def dropout(x, p=0.5, training=True):
    if not training:
        return x
    mask = torch.bernoulli(torch.full_like(x, p))   # 1 = keep
    return x * mask / (1 - p)


def l2_penalty(model, lam):
    total = 0
    for w in model.parameters():
        total = total + (w ** 2).sum()
    return lam / 2 * total


def network(input_size, hidden_size, output_size, p=0.5):
    return nn.Sequential(nn.Linear(input_size, hidden_size), nn.Sigmoid(), nn.Dropout(p), nn.Linear(hidden_size, output_size))
