"""What the notebooks' hidden tests call inside a Jupyter kernel (nbgrader, otter-grader).

The kernel that runs a student's notebook is not where we judge it. :func:`check` finds the
notebook file in the kernel's working directory, grades it once with ``python -m autograder
grade`` in a separate process (the student's code then runs only in our sandboxed child, against
the same hidden graders and reference curves as every other path), keeps the per-test results in
this module, and passes or fails one graded test. The first test cell passes ``fresh=True``; the
others reuse its results, so a notebook is graded once however many test cells it has.

Nothing here writes to stderr (nbgrader scores zero any test cell that does) and nothing heavy is
imported: this module must load in a fraction of a second inside any kernel.

Example (what an nbgrader test cell runs)::

    from autograder.platforms.kernel import check
    check("training_loop", "training_loop.train_step: one step matches the reference", fresh=True)
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import autograder

# Seconds for a whole notebook: below nbgrader's 600 s cell timeout (our nbgrader_config.py), so that our own
# limit fires first and its failure is kept for the other test cells instead of each one grading again.
GRADE_TIMEOUT = 540.0
_RESULTS: dict[tuple[str, str], dict[str, dict] | GraderUnavailable] = {}


class GraderUnavailable(RuntimeError):
    """The notebook could not be graded at all (not found, or the grader did not run)."""


def _module_of(path: Path) -> str | None:
    try:
        metadata = json.loads(path.read_text()).get("metadata", {})
        return metadata.get("autograder", {}).get("module")
    except (OSError, ValueError, AttributeError):
        return None


def find_notebook(part: str, notebook: str | None = None, directory: Path | None = None) -> Path:
    """The notebook to grade for ``part``: ``notebook`` if it exists in ``directory`` (default: the
    working directory), else the one whose metadata names the part, else the only notebook there."""
    directory = Path(directory or os.getcwd())
    if notebook and (directory / notebook).is_file():
        return directory / notebook
    candidates = sorted(directory.glob("*.ipynb"))
    named = [path for path in candidates if _module_of(path) == part]
    if len(named) == 1:
        return named[0]
    if len(candidates) == 1:
        return candidates[0]
    raise GraderUnavailable(f"cannot tell which notebook in {directory} is part {part!r} ({len(candidates)} notebooks)")


def _grade(path: Path, part: str) -> dict[str, dict]:
    """Run ``python -m autograder grade`` on the notebook in a fresh process; test name -> result."""
    package_root = Path(autograder.__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory(prefix="notebook-grade-") as scratch:
        if (package_root / "__init__.py").exists():
            # otter's runner puts __init__.py files above the copy it ships, which would make pytest
            # import the graders as part of a larger package: grade from a clean copy instead.
            for name in ("autograder", "solutions"):
                shutil.copytree(package_root / name, Path(scratch) / "grader" / name, ignore=shutil.ignore_patterns("__pycache__"))
            package_root = Path(scratch) / "grader"
        env = dict(os.environ, PYTHONPATH=str(package_root), PYTHONWARNINGS="ignore")
        report_path = Path(scratch) / "report.json"
        try:
            process = subprocess.run(
                [sys.executable, "-m", "autograder", "grade", str(path), "--json", str(report_path)],
                cwd=scratch,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=GRADE_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            raise GraderUnavailable(f"grading {path.name} took more than {GRADE_TIMEOUT:.0f} s") from None
        if process.returncode not in (0, 3) or not report_path.is_file():
            raise GraderUnavailable(f"the grader could not run on {path.name} (exit {process.returncode}): {process.stderr[-1500:]}")
        report = json.loads(report_path.read_text())
    return {test["name"]: test for test in report["tests"] if test["name"].partition(".")[0] == part}


def grade(part: str, notebook: str | None = None, fresh: bool = False) -> dict[str, dict]:
    """Per-test results (test name -> dict with points, max_points, passed, message) for this notebook.

    Graded once per notebook content; ``fresh`` grades again in any case.
    """
    __tracebackhide__ = True  # IPython and pytest leave this frame out of the student's traceback
    path = find_notebook(part, notebook)
    key = (part, hashlib.sha256(path.read_bytes()).hexdigest())
    if fresh or key not in _RESULTS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                _RESULTS[key] = _grade(path, part)
            except GraderUnavailable as error:  # every test fails with it, without grading again for each
                _RESULTS[key] = error
            except KeyboardInterrupt:  # the platform interrupted a cell that ran too long: do not start again
                _RESULTS[key] = GraderUnavailable(f"grading {path.name} was interrupted (it took too long)")
    outcome = _RESULTS[key]
    if isinstance(outcome, GraderUnavailable):
        raise outcome
    return outcome


def _short_tracebacks() -> None:
    """Under nbgrader, report a failed test as its message only: an ordinary traceback would show the
    hidden test's own lines in the student's feedback."""
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    if shell is not None and hasattr(shell, "InteractiveTB"):
        shell.InteractiveTB.set_mode("Minimal")


def check(part: str, test: str, notebook: str | None = None, fresh: bool = False) -> None:
    """Pass (return None) if graded test ``test`` passed for this notebook; else raise AssertionError
    with the grader's feedback for the student."""
    __tracebackhide__ = True
    if os.environ.get("NBGRADER_EXECUTION"):
        _short_tracebacks()
    results = grade(part, notebook, fresh)
    result = results.get(test)
    if result is None:
        raise AssertionError(f"{test}: this test did not run; the grader has no test of this name")
    if not result["passed"]:
        unit = "point" if result["max_points"] == 1 else "points"
        raise AssertionError(f"{test} ({result['max_points']:g} {unit})\n{result['message']}")
