"""A file that cannot be loaded is one message: said once per file (or notebook cell), its tests only refer to it.

When ``backprop.py`` has a syntax error (or raises on import, or hangs or ends the process while loading), every
test of backprop fails, and each would otherwise repeat the same error with a hint about its own function, which is
beside the point. After the grade, :func:`apply` keeps the error once in the report (``load_errors``: the table,
results.json's output, the report say it once) and gives each of those tests the same short reference and nothing
else: no hint, no diagnosis, no picture. Points do not change: those tests fail with 0 points, as they did.

A notebook is run cell by cell, so a cell that does not compile (or whose import fails) costs only the functions it
defines: the message names the cell and the line, and only their tests refer to it.

Example:
    a syntax error at line 33 of backprop.py gives one message, "backprop.py could not be loaded: running it raised
    SyntaxError: expected ':' (backprop.py, line 33). ...", and each of its 11 tests the message
    "not graded: backprop.py could not be loaded (see above)".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from autograder.course.parts import NAMES, part
from autograder.judge.client import Submission
from autograder.judge.grading import describe_failure
from autograder.judge.results import NOT_GRADED, GradeReport

# What a notebook cell can raise that means its code never ran as written (a cell raising anything else ran up to
# there, and its functions are judged by their own tests).
CELL_LOAD_ERRORS = ("SyntaxError", "IndentationError", "TabError", "ImportError", "ModuleNotFoundError")
_DEFINITION = re.compile(r"^def\s+([A-Za-z_]\w*)\s*\(", re.MULTILINE)


@dataclass(frozen=True)
class LoadError:
    """One file or notebook cell that could not be loaded.

    Attributes:
        module: the part it belongs to.
        message: what the student reads once: the file (or cell), the error, the line.
        functions: the part's functions it leaves without code (a file: all of them).
        reference: what each of their tests says instead of its own message.
    """

    module: str
    message: str
    functions: tuple[str, ...]
    reference: str


def function_of(test_name: str) -> str:
    """The function a test grades: ``"backprop.sigmoid: words"`` gives ``"sigmoid"``."""
    return test_name.partition(".")[2].partition(":")[0]


def file_error(module: str, failure: object, hidden: bool) -> LoadError:
    """The load error of a module file (``failure`` is the child's :class:`~autograder.judge.client.Failure`)."""
    functions = tuple(part(module).functions) if module in NAMES else ()
    message = describe_failure(module, failure, hidden)
    return LoadError(module, message, functions, f"{NOT_GRADED}{module}.py could not be loaded (see above).")


def cell_error(module: str, notebook: str, number: int, source: str, error: dict) -> LoadError:
    """The load error of cell ``number`` (from 1, among the notebook's code cells) of ``notebook``; ``error`` is what the
    child said (type, message). A syntax error's message already holds its line in the cell ("(<cell 3>, line 2)")."""
    graded = tuple(part(module).functions) if module in NAMES else ()
    functions = tuple(dict.fromkeys(name for name in _DEFINITION.findall(source) if name in graded))
    # Python says "(<cell 3>, line 2)": the cell is named below, in the student's words.
    detail = re.sub(rf"\s*\(<cell {number}>, line (\d+)\)", r" at line \1 of the cell", str(error.get("message", ""))).strip()
    kind = str(error.get("type", "an error"))
    lost = f" {', '.join(functions)} {'is' if len(functions) == 1 else 'are'} defined there, so"
    what = f"{lost} {'its' if len(functions) == 1 else 'their'} tests cannot run" if functions else " It defines no graded function"
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    begins = f" (the one that begins `{first[:60]}`)" if first else ""
    message = (
        f"{notebook}: code cell {number}{begins} could not run: it raised {kind}{f': {detail}' if detail else ''}.{what}. "
        f"Fix the cell and run it again."
    )
    return LoadError(module, message, functions, f"{NOT_GRADED}code cell {number} of {notebook} could not run (see above).")


def load_errors(submission: Submission, found: dict[str, str], hidden: bool) -> list[LoadError]:
    """Every file and notebook cell of ``submission`` that could not be loaded, in the chapter's order.

    ``found``: part -> the path its code was taken from (a notebook's name is said as it was handed in); ``hidden``:
    whether the messages may quote the error's own words (a syntax error's always may: it shows no input).
    """
    errors = []
    broken, cells = submission.broken, submission.notebook_failures
    for module in [name for name in NAMES if name in submission.modules]:
        failure = broken.get(module)
        if failure is not None and failure.kind == "import":  # tampering while loading is the instructor's flag, not this
            errors.append(file_error(module, failure, hidden))
            continue
        how, payload = submission.modules[module]
        if how != "notebook":
            continue
        notebook = Path(found.get(module, f"{module}.ipynb")).name
        for number, error in cells.get(module, []):
            if isinstance(error, dict) and error.get("type") in CELL_LOAD_ERRORS and 0 < number <= len(payload):
                errors.append(cell_error(module, notebook, number, str(payload[number - 1]), error))
    return errors


def unloadable(report: GradeReport, module: str, where: str, reason: str) -> None:
    """A part whose file discovery could not take as source (binary, not UTF-8, empty, unreadable): handed in, not
    loaded. Each of its tests scores 0, as with a syntax error, and refers to the one message that says why.

    Example: ``unloadable(report, "backprop", "backprop.py", "it is a binary file (a PNG image), ...")`` gives
    ``report.load_errors["backprop"] == ["backprop.py could not be loaded: it is a binary file (a PNG image), ..."]``.
    """
    reference = f"{NOT_GRADED}{where} could not be loaded (see above)."
    report.load_errors.setdefault(module, []).append(f"{where} could not be loaded: {reason}")
    for test in report.tests:
        if test.module == module:  # discovery left it out, so the runner said "not handed in": it was, and is 0
            test.handed_in, test.passed, test.points, test.message, test.details = True, False, 0.0, reference, []


def apply(report: GradeReport, errors: list[LoadError]) -> None:
    """Say each error once in ``report`` and make its tests refer to it: no hint, no diagnosis, no data; same points."""
    for error in errors:
        report.load_errors.setdefault(error.module, []).append(error.message)
        for test in report.tests:
            if test.module == error.module and test.handed_in and not test.passed and function_of(test.name) in error.functions:
                if not test.message.startswith(NOT_GRADED):  # a function in two broken cells: the first one is named
                    test.message, test.details = error.reference, []
