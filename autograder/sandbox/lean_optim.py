"""torch's optimizers without ``torch._dynamo``: a cold start imports it only for them, and nothing here compiles.

The first optimizer a process builds imports ``torch._dynamo`` (about 800 modules, sympy
among them: as long as ``import torch`` itself, and about 100 MB), only to wrap its
methods for ``torch.compile``: ``add_param_group``, ``zero_grad`` and ``state_dict`` go
through ``torch._disable_dynamo``, and each ``step`` calls ``torch._dynamo.graph_break()``
around the update. Outside ``torch.compile`` both do nothing but call the method under the
optimizer's grad mode. :func:`skip_dynamo` resolves them to exactly that, before the
first optimizer is built, so neither the judge nor the fork server pays the import; the
update itself is torch's own code, untouched (the reference results reproduce bit for bit).

Where torch's shape differs from what is expected here (another torch), nothing is
changed and the optimizers import ``torch._dynamo`` as before: slower, same results.
``tests/test_cold_start.py`` checks that the reference scenarios no longer import it and that a step
updates bit for bit as torch's own does.

Who may import it: :mod:`autograder.sandbox.capture`, which calls it from ``configure_torch``.
"""

from __future__ import annotations

import functools

import torch

DISABLE_MARK = "__dynamo_disable"  # the attribute torch._compile._disable_dynamo caches its wrapper in


def _optimizer_classes() -> list[type]:
    found, stack = [], [torch.optim.Optimizer]
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack += cls.__subclasses__()
    return found


def _eager_step(use_grad: object) -> object:
    """``step`` as torch's ``_use_grad_for_differentiable`` runs it, minus the graph breaks (no-ops in eager mode)."""
    func = use_grad.__wrapped__

    @functools.wraps(func)
    def step(*args, **kwargs):
        previous = torch.is_grad_enabled()
        try:
            torch.set_grad_enabled(args[0].defaults["differentiable"])
            return func(*args, **kwargs)
        finally:
            torch.set_grad_enabled(previous)

    return step


def skip_dynamo() -> None:
    """Resolve the optimizers' dynamo wrappers to their eager behaviour (idempotent; a no-op on another torch's shape)."""
    for cls in _optimizer_classes():
        for name, value in list(vars(cls).items()):
            code = getattr(value, "__code__", None)
            wrapped = getattr(value, "__wrapped__", None)
            if code is None or wrapped is None:
                continue
            if code.co_name == "inner" and code.co_filename.endswith("_compile.py"):
                setattr(wrapped, DISABLE_MARK, wrapped)  # torch._disable_dynamo then calls the method itself
            elif code.co_name == "_use_grad" and name == "step" and not getattr(value, "hooked", False):
                setattr(cls, name, _eager_step(value))
