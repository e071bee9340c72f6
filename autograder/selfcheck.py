"""``python -m autograder check [PATH] [PART ...]``: the public checks on a student's own work, with the student's own words.

Runs on the student's machine (any operating system) through :mod:`autograder.judge.local`. It
says which Python, torch and NumPy it found, runs the checks of the parts asked for (default:
all), and sums up a part not started yet (its file absent, or every one of its functions still
raising ``NotImplementedError``) in one line instead of a failure per check. Exit code: 1 when a
check of a started part fails, else 0 (so pre-commit hooks and CI jobs can use it); 2 for a
wrong command line (an unknown part, a path that does not exist).

Example::

    python -m autograder check training_loop              # exercises/training_loop.py only
    python -m autograder check exercises backprop validation --report feedback
"""

from __future__ import annotations

import argparse
import ast
import difflib
import platform
import sys
from importlib import metadata
from pathlib import Path

from autograder import EXERCISES_DIR
from autograder.checks import hints
from autograder.course import environment
from autograder.course.parts import NAMES, part
from autograder.discovery import Found, discover, source_cells
from autograder.errors import InputError
from autograder.judge.results import NOT_GRADED, GradeReport, TestResult
from autograder.outputs import Context, check_targets, write_outputs
from autograder.session import GradingSession, checked_parts

CAVEAT = (
    "\nPassing these checks does not promise full marks: the grader's hidden tests try many more inputs "
    "and situations. Test your functions on examples of your own too."
)
NOT_STARTED_NAME = "{}: not started yet"  # a part not started, as check names it (and its --report placeholder)
NOT_STARTED = NOT_STARTED_NAME + " ({})"
WHY_NOT_STARTED = {
    "absent": "its file is not there",
    "stubs": "every function still raises NotImplementedError",
}
SETUP_HINT = "install the requirements as README.md says under 'Set up'"
FAILED_EXIT = 1


def split_items(items: list[str]) -> tuple[Path, tuple[str, ...]]:
    """``[PATH] [PART ...]`` -> (path, parts): the first item is a path when it exists or looks like one.

    >>> split_items(["training_loop"])[1]
    ('training_loop',)
    """
    path, rest = EXERCISES_DIR, list(items)
    if rest and (rest[0] not in NAMES or Path(rest[0]).exists()):
        first = rest.pop(0)
        if not Path(first).exists():
            looks_like_path = any(sep in first for sep in "/\\") or first.endswith((".py", ".ipynb"))
            if looks_like_path or rest:
                raise InputError(f"{first} does not exist: give your exercises folder, one of its files, or a notebook")
            raise InputError(f"unknown part {first}{_did_you_mean(first)}: the parts are {', '.join(NAMES)} (or give a folder that exists)")
        path = Path(first)
    unknown = [name for name in rest if name not in NAMES]
    if unknown:
        raise InputError(f"unknown part {', '.join(unknown)}{_did_you_mean(unknown[0])}: the parts are {', '.join(NAMES)}")
    return path, tuple(dict.fromkeys(rest)) or checked_parts()


def _did_you_mean(name: str) -> str:
    close = difflib.get_close_matches(name, NAMES, n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def raises_not_implemented(function: ast.FunctionDef) -> bool:
    """Whether the function's body is only (a docstring, ``pass`` and) ``raise NotImplementedError(...)``."""
    body = list(function.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        body = body[1:]
    body = [statement for statement in body if not isinstance(statement, ast.Pass)]
    if len(body) != 1 or not isinstance(body[0], ast.Raise) or body[0].exc is None:
        return False
    exc = body[0].exc.func if isinstance(body[0].exc, ast.Call) else body[0].exc
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def source_of(path: Path, name: str, how: tuple[str, object]) -> str | None:
    """The code of part ``name`` as discovery found it (a file's text, or a notebook's cells joined)."""
    cells = source_cells(path, name, how)
    return None if cells is None else "\n".join(cells)


def part_status(path: Path, modules: dict[str, tuple[str, object]], parts: tuple[str, ...]) -> dict[str, str]:
    """Part -> "started", "absent" or "stubs" (every function of the part still raises NotImplementedError)."""
    status = {}
    for name in parts:
        if name not in modules:
            status[name] = "absent"
            continue
        source = source_of(path, name, modules[name])
        functions = set(part(name).functions)
        if source is not None:
            try:
                tree = ast.parse(source)
            except SyntaxError:
                status[name] = "started"
                continue
            defined = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
            stubbed = functions and functions <= set(defined) and all(raises_not_implemented(defined[f]) for f in functions)
            status[name] = "stubs" if stubbed else "started"
        else:
            status[name] = "started"
    return status


def not_started(path: Path, found: Found, parts: tuple[str, ...]) -> dict[str, str]:
    """Of ``parts``, each not started yet, with why (``check`` and ``ci`` print :func:`not_started_line` instead of its
    failures). A part whose file is there but cannot be loaded counts as started: its checks say why it cannot load.

    Example: ``{"training_loop": "every function still raises NotImplementedError"}``.
    """
    status = part_status(path, found.modules, parts)
    status.update({name: "started" for name in parts if name in found.unloadable})
    return {name: WHY_NOT_STARTED[status[name]] for name in parts if status[name] != "started"}


def not_started_line(name: str, why: str) -> str:
    """The one line for a part not started: ``"training_loop: not started yet (every function ...)"``."""
    return NOT_STARTED.format(name, why)


def to_fix(report: GradeReport) -> list[str]:
    """The ``part.function`` names whose hints to offer, in the report's order: each that fails a check, or, where its
    check's message points first to a function it calls that fails its own, that function; none for a file that could
    not be loaded (its error is the thing to fix, not a function of it).

    Example: with a wrong sigmoid, backward_pass's failures point to sigmoid, so this gives ``["backprop.sigmoid"]``.
    """
    unloaded = {test.name.partition(":")[0] for test in report.tests if test.message.startswith(NOT_GRADED)}
    found: list[str] = []
    for test in report.tests:
        if test.passed or test.message.startswith(NOT_GRADED):
            continue
        module = test.name.partition(".")[0]
        callees = report.fix_first.get(test.name)
        found += [f"{module}.{callee}" for callee in callees] if callees else [test.name.partition(":")[0]]
    return [name for name in dict.fromkeys(found) if name not in unloaded]


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        raise InputError(f"{package} is not installed in this Python ({sys.executable}): {SETUP_HINT}") from None


def versions_lines() -> list[str]:
    """What this Python has, and (when it differs from the grading environment) one line saying so."""
    found = {"python": platform.python_version(), "torch": _version("torch"), "numpy": _version("numpy")}
    _version("pytest")
    lines = [f"Found Python {found['python']}, torch {found['torch']}, NumPy {found['numpy']} ({sys.executable})."]
    pins = environment.GRADING_PINS
    same = (
        found["python"].startswith(pins["python"] + ".")
        and found["torch"].split("+")[0] == pins["torch"]
        and found["numpy"] == pins["numpy"]
    )
    if not same:
        lines.append(
            f"Hidden grading uses the pinned Python {pins['python']}, torch {pins['torch']} and NumPy {pins['numpy']}; "
            "yours run these checks just as well."
        )
    return lines


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "items",
        nargs="*",
        metavar="[PATH] [PART ...]",
        help=f"your exercises folder, one file or a notebook (default: exercises/), then the parts to check (default: all): {', '.join(NAMES)}",
    )
    parser.add_argument("--report", help="also write a feedback report (report.html, report.md) into this folder")


def main(args: argparse.Namespace) -> int:
    """Run the public checks; print the table, the parts not started, and the caveat; 1 when a started part fails a check."""
    if hasattr(sys.stdout, "reconfigure"):  # a Windows pipe (pre-commit, CI) is cp1252: the table's lines must not crash it
        sys.stdout.reconfigure(errors="replace")
    if not checked_parts():
        print("This bundle has no public checks (your instructor left them out this term): there is nothing to check here.")
        return 0
    path, parts = split_items(list(args.items))
    found = discover(path)
    check_targets({"report": args.report})
    if not args.items[1:] and not (args.items and args.items[0] in NAMES) and not path.is_dir():
        parts = tuple(name for name in checked_parts() if name in found.modules)  # one file or notebook: the parts it holds
    for line in versions_lines():
        print(line)
    untouched = not_started(path, found, parts)
    started = tuple(name for name in parts if name not in untouched)
    report = GradeReport(tests=[])
    if started:
        with GradingSession.public_checks() as session:
            report = session.grade(path, parts=started, found=found)
    passed = sum(t.passed for t in report.tests)
    title = f"Public checks on {path}: {passed} of {len(report.tests)} pass"
    context = Context(student=path.name, show_hidden=True, title=title, points=False)
    context.report_title = "Public checks"
    lines = [not_started_line(name, why) for name, why in untouched.items()]
    if report.tests:
        write_outputs(report, {"table": sys.stdout}, context)
    for line in lines:
        print(line)
    if args.report:
        placeholders = [
            TestResult(name=NOT_STARTED_NAME.format(name), points=0.0, max_points=0.0, passed=False, message=f"({why})", hidden=False)
            for name, why in untouched.items()
        ]
        full = GradeReport(
            tests=[*report.tests, *placeholders], notes=report.notes, seconds=report.seconds, load_errors=report.load_errors
        )
        written = write_outputs(full, {"report": Path(args.report)}, context)
        print(f"report: {written['report']}")
    stuck = to_fix(report)
    if stuck and hints.available():
        print(f"\nStuck? python -m autograder hint {stuck[0]} gives that function's hints, one step at a time.")
    print(CAVEAT)
    return FAILED_EXIT if any(not t.passed for t in report.tests) else 0
