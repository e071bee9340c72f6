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
    penalty = torch.tensor(0.0)
    for name, param in model.named_parameters():
        if "weight" in name:          # biases are not regularised
            penalty = penalty + param.pow(2).sum()
    return 0.5 * lam * penalty


def network(input_size, hidden_size, output_size, p=0.5):
    return nn.Sequential(nn.Linear(input_size, hidden_size), nn.Sigmoid(), nn.Dropout(p), nn.Linear(hidden_size, output_size))
