"""Grade one submission: a folder laid out like ``exercises/``, one module file, or a notebook."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from autograder import PACKAGE_DIR
from autograder.api import GRADED_MODULES
from autograder.judge.results import GradeReport, TestResult, write_gradescope

if TYPE_CHECKING:
    from autograder.judge.client import ForkServer

GRADERS_DIR = PACKAGE_DIR / "graders"


def submission_modules(path: Path) -> dict[str, tuple[str, object]]:
    """Which graded modules a submission provides, and how the child loads each."""
    path = Path(path)
    if path.is_dir():
        return {m: ("file", None) for m in GRADED_MODULES if (path / f"{m}.py").is_file()}
    if path.suffix == ".py" and path.stem in GRADED_MODULES:
        return {path.stem: ("file", None)}
    if path.suffix == ".ipynb":
        from autograder.notebooks import notebook_modules

        return notebook_modules(path)
    raise ValueError(
        f"{path} is not a submission: give a folder with {', '.join(m + '.py' for m in GRADED_MODULES)}, one of those files, or a notebook"
    )


def warm_judge() -> None:
    """Compute the reference results now (about a second of torch set-up), while the fork server starts."""
    from autograder.graders.conftest import BOOK

    BOOK.ensure()


def grade_submission(
    server: ForkServer,
    path: Path,
    graders: Path = GRADERS_DIR,
    select: str | None = None,
    on_result: Callable[[TestResult], None] | None = None,
) -> GradeReport:
    """Run the hidden graders on the submission at ``path`` and return its report.

    ``on_result`` is called with each test's result as it finishes. The report's notes say
    (for the instructor) when the sandbox could not isolate the student's code fully here.
    """
    from autograder.judge.client import Submission
    from autograder.judge.runner import run_graders

    submission = Submission(server, Path(path), submission_modules(path))
    try:
        report = run_graders(submission, graders, select, on_result)
    finally:
        submission.close()
    report.notes.extend(note for note in server.notes if note not in report.notes)
    return report


UNFINISHED = "not graded: grading did not finish"


def unfinished_report() -> GradeReport:
    """What stands in a student's results until the judge's own replace them: zero, and why."""
    message = "The grader stopped before it finished: this is not your score. Ask your instructor to grade again."
    return GradeReport(tests=[TestResult("grading: not finished", 0.0, 0.0, False, message, hidden=False)])


class ResultsFile:
    """Gradescope's results.json, written with zero points before any student code runs, then after each test.

    Until :meth:`finish`, the file also holds an "unfinished" entry, so a run that is killed
    leaves the judge's own partial results, never a stale, forged or empty file.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.tests: list[TestResult] = []
        self._write()

    def _write(self) -> None:
        write_gradescope(GradeReport(tests=[*self.tests, *unfinished_report().tests]), self.path)

    def add(self, result: TestResult) -> None:
        self.tests.append(result)
        self._write()

    def finish(self, report: GradeReport) -> None:
        write_gradescope(report, self.path)
