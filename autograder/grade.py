"""Grade one submission: a folder laid out like ``exercises/``, one module file, or a notebook."""

from __future__ import annotations

from pathlib import Path

from autograder import PACKAGE_DIR
from autograder.api import GRADED_MODULES
from autograder.judge.client import ForkServer, Submission
from autograder.judge.results import GradeReport
from autograder.judge.runner import run_graders

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


def grade_submission(server: ForkServer, path: Path, graders: Path = GRADERS_DIR, select: str | None = None) -> GradeReport:
    """Run the hidden graders on the submission at ``path`` and return its report."""
    submission = Submission(server, Path(path), submission_modules(path))
    try:
        return run_graders(submission, graders, select)
    finally:
        submission.close()
