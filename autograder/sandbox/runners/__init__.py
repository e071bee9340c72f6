"""The scenario runners (one module per kind of exercise) and their RUNNERS table: imported by the child, the fork server and the judge's references.

A runner builds the judge's data and model from a plain spec, calls the student's function and reports plain data.

The same code runs on both sides of the sandbox. In the child it calls the
student's function; in the judge it calls the reference solution (or a
known-mistake variant of it) on the very same scenario. Because data, initial
weights, batch order and dropout masks all come from the spec, the two runs
are comparable number for number.

Nothing here is secret: which scenarios the graders use, and what the
reference gives, live with the hidden graders. One module per kind of
exercise (:mod:`.backprop`, :mod:`.training`, :mod:`.regularization`,
:mod:`.putting_it_together`), their shared helpers in :mod:`.describe`; this
package only assembles ``RUNNERS``, the table the child's ``scenario``
request names a runner from.

Who may import it: the child (:mod:`autograder.sandbox.child`), the fork server, and the judge's reference results.
"""

from __future__ import annotations

from collections.abc import Callable

from autograder.sandbox.runners.backprop import run_numerical_gradient
from autograder.sandbox.runners.putting_it_together import run_classifier, run_digits, run_linear_block
from autograder.sandbox.runners.regularization import run_dropout, run_l2, run_network
from autograder.sandbox.runners.training import run_train_step, run_trainer

RUNNERS: dict[str, Callable[..., dict]] = {
    "numerical_gradient": run_numerical_gradient,
    "trainer": run_trainer,
    "train_step": run_train_step,
    "dropout": run_dropout,
    "l2": run_l2,
    "network": run_network,
    "linear_block": run_linear_block,
    "classifier": run_classifier,
    "digits": run_digits,
}
