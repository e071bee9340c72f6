"""The scenario runners (one module per kind of exercise) and their RUNNERS table: imported by the child, the fork server and the judge's references.

A runner builds the judge's data and model from a plain spec, calls the student's function and reports plain data.

The same code runs on both sides of the sandbox. In the child it calls the
student's function; in the judge it calls the reference solution (or a
known-mistake variant of it) on the very same scenario. Because data, initial
weights, batch order and dropout masks all come from the spec, the two runs
are comparable number for number.

Nothing here is secret: which scenarios the graders use, and what the
reference gives, live with the hidden graders. One module per kind of
exercise: the shared training runners in :mod:`.training`, their helpers in
:mod:`.describe`, and each part's own in ``autograder/parts/<name>/runner.py``;
this package only assembles ``RUNNERS``, the table the child's ``scenario``
request names a runner from.

The table holds what this process's libraries allow (:mod:`autograder.sandbox.libraries`): everywhere, all of
them; in a child that withholds torch (a NumPy-only part's), neither the shared training runners nor the runners
of parts that use torch, so that importing this package never loads torch there.

Who may import it: the child (:mod:`autograder.sandbox.child`), the fork server, and the judge's reference results;
it imports the parts' runner modules, found through the registry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from autograder.course.parts import PARTS, has, module_of
from autograder.sandbox import libraries


def _shared() -> dict[str, Callable[..., dict]]:
    """The runners every course shares: a training step, and a trainer (any of the chapter's loops). They need torch."""
    if not libraries.allows("torch"):
        return {}
    from autograder.sandbox.runners.training import run_train_step, run_trainer  # torch: never where it is withheld

    return {"trainer": run_trainer, "train_step": run_train_step}


def _assemble() -> dict[str, Callable[..., dict]]:
    """The shared runners and each part's own (``autograder/parts/<name>/runner.py``, its ``RUNNERS``), one table:
    those this process's libraries allow."""
    table = _shared()
    for part in PARTS:
        name = part.name
        if not has(name, "runner") or not all(libraries.allows(library) for library in part.libraries):
            continue
        for kind, runner in importlib.import_module(module_of(name, "runner")).RUNNERS.items():
            if kind in table:
                raise ValueError(f"part {name}'s runner {kind!r} is already defined: name it after the part's exercise")
            table[kind] = runner
    return table


RUNNERS: dict[str, Callable[..., dict]] = _assemble()
