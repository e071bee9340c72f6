"""Part 1, backpropagation: the scalar functions a numerical gradient is tried on, and its runner.

Runs in the sandboxed child. Who may import it: :mod:`autograder.sandbox.runners` (for ``RUNNERS``, this module's table of runners) and the hidden graders (``SCALAR_FUNCTIONS``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


# Scalar functions for numerical_gradient, written once for NumPy and torch alike (``xp`` is the module):
# smooth, not separable, with gradients that autograd gives exactly.
def _coupled_quadratic(v, xp):
    return xp.sum(v**2) * 0.5 + xp.sum(v[1:] * v[:-1]) + xp.sin(v[0] * v[-1])


def _log_sum_exp(v, xp):
    return xp.log(xp.sum(xp.exp(v))) + v[0] * v[1] ** 3


def _matrix(m, xp):
    return xp.sum(xp.tanh(m @ m.T)) + m[0, 0] * m[-1, -1] ** 2


def _cube(t, xp):
    return xp.sum(xp.sin(t) * xp.cos(t.sum(0))) + xp.sum(t) ** 2 / 4


SCALAR_FUNCTIONS: dict[str, Callable] = {
    "coupled_quadratic": _coupled_quadratic,
    "log_sum_exp": _log_sum_exp,
    "matrix": _matrix,
    "cube": _cube,
}


def run_numerical_gradient(spec: dict, numerical_gradient: Callable) -> dict:
    """Call the student's numerical_gradient on a catalogue function; report the result, x afterwards, f's call count."""
    function = SCALAR_FUNCTIONS[spec["function"]]
    calls = [0]

    def f(v):
        calls[0] += 1
        return float(function(np.asarray(v, dtype=float), np))

    x = np.array(spec["x"], dtype=spec.get("dtype", "float64"))
    if spec.get("order") == "F":  # laid out as a transpose W.T is: not C-contiguous, so its reshape(-1) is a copy
        x = np.asfortranarray(x)
    kwargs = {} if spec.get("h") is None else {"h": spec["h"]}
    result = numerical_gradient(f, x, **kwargs)
    return {"result": result, "x_after": x, "calls": calls[0]}


# The runners a scenario of this part may name (autograder.sandbox.runners assembles every part's into one table).
RUNNERS: dict[str, Callable[..., dict]] = {"numerical_gradient": run_numerical_gradient}
