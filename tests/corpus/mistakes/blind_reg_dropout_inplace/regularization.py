"""Part 5 - Regularisation: dropout and L2 (chapter section 3).

Dropout: during training, every element of a layer's output is set to 0 with
probability p, independently, and the survivors are multiplied by 1 / (1 - p)
("inverted dropout"), so that the expected value of each element is unchanged
and nothing needs rescaling at prediction time. In evaluation mode dropout
does nothing. ``nn.Dropout(p=0.5)`` zeroes about half the elements and doubles
the rest.

L2 regularisation adds (lam / 2) * (sum of the squares of all parameters) to
the loss, which pulls every weight towards 0. Its gradient is lam * w, so SGD
on loss + penalty takes exactly the step that ``SGD(..., weight_decay=lam)``
takes on the loss alone. PyTorch applies ``weight_decay`` to every parameter
it is given, biases included.
"""

from __future__ import annotations

import torch
from torch import nn


def dropout(x: torch.Tensor, p: float = 0.5, training: bool = True) -> torch.Tensor:
    """Inverted dropout, written by hand (not with ``nn.Dropout`` or ``F.dropout``).

    Args:
        x: a tensor of any shape (float dtype).
        p: the probability of zeroing each element, 0 <= p <= 1.
        training: False means evaluation mode.

    Returns:
        A tensor shaped like x. In training, each element is 0 with
        probability p and x / (1 - p) otherwise; p = 1 gives all zeros (not
        NaN). In evaluation (``training=False``) the values of x come back
        unchanged. x itself is never modified, and gradients flow back to x.

    Example:
        With p = 0.25 on ``torch.ones(10000)``, about 2500 entries are 0 and all
        the others are exactly 1 / 0.75 = 1.3333.

    Hint: draw the mask from torch's global generator, for instance
    ``torch.rand_like(x) >= p`` (True with probability 1 - p: keep), then
    multiply; an in-place operation such as ``x[mask] = 0`` would change the
    caller's tensor.
    """
    if not training:
        return x
    if p == 1:
        return torch.zeros_like(x)
    mask = (torch.rand_like(x) >= p).to(x.dtype) / (1 - p)
    return x.mul_(mask)


def l2_penalty(model: nn.Module, lam: float) -> torch.Tensor:
    """The L2 penalty (lam / 2) * sum of w**2 over every parameter of the model.

    Args:
        model: any ``nn.Module``; all its parameters count, biases included.
        lam: the regularisation strength (``weight_decay`` in torch.optim).

    Returns:
        A scalar tensor that is part of the autograd graph, so that
        ``(loss + l2_penalty(model, lam)).backward()`` adds lam * w to every gradient.

    Example:
        For ``nn.Linear(1, 1)`` with weight [[2.0]] and bias [1.0], and lam = 0.5:
        0.5 / 2 * (2**2 + 1**2) = 1.25.

    Hint: ``model.parameters()`` yields every parameter tensor; keep tensors
    (no ``.item()``), or the penalty drops out of the graph.
    """
    total = sum((w ** 2).sum() for w in model.parameters())
    return lam / 2 * total


def network(input_size: int, hidden_size: int, output_size: int, p: float = 0.5) -> nn.Module:
    """The chapter's network with dropout: Linear, sigmoid, dropout, Linear.

    Dropout acts on the hidden layer's *activations*: after the sigmoid, before
    the output layer. ``nn.Dropout(p)`` is allowed here.

    Args:
        input_size, hidden_size, output_size: the layer widths.
        p: the dropout probability.

    Returns:
        A module mapping (batch, input_size) to (batch, output_size). In
        ``eval()`` mode it is deterministic; in ``train()`` mode the dropout is active.

    Example:
        >>> model = network(1, 6, 1, p=0.5)
        >>> model(torch.zeros(4, 1)).shape
        torch.Size([4, 1])

    Hint: ``nn.Sequential`` takes the layers in order.
    """
    return nn.Sequential(
        nn.Linear(input_size, hidden_size),
        nn.Sigmoid(),
        nn.Dropout(p),
        nn.Linear(hidden_size, output_size),
    )


if __name__ == "__main__":
    torch.manual_seed(0)
    dropped = dropout(torch.ones(10000), p=0.25)
    print(f"dropout(p=0.25): {float((dropped == 0).float().mean()):.3f} zeroed, survivors = {float(dropped.max()):.4f}")
    print(f"l2_penalty of a fresh Linear(3, 2) with lam=0.5: {l2_penalty(nn.Linear(3, 2), 0.5).item():.4f}")
