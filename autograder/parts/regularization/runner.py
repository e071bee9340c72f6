"""Part 5, regularization: the student's dropout, L2 penalty and dropout network, and weight decay as the judge's answer.

Runs in the sandboxed child. Who may import it: :mod:`autograder.sandbox.runners` (for ``RUNNERS``, this module's table of runners) and the hidden graders (``weight_decay_step``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

from autograder.sandbox.capture import Generator, numbers, rand, seed_torch
from autograder.sandbox.data import build_data
from autograder.sandbox.models import build_l2_model, parameters_of
from autograder.sandbox.runners.describe import kind_of, layer_summary, leaves_of, linear_layers


def run_dropout(spec: dict, dropout: Callable) -> dict:
    """Call the student's dropout on a seeded positive tensor and report values, gradients and side effects.

    The three calls whose masks are compared (first, second, and a replay after reseeding) each get a
    fresh copy of the same plain tensor, as dropout gets activations in a network, so that a dropout
    that changes its input in place is seen doing so (``inputs_after``, which the judge compares with ``x``)
    and still judged on its masks.
    A fourth call measures the gradient that flows back to x, on an x computed from a leaf that requires
    grad (as activations in a network are), so that changing x in place, which the judge's leaf would
    refuse, costs only the purity test, not this one.
    """
    generator = Generator().manual_seed(spec["data_seed"])
    base = rand(spec["shape"], generator=generator) + 0.5  # no zeros of its own
    options = {"p": spec["p"], "training": spec["training"]}
    inputs = [base.clone() for _ in range(3)]
    seed_torch(spec["seed"])
    first = dropout(inputs[0], **options)
    second = dropout(inputs[1], **options)
    seed_torch(spec["seed"])
    replay = dropout(inputs[2], **options)
    report: dict[str, Any] = {"x": numbers(base), "kind": kind_of(first)}
    if not isinstance(first, torch.Tensor):
        return report
    # The caller's tensors as the calls left them, compared with x by the judge (rules.check_pure), never here: a
    # comparison made in this process can be made to lie (a kernel for aten::equal registered with torch's dispatcher).
    report["inputs_after"] = [numbers(x) for x in inputs]
    report["first"] = numbers(first)
    report["second"] = numbers(second) if isinstance(second, torch.Tensor) else None
    report["replay"] = numbers(replay) if isinstance(replay, torch.Tensor) else None
    report["shape"] = list(first.shape)
    report["dtype"] = str(first.dtype)
    report["grad"] = None
    leaf = base.clone().requires_grad_(True)
    seed_torch(spec["seed"] + 1)
    try:
        out = dropout(leaf * 1.0, **options)
    except Exception as error:  # noqa: BLE001 - reported by type: for instance .numpy() on a tensor that requires grad
        report["grad_error"] = type(error).__name__
        return report
    if isinstance(out, torch.Tensor) and out.requires_grad and tuple(out.shape) == tuple(base.shape):
        report["grad_out"] = numbers(out)
        (out * torch.arange(out.numel(), dtype=out.dtype).reshape(out.shape).remainder(7).add(1)).sum().backward()
        report["grad"] = None if leaf.grad is None else numbers(leaf.grad)
    return report


def run_l2(spec: dict, l2_penalty: Callable) -> dict:
    """The penalty's value and nature, then one SGD step on MSE + penalty."""
    X, y, _, _ = build_data(spec["data"])
    model = build_l2_model(spec, X.shape[1])
    penalty = l2_penalty(model, spec["lam"])
    report: dict[str, Any] = {"kind": kind_of(penalty)}
    if isinstance(penalty, torch.Tensor):
        report["value"] = numbers(penalty)  # its own values, not what its methods say
        report["requires_grad"] = bool(penalty.requires_grad)
    elif isinstance(penalty, (int, float)):
        report["value"] = float(penalty)
    optimizer = torch.optim.SGD(model.parameters(), lr=spec["lr"])
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(X).flatten(), y) + penalty
    loss.backward()
    optimizer.step()
    report["params"] = parameters_of(model)
    return report


def weight_decay_step(spec: dict) -> dict[str, np.ndarray]:
    """The judge's answer for :func:`run_l2`: one step of ``SGD(weight_decay=lam)`` on the MSE alone."""
    X, y, _, _ = build_data(spec["data"])
    model = build_l2_model(spec, X.shape[1])
    optimizer = torch.optim.SGD(model.parameters(), lr=spec["lr"], weight_decay=spec["lam"])
    optimizer.zero_grad()
    nn.functional.mse_loss(model(X).flatten(), y).backward()
    optimizer.step()
    return parameters_of(model)


def run_network(spec: dict, network: Callable) -> dict:
    """Build the student's dropout network, give it known weights, and watch it in eval and train mode.

    The output layer is set to the identity plus a constant ``offset`` (so
    ``output_size == hidden_size``): then each output element shows directly
    whether its hidden unit was dropped (it equals the offset) or kept (it
    equals activation / (1 - p) + offset), whatever way the mask was drawn.

    A spec with ``outputs`` other than ``hidden`` asks for the sizes only: the layers' shapes and the
    shape of the output in eval mode (``eval_shape``).
    """
    inputs, hidden, p = spec["inputs"], spec["hidden"], spec["p"]
    outputs = spec.get("outputs", hidden)
    seed_torch(spec["seed"])
    model = network(inputs, hidden, outputs, p=p)
    report: dict[str, Any] = {"kind": kind_of(model), "is_module": isinstance(model, nn.Module)}
    if not isinstance(model, nn.Module):
        return report
    X = torch.tensor(spec["X"], dtype=torch.float32)
    leaves = leaves_of(model, X)  # one probe forward, shared by both
    report["layers"] = layer_summary(leaves)
    linears = linear_layers(leaves)
    report["linear_shapes"] = [list(layer.weight.shape) for layer in linears]
    if len(linears) != 2:
        return report
    if outputs != hidden:
        model.eval()
        with torch.no_grad():
            report["eval_shape"] = list(model(X).shape)
        return report
    first, last = linears
    with torch.no_grad():
        first.weight.copy_(torch.tensor(spec["W1"], dtype=torch.float32))
        first.bias.copy_(torch.tensor(spec["b1"], dtype=torch.float32))
        last.weight.copy_(torch.eye(hidden))
        last.bias.fill_(spec["offset"])
    model.eval()
    with torch.no_grad():
        report["eval"] = [numbers(model(X)), numbers(model(X))]
    model.train()
    seed_torch(spec["seed"] + 1)
    with torch.no_grad():
        report["train"] = numbers(model(X))
    return report


# The runners a scenario of this part may name (autograder.sandbox.runners assembles every part's into one table).
RUNNERS: dict[str, Callable[..., dict]] = {"dropout": run_dropout, "l2": run_l2, "network": run_network}
