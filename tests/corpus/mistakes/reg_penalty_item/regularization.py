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
    squares = 0.0
    for param in model.parameters():
        squares += (param ** 2).sum().item()
    return lam / 2 * squares


def network(input_size, hidden_size, output_size, p=0.5):
    return nn.Sequential(nn.Linear(input_size, hidden_size), nn.Sigmoid(), nn.Dropout(p), nn.Linear(hidden_size, output_size))
