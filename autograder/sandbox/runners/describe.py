"""What the runners share: describing a returned value, and the layers of a student's network in call order.

Who may import it: the runner modules of :mod:`autograder.sandbox.runners`.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn


def kind_of(value: object) -> str:
    """A short description of a return value's type, for messages such as "returned a Tensor"."""
    if isinstance(value, torch.Tensor):
        return "tensor-with-graph" if value.grad_fn is not None else "tensor"
    return type(value).__name__ if type(value) in (float, int, bool, str, list, tuple, dict) else "other:" + type(value).__name__


def leaves_of(model: nn.Module, example: torch.Tensor | None = None) -> list[nn.Module]:
    """The model's leaf modules in the order its forward calls them (registration order without an example).

    A student's own nn.Module may create its output layer before its hidden one, or a Flatten last and
    use it first: what the network computes is the call order. Leaves never called come last, in
    registration order; if the forward raises, registration order it is (the graders report the error).
    """
    leaves = [m for m in model.modules() if not any(True for _ in m.children())]
    if example is None:
        return leaves
    called: dict[int, nn.Module] = {}  # by id, in the order of first call

    def note(module: nn.Module, *_: Any) -> None:
        called.setdefault(id(module), module)

    hooks = [leaf.register_forward_hook(note) for leaf in leaves]
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(example)
    except Exception:  # noqa: BLE001 - the student's forward; its error shows in the graders' own calls
        return leaves
    finally:
        for hook in hooks:
            hook.remove()
        model.train(was_training)
    return [*called.values(), *(m for m in leaves if id(m) not in called)]


def linear_layers(leaves: list[nn.Module]) -> list[nn.Linear]:
    """The ``nn.Linear`` layers among ``leaves``, in the same order."""
    return [m for m in leaves if isinstance(m, nn.Linear)]


def layer_summary(leaves: list[nn.Module]) -> list[dict]:
    """Leaf modules (as :func:`leaves_of` orders them), each with the facts the graders check."""
    summary = []
    for module in leaves:
        entry: dict[str, Any] = {"type": type(module).__name__}
        if isinstance(module, nn.Linear):
            entry.update(in_features=module.in_features, out_features=module.out_features, bias=module.bias is not None)
        elif isinstance(module, nn.LeakyReLU):
            entry["negative_slope"] = float(module.negative_slope)
        elif isinstance(module, nn.Dropout):
            entry["p"] = float(module.p)
        summary.append(entry)
    return summary
