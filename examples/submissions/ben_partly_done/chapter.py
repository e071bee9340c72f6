"""Provided code from the chapter: its data and its network. Nothing to fill in here.

The other parts import these helpers only in their ``__main__`` demos, so that
``python validation.py`` reruns the chapter's example; the graders never
import this file.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def regression_data() -> tuple[torch.Tensor, torch.Tensor]:
    """The chapter's noisy parabola: 40 points, X from -3 to 2.85 in steps of 0.15.

    Returns:
        X, shape (40, 1), and y, shape (40,), with y = X**2 + X * noise. With
        torch 2.13, y[0] = 12.3775 and y[-1] = 12.9864.
    """
    torch.manual_seed(0)
    X = torch.arange(-3, 3, 0.15)
    y = X**2 + X * torch.normal(0, 1, (40,))
    return X[:, None], y


def validation_data() -> tuple[torch.Tensor, torch.Tensor]:
    """The chapter's validation set: X = -3, -2, ..., 2 (shape (6, 1)) and y = X**2 without noise."""
    X_valid = torch.arange(-3.0, 3.0)
    return X_valid[:, None], X_valid**2


def loader(X: torch.Tensor, y: torch.Tensor, batch_size: int = 1, shuffle: bool = True) -> DataLoader:
    """Wrap tensors in a DataLoader, as the chapter does (batch_size=1, shuffled)."""
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle)


class Network(nn.Module):
    """The chapter's fully-connected network: Linear, sigmoid, Linear.

    Input shape (batch, input_size), output shape (batch, output_size).
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int) -> None:
        super().__init__()
        self.hidden = nn.Linear(input_size, hidden_size)
        self.output = nn.Linear(hidden_size, output_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output(torch.sigmoid(self.hidden(x)))
