"""What ``from autograder.notebook_checks import checks_for`` gives a student's code inside a child: a ``check`` and a
``hint`` that do nothing.

A notebook's set-up cell brings ``check`` and ``hint`` in. The notebooks guard it with ``if __name__ == "__main__":``,
but a student who retypes it, or writes a notebook of their own, may not; the child then runs it when it loads the
notebook. There the real module cannot be right: in the fork server's root it is not found (a cell that "could not
run"), and in the students' local runner it imports the judge, whose new modules the seal takes for tampering. The
checks run in the student's kernel, never in the child, so in the child they do nothing; this stand-in is put in
``sys.modules`` before the seal and before any student code.

Example (what the student's cell then does in the child)::

    from autograder.notebook_checks import checks_for
    check, hint = checks_for("training_loop")
    check("train_step")          # nothing: returns None

Who may import it: the fork server and the local child, as they start. It imports nothing heavy.
"""

from __future__ import annotations

import sys
import types

NAME = "autograder.notebook_checks"


def _nothing(*args: object, **kwargs: object) -> None:
    """``check`` and ``hint`` in a child: the student's kernel runs the checks, the child does not."""


def _checks_for(*args: object, **kwargs: object) -> tuple:
    return _nothing, _nothing


def install() -> None:
    """Put the stand-in in ``sys.modules`` (and on the ``autograder`` package), unless the real module is loaded."""
    if NAME in sys.modules:
        return
    module = types.ModuleType(NAME, "check() and hint() in a grading child: they do nothing there.")
    module.check = module.hint = _nothing
    module.checks_for = _checks_for
    sys.modules[NAME] = module
    package = sys.modules.get("autograder")
    if package is not None:
        package.notebook_checks = module
