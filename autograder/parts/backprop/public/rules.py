"""Part 1's rule for the sigmoid far from 0, shared by the hidden graders and the public checks (each passes its own z).

Beyond |z| = 709, e^|z| overflows to inf, so e^z / (1 + e^z) is inf / inf = nan there, while
1 / (1 + e^(-z)) stays right (NumPy may warn about the overflow for z far below 0; a warning costs
nothing and the value 0.0 is right). Nothing here is secret.

Example:
    >>> expit(np.array([-1000.0, 1000.0])).tolist()
    [0.0, 1.0]
"""

from __future__ import annotations

import numpy as np

from autograder.judge import values
from autograder.judge.grading import fail, result_of

MODULE = "backprop"


def expit(z: np.ndarray) -> np.ndarray:
    """The logistic function, computed so that it never overflows (for the expected values only)."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    out[~positive] = np.exp(z[~positive]) / (1.0 + np.exp(z[~positive]))
    return out


def check_sigmoid_far_out(submission, z: np.ndarray) -> None:
    """The student's sigmoid on ``z`` (values up to |z| = 1000): finite, and the logistic function's value."""
    reply = result_of(submission.call("backprop.sigmoid", z), "backprop.sigmoid")["result"]
    got = values.array(reply, "sigmoid of an array of very large |z|", z.shape)
    want = expit(z)
    wrong = [i for i in range(z.size) if not values.close(got[i], want[i], 1e-6, 1e-12)]
    if not wrong:
        return
    i = wrong[0]
    overflow = not np.isfinite(got[i])
    fail(
        f"For very large |z| your sigmoid breaks down: sigmoid({z[i]:g}) gave {got[i]:.6g}, but 1 / (1 + e^(-z)) is {want[i]:.6g}."
        + (" Above |z| = 709, e^|z| overflows to inf, and inf / inf is nan." if overflow else ""),
        hint="write it as 1 / (1 + np.exp(-z)), which is right for every z (an overflow warning for z far below 0 is "
        "harmless: the result is 0.0); avoid e^z / (1 + e^z).",
        module=MODULE,
    )
