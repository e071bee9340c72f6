"""Torch and NumPy functions captured before any student code runs, and torch's set-up.

The fork server imports this module (with the rest of the sandbox) before it
forks the first child, so the functions below are torch's and NumPy's own,
whatever a submission later replaces. Every scenario module takes its seeds,
random data and grad-mode queries from here.

Who may import it: any module of :mod:`autograder.sandbox` that needs torch (child and judge alike; a child without
torch never imports it); it imports none of them but :mod:`autograder.sandbox.lean_optim` and :mod:`autograder.sandbox.wire`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import numpy as np
import torch

from autograder.sandbox.lean_optim import skip_dynamo
from autograder.sandbox.wire import dispatches

# Captured when the fork server imports this module, before any student code runs. A submission that
# replaces torch.manual_seed, torch.rand, torch.equal, torch.Generator, NumPy's default_rng or the
# grad-mode queries changes what its own code calls, not the data the scenarios build, the seeds they
# set or what they measure. (Code that deliberately patches the sandbox's modules themselves is another
# matter: see the security model, docs/security.md.)
default_rng = np.random.default_rng
Generator = torch.Generator
rand = torch.rand
equal = torch.equal
detach = torch.Tensor.detach
seed_torch = torch._C.default_generator.manual_seed
grad_enabled = torch.is_grad_enabled
inference_mode = torch.is_inference_mode_enabled
isin = torch.isin
_no_torch_function = torch._C.DisableTorchFunction
_dispatches = dispatches
_float64 = torch.float64


def numbers(tensor: torch.Tensor) -> np.ndarray:
    """A tensor's own values, as a float64 array, read with every ``__torch_function__`` turned off.

    A tensor subclass's ``__torch_function__`` runs for its methods (``detach``, ``to``, ``numpy``) and can answer
    with other numbers than the ones it holds and computes with (the ``torch_function`` attack halves them): what a
    runner reports must be the values themselves, which the judge then checks.
    """
    if _dispatches(type(tensor)):  # a __torch_dispatch__ of its own answers every operation: no numbers to read
        raise TypeError(f"a {type(tensor).__name__} answers every operation itself: its numbers cannot be read")
    with _no_torch_function():
        return detach(tensor).to(_float64).numpy().copy()


# torch's optimizer steps as they are once the sandbox is configured, before any student code runs: the judge's
# optimizers call these (autograder.sandbox.models), so a submission that replaces torch.optim.SGD.step (to clear the
# gradients a missing zero_grad() left, say) changes nothing for them.
OPTIMIZER_STEPS: dict[type, Callable] = {}


def configure_torch() -> None:
    """One thread, so that the judge and the child compute bit for bit alike (and forking stays safe); optimizers
    that do not import torch._dynamo (see :mod:`autograder.sandbox.lean_optim`), whose steps are kept as they are now."""
    skip_dynamo()
    if not OPTIMIZER_STEPS:  # the first configuration only: a later one may come after student code ran
        OPTIMIZER_STEPS.update({cls: cls.step for cls in (torch.optim.SGD, torch.optim.Adam)})
    torch.set_num_threads(1)
    with contextlib.suppress(RuntimeError):  # can only be set once per process
        torch.set_num_interop_threads(1)


def warm_torch() -> None:
    """Pay torch's lazy imports before any student code runs: building the first optimizer imports ~800
    modules (about 1 s), and some rebind torch's own names (``torch._dynamo`` wraps ``torch.manual_seed``).
    Done then, it is neither paid by every child nor mistaken for the student's tampering (see
    :mod:`autograder.sandbox.integrity`). Nothing is computed."""
    parameter = torch.nn.Parameter(torch.zeros(1))
    torch.optim.SGD([parameter], lr=0.1)
    torch.optim.Adam([parameter])
