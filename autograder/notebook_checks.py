"""``check("train_step")`` and ``hint("train_step")`` in a student's notebook: the public checks on what the notebook defined.

``check`` collects the code cells this kernel has run (IPython's ``In``, in the order they ran, so
later definitions win as they do in the kernel), hands them to the same public checks as
``python -m autograder check`` (a plain subprocess per run, any operating system, no sandbox) and
prints each failed check with its diagnosis. The kernel keeps one check runner, started by its first
``check()``: it keeps the next run's process started (torch imported), so later checks answer at once. ``hint`` gives a function's hints one step at a time.
Cells guarded by ``if __name__ == "__main__":`` (the notebook's own demos and its check cells) are
skipped by the checks, as by the grader. Outside IPython the code of the running script is checked.

Nothing here raises into the notebook: every problem is one printed line.

Example (a notebook cell)::

    from autograder.notebook_checks import checks_for
    check, hint = checks_for("training_loop")
    check("train_step")     # the checks of train_step; check() runs the whole part
    hint("train_step")      # step 1; call again for steps 2 and 3

On the command line, ``python -m autograder hint train_step [STEP]`` prints one step.
"""

from __future__ import annotations

import argparse
import ast
import atexit
import json
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from autograder.checks import hints
from autograder.course.parts import UnknownName, locate, part
from autograder.errors import InputError
from autograder.judge.dependencies import reach, student_calls
from autograder.judge.results import GradeReport
from autograder.outputs import Context, write_outputs
from autograder.selfcheck import raises_not_implemented, to_fix
from autograder.session import GradingSession, checked_parts

_DEFINITION = re.compile(r"^def\s+([A-Za-z_]\w*)\s*\(", re.MULTILINE)
NOT_HERE = "check() runs in a notebook or a script; in a terminal, run: python -m autograder check"


def _cells() -> list[str]:
    """The code this kernel ran, cell by cell (or the running script's code, outside IPython)."""
    try:
        from IPython import get_ipython  # only inside a Jupyter kernel
    except ImportError:
        shell = None
    else:
        shell = get_ipython()
    if shell is not None:
        return [str(cell) for cell in shell.user_ns.get("In", [])[1:] if str(cell).strip()]
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    return [Path(path).read_text(encoding="utf-8", errors="replace")] if path and Path(path).is_file() else []


def _definitions(cells: list[str]) -> dict[str, ast.FunctionDef]:
    """The last definition of each top-level function in ``cells`` (cells that do not parse are skipped)."""
    found: dict[str, ast.FunctionDef] = {}
    for cell in cells:
        try:
            tree = ast.parse("\n".join(line for line in cell.splitlines() if not line.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            continue
        found.update({node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)})
    return found


def broken_cells(part_name: str, cells: list[str]) -> dict[int, tuple[str, ...]]:
    """The cells that do not compile, each with the part's functions it defines that no later cell defines again (a
    fixed cell run later replaces them, as in the kernel): index in ``cells`` -> those functions.

    Example:
        >>> broken_cells("backprop", ["def sigmoid(z)\\n    pass", "x = (", "def sgd_step(params, grads, lr): pass"])
        {0: ('sigmoid',)}
    """
    graded = set(part(part_name).functions)
    latest: dict[str, int | None] = {}  # function -> the broken cell that defines it last (None: a cell that compiles)
    for index, cell in enumerate(cells):
        if _syntax_error(cell) is None:
            latest.update({name: None for name in _definitions([cell]) if name in graded})
        else:
            latest.update({name: index for name in _DEFINITION.findall(cell) if name in graded})
    broken: dict[int, tuple[str, ...]] = {}
    for name, index in latest.items():
        if index is not None:
            broken[index] = (*broken.get(index, ()), name)
    return dict(sorted(broken.items()))


def _syntax_error(cell: str) -> SyntaxError | None:
    try:
        ast.parse("\n".join(line for line in cell.splitlines() if not line.lstrip().startswith(("%", "!"))))
    except SyntaxError as error:
        return error
    return None


def broken_cell_line(cell: str, functions: tuple[str, ...]) -> str:
    """One line for a cell that does not compile: which cell (its first line), the error and its line, what it defines.

    Example: "The cell that begins `def sigmoid(z)` has a syntax error at its line 1 (expected ':'), so it did not run:
    sigmoid is not checked until it does. Fix the cell and run it again."
    """
    error = _syntax_error(cell)
    first = next((line.strip() for line in cell.splitlines() if line.strip()), "")
    kind = "a syntax error" if type(error) is SyntaxError else f"an {type(error).__name__}"
    where = f" at its line {error.lineno}" if error is not None and error.lineno else ""
    reason = f" ({error.msg})" if error is not None and error.msg else ""
    verb = "is" if len(functions) == 1 else "are"
    return (
        f"The cell that begins `{first[:60]}` has {kind}{where}{reason}, so it did not run: {', '.join(functions)} {verb} "
        "not checked until it does. Fix the cell and run it again."
    )


def not_ready(part_name: str, functions: tuple[str, ...], cells: list[str]) -> list[str]:
    """What keeps the functions asked about from being checked, one line each: a cell that does not compile and
    defines one of them or a function one of them calls (said once per cell; a caller gets a line saying which it
    uses), a function the notebook has not defined, one whose body still raises ``NotImplementedError``. Empty when
    every one can be checked."""
    defined = _definitions(cells)
    broken = broken_cells(part_name, cells)
    lost = {name: index for index, named in broken.items() for name in named}
    # who calls whom in the notebook's own code, among the calls the part's record declares (never a guess)
    student = student_calls([cell for cell in cells if _syntax_error(cell) is None], part(part_name).functions)
    shown: dict[int, None] = {}
    lines = []
    for function in functions:
        uses = [name for name in reach(part_name, function) if name in lost and name in reach(part_name, function, student)]
        if function in lost:
            shown[lost[function]] = None
        elif uses:
            shown.update(dict.fromkeys(lost[name] for name in uses))
            lines.append(f"{function}: not checked until that cell runs (it uses {', '.join(uses)})")
        elif function not in defined:
            lines.append(f"{function}: not defined in this notebook yet (run the cell that defines it, then check again)")
        elif raises_not_implemented(defined[function]):
            lines.append(f"{function}: not started yet (it still raises NotImplementedError)")
    return [broken_cell_line(cells[index], broken[index]) for index in sorted(shown)] + lines


def _notebook(folder: Path, part_name: str, cells: list[str]) -> Path:
    """The cells as a notebook of ``part_name`` in ``folder``, for the checks' usual discovery."""
    import nbformat  # here: only a check from a notebook writes one

    path = folder / f"{part_name}.ipynb"
    cells = [nbformat.v4.new_code_cell(cell, id=f"cell-{index}") for index, cell in enumerate(cells, 1)]
    nbformat.write(nbformat.v4.new_notebook(cells=cells, metadata={"autograder": {"module": part_name}}), path)
    return path


_RUNNER: list[GradingSession] = []  # this kernel's check runner, made by the first check()


def runner() -> GradingSession:
    """This kernel's check session (made at the first call, closed when Python exits): each check gets a fresh process,
    one started while the check before it ran."""
    if not _RUNNER:
        session = GradingSession.public_checks(keep_warm=True)
        atexit.register(session.close)
        _RUNNER.append(session)
    return _RUNNER[0]


def drop_runner() -> None:
    """Close this kernel's check session (after a failure: the next check starts a new one)."""
    while _RUNNER:
        _RUNNER.pop().close()


def run_checks(part_name: str, function: str | None, cells: list[str], out=None) -> bool | None:
    """Run the public checks of ``part_name`` (or only ``function``'s) on ``cells``; print the outcome to ``out``.

    Returns True when every check ran passes, False when one fails, None when none could run.
    """
    out = out or sys.stdout

    if part_name not in checked_parts():
        print(f"This installation has no public checks for {part_name}.", file=out)
        return None
    functions = (function,) if function else tuple(part(part_name).functions)
    waiting = not_ready(part_name, functions, cells)
    for line in waiting:
        print(line, file=out)
    lost = {name for named in broken_cells(part_name, cells).values() for name in named}
    ready = tuple(name for name in functions if name not in lost and not any(line.startswith(f"{name}:") for line in waiting))
    if not ready:
        return None
    only = tuple(f"{part_name}.{name}:" for name in ready)
    # A cell that does not compile was said above, once; the checks run on the others (it would define nothing anyway).
    compiled = [cell for cell in cells if _syntax_error(cell) is None]
    with tempfile.TemporaryDirectory(prefix="autograder-notebook-") as folder:
        path = _notebook(Path(folder), part_name, compiled)
        try:
            report: GradeReport = runner().grade(path, parts=(part_name,), only=only)
        except BaseException:
            drop_runner()  # Python could not start the checks, or Ctrl+C: the next check starts afresh
            raise
    report.found = {}  # the kernel's own cells were checked: no "graded from <a notebook that is not there>" line
    passed = sum(test.passed for test in report.tests)
    what = ", ".join(ready)
    title = f"Public checks of {what}: {passed} of {len(report.tests)} pass"
    write_outputs(report, {"table": out}, Context(student=part_name, show_hidden=True, title=title, points=False))
    failed = [target.partition(".")[2] for target in to_fix(report)]
    if failed and hints.available():
        print(f"Stuck? {' or '.join(f'hint({json.dumps(name)})' for name in failed)} gives a hint, one step at a time.", file=out)
    return passed == len(report.tests)


class NotebookChecks:
    """The ``check`` and ``hint`` of one notebook; ``part`` (optional) settles a function name found in several parts."""

    def __init__(self, part_name: str | None = None) -> None:
        self.part = part_name
        self.shown: dict[tuple[str, str], int] = {}

    def _locate(self, name: str | None) -> tuple[str, str | None]:
        if name is None:
            if self.part is None:
                raise UnknownName('say what to check: a function, e.g. check("train_step"), or a part, e.g. check("training_loop")')
            return self.part, None
        return locate(str(name), within=self.part)

    def check(self, name: str | None = None) -> None:
        """Run the public checks of function ``name`` (or of a whole part; default: this notebook's part) and print them."""
        try:
            part_name, function = self._locate(name)
            cells = _cells()
            if not cells:
                print(NOT_HERE)
                return
            run_checks(part_name, function, cells)
        except (UnknownName, InputError) as error:
            print(error)
        except Exception as error:  # noqa: BLE001 - a notebook shows one line, never the checker's traceback
            print(
                f"The checks themselves failed ({type(error).__name__}: {error}); tell your instructor, and try python -m autograder check."
            )

    def hint(self, name: str, step: int | None = None) -> None:
        """Print the next hint step of function ``name`` (or step ``step``, from 1)."""
        try:
            part_name, function = self._locate(name)
        except UnknownName as error:
            print(error)
            return
        if function is None:
            listed = ", ".join(f'hint("{f}")' for f in part(part_name).functions)
            print(f"Hints are written per function; for {part_name}: {listed}")
            return
        key = (part_name, function)
        self.shown[key] = step if step is not None else self.shown.get(key, 0) + 1
        print(hints.step_text(part_name, function, self.shown[key], again=f'hint("{name}")'))


def checks_for(part_name: str) -> tuple[Callable[..., None], Callable[..., None]]:
    """``(check, hint)`` for the notebook of ``part_name``: there, ``check("trainer")`` means this part's trainer."""
    checks = NotebookChecks(part(part_name).name)
    return checks.check, checks.hint


_ANY = NotebookChecks()
check = _ANY.check
hint = _ANY.hint


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the function, by its name (or part.function when several parts have one of that name)")
    parser.add_argument("step", nargs="?", type=int, help="which step, from 1 (default: 1)")


def main(args: argparse.Namespace) -> int:
    """``python -m autograder hint NAME [STEP]``: print one hint step (default: the first)."""
    try:
        part_name, function = locate(args.name)
    except UnknownName as error:
        raise InputError(str(error)) from None
    if function is None:
        raise InputError(f"hints are written per function: give one of {', '.join(part(part_name).functions)}")
    step = args.step or 1
    print(hints.step_text(part_name, function, step, again=f"python -m autograder hint {args.name} {step + 1}"))
    return 0
