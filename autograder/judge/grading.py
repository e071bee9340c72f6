"""What a check uses: ``GradingFailure``, :func:`fail`, the placeholder rule, and messages about the student's code.

A test (a row of a part's table, :mod:`autograder.judge.table`) passes or fails as a whole. It fails by raising
:class:`GradingFailure` with a message written for the student: what went
wrong, in the chapter's terms, and what to try. Any other exception inside a
grader is a bug in the grader; the runner reports it to the instructor
instead of silently charging the student.

Hidden tests never put their inputs or expected values in a message, and
they do not echo the student's exception messages or printed output either
(student code could print its hidden inputs into them).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass

from autograder.course.parts import LIBRARIES, NAMES, part
from autograder.judge.client import Failure, Outcome, Submission


@dataclass(frozen=True)
class TestContext:
    name: str
    hidden: bool


OUTSIDE_TESTS = TestContext("", True)
CURRENT: contextvars.ContextVar[TestContext] = contextvars.ContextVar("current_test")


DETAILS: contextvars.ContextVar[list[dict]] = contextvars.ContextVar("test_details")


def record(detail: dict) -> None:
    """Attach plain data (curves, a gradient table, dropout figures, a diagnosis) to the current test's result.

    Reports draw them; for a hidden test they are shown only when the instructor publishes hidden tests.
    Each detail is a dict with a "kind": "curves", "gradients", "dropout" or "diagnosis".
    """
    details = DETAILS.get(None)
    if details is not None:
        details.append(detail)


class GradingFailure(AssertionError):
    """A graded behaviour that the submission does not show; the message is for the student."""


def fail(message: str, hint: str = "", module: str = "") -> None:
    """Fail the current test with a student-facing message (and a pointer to the chapter)."""
    parts = [message.strip()]
    if hint:
        parts.append(f"Try this: {hint.strip()}")
    if module in NAMES:
        parts.append(f"See the chapter, {part(module).section}.")
    raise GradingFailure("\n".join(parts))


PROPERTY_RULE = "this test earns its points only once {function} computes right values on {example}"


def right_values_first(submission: Submission, function: str, example: str, check: Callable[[], None]) -> None:
    """Fail unless ``check()`` passes: the placeholder rule, applied after a property test's own check (shape, type,
    purity, mode, no side effect), so that a function which computes nothing (zeros of the right shape, its input
    handed back, an empty model) earns none of its points, while a real mistake still gets the property's own
    message first. A table declares it per test (:class:`autograder.judge.table.ValuesFirst`).

    ``function`` is "module.function"; ``check`` is a value check of that function on its basic example (the
    chapter's, where there is one) that raises :class:`GradingFailure`. Its verdict is kept per submission, so the
    tests of one function share one run.

    Example:
        for ``return params`` in sgd_step, with the chapter's step as the value check, the purity test fails
        "The property itself holds, but this test earns its points only once backprop.sgd_step computes right
        values on the chapter's step: ...".
    """
    key = f"right values first: {function}"
    if key not in submission.cache:
        try:
            check()
            submission.cache[key] = ""
        except GradingFailure as failure:
            submission.cache[key] = str(failure)
    if submission.cache[key]:
        rule = PROPERTY_RULE.format(function=function, example=example)
        raise GradingFailure(f"The property itself holds, but {rule}: {submission.cache[key]}")


def describe_failure(function: str, failure: Failure, hidden: bool) -> str:
    """Say, in the student's terms, why calling ``function`` gave no result."""
    module = function.partition(".")[0]
    if failure.type == "LibraryNotAllowed" and module in NAMES and part(module).withheld:
        return used_a_withheld_library(function, failure)
    if failure.kind == "missing":
        return f"{module}.py is not in your submission: hand it in under exactly that name."
    if failure.kind == "import" and failure.type in ("timeout", "crash"):
        return (
            f"{module}.py could not be loaded: running it {'took too long' if failure.type == 'timeout' else 'stopped the process'}. "
            "Code at the top level of the file runs on import: put experiments and training runs under "
            '`if __name__ == "__main__":`.'
        )
    if failure.kind == "import":
        where = _where(failure)
        detail = f": {failure.message}" if failure.message and (not hidden or failure.type == "SyntaxError") else ""
        return (
            f"{module}.py could not be loaded: running it raised {failure.type}{detail}{where}. "
            f"Run `python {module}.py` in the folder that holds it to see the full error; every test of {module} needs it to load."
        )
    if failure.kind == "timeout":
        return (
            f"{function} did not finish in time ({failure.message}). Look for a loop that never ends, "
            "or one that runs over far more epochs or data than it was given."
        )
    if failure.kind == "crash":
        return (
            f"The process running {function} stopped ({failure.message}). Calls such as sys.exit(), "
            "os._exit() or os.kill() end it, and so does running out of memory: remove them, and keep "
            "tensors small."
        )
    if failure.kind == "tampering":
        return (
            f"The grader's own code was modified while {function} ran or {module}.py was loaded ({failure.message}), "
            "so nothing observed there can be trusted and this test gives no points. Your instructor will look at "
            "this submission. Do not replace functions of the grader, torch, NumPy or Python's builtins: write the "
            "exercise with them as they are."
        )
    if failure.kind == "protocol":
        return f"{function} returned something the grader cannot read ({failure.message}). Return plain numbers, lists, arrays or tensors."
    if failure.type == "NotImplementedError":
        return f"{function} is not written yet: it still raises NotImplementedError. Replace `raise NotImplementedError()` with your code."
    if failure.type == "MissingFunction":
        return f"{function} is not defined in {module}.py. Keep the function's name and signature exactly as in the exercise."
    detail = f": {failure.message}" if failure.message and not hidden else ""
    return f"{function} raised {failure.type}{detail}{_where(failure)}."


def used_a_withheld_library(function: str, failure: Failure) -> str:
    """The part's rule in one line (its record's ``libraries``), and where its code used another library.

    Example: "part 1 asks for NumPy only: torch is not available here. backprop.backward_pass used it at backprop.py
    line 40 (`t = torch.tensor(x, requires_grad=True)`): compute with NumPy; to compare with torch, do it under
    `if __name__ == "__main__":` or in a separate script."
    """
    module = function.partition(".")[0]
    record = part(module)
    who = f"{module}.py could not be loaded: it" if failure.kind == "import" else function
    allowed = " and ".join(LIBRARIES[name] for name in record.libraries) or "Python alone"
    withheld = " or ".join(LIBRARIES[name] for name in record.withheld)
    return (
        f"{record.library_rule()}. {who} used it{_where(failure)}: compute with {allowed}; to compare with {withheld}, "
        'do it under `if __name__ == "__main__":` or in a separate script.'
    )


def _where(failure: Failure) -> str:
    frames = [frame for frame in failure.where if isinstance(frame, list) and len(frame) == 4]
    if not frames:
        return ""
    filename, line, _, code = frames[-1]
    code = f" (`{str(code).strip()}`)" if code else ""
    return f" at {filename} line {line}{code}"


def raised_itself(outcome: Outcome) -> bool:
    """Whether a call failed by raising an error of its own (not a function still a stub, missing, hung or crashed):
    the kind of failure a hint about the arguments' types can be about."""
    failure = outcome.failure
    return not outcome.ok and failure.kind == "exception" and failure.type not in ("NotImplementedError", "MissingFunction")


def result_of(outcome: Outcome, function: str) -> object:
    """The value a call or scenario produced, or a GradingFailure explaining why there is none."""
    if outcome.ok:
        return outcome.value
    raise GradingFailure(describe_failure(function, outcome.failure, CURRENT.get(OUTSIDE_TESTS).hidden))
