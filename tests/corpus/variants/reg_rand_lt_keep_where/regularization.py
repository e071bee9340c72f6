import torch
import torch.nn as nn


def dropout(x, p=0.5, training=True):
    if training is False or p == 0:
        return x.clone()
    keep = torch.rand(x.shape) < 1 - p
    return torch.where(keep, x / (1 - p) if p < 1 else x, torch.zeros_like(x))


def l2_penalty(model, lam):
    flat = torch.cat([param.reshape(-1) for param in model.parameters()])
    return lam / 2 * flat.dot(flat)


def network(input_size, hidden_size, output_size, p=0.5):
    model = nn.Sequential()
    model.add_module("hidden", nn.Linear(input_size, hidden_size))
    model.add_module("activation", nn.Sigmoid())
    model.add_module("dropout", nn.Dropout(p))
    model.add_module("output", nn.Linear(hidden_size, output_size))
    return model
