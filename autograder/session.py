"""A grading session, written once: a fork server, a set of grader tests and the course; submissions graded one after another.

``grade``, ``check``, ``grade-class``'s workers, the warm ``serve``, the CI
command and the Gradescope runner all grade through :class:`GradingSession`,
so every path finds a submission's parts the same way (:mod:`autograder.discovery`),
applies the same course settings and time limits, and adds the same notes
(what the sandbox could not isolate here, what was skipped) to the report.

Example::

    with GradingSession() as session:           # the hidden graders, the course in force
        report = session.grade(Path("exercises"))
    report.score, report.max_score               # (0.0, 100.0)
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

from autograder import CHECKS_DIR, GRADERS_DIR, graders_present
from autograder.course import config
from autograder.course.parts import NAMES
from autograder.discovery import discover
from autograder.judge.client import Submission
from autograder.judge.results import GradeReport, TestResult

__all__ = ["CHECKS_DIR", "GRADERS_DIR", "GradingSession", "graders_missing"]

BUNDLE_MESSAGE = "`{}` is not part of the student bundle: it needs the hidden graders. Use `python -m autograder check`."


def checked_parts() -> tuple[str, ...]:
    """The parts whose public checks are here (a bundle may ship only this term's, or none)."""
    return tuple(name for name in NAMES if (CHECKS_DIR / f"test_{name}.py").is_file())


def graders_missing(command: str) -> bool:
    """True (after saying so on stderr) when the hidden graders are absent, as in the student bundle."""
    if graders_present():
        return False
    print(BUNDLE_MESSAGE.format(command), file=sys.stderr)
    return True


def warm_judge() -> None:
    """Import torch and the graders and check the reference results now, while the fork server starts.

    The garbage collector is off meanwhile: importing torch makes hundreds of thousands of objects and
    no garbage, and the collections it would trigger cost about a tenth of a cold start's floor.
    """
    import gc

    gc.disable()
    try:
        from autograder.graders.conftest import BOOK

        BOOK.ensure()
    finally:
        gc.enable()


class GradingSession:
    """Grades submissions with the tests in ``tests`` (default: the hidden graders) under ``course``.

    The public checks (``tests=CHECKS_DIR``) are graded as they are written: no course file applies to them,
    and they run where the student is: in plain local subprocesses (:mod:`autograder.judge.local`, any
    operating system, no sandbox) unless ``sandbox=True`` asks for the fork server. The hidden graders
    always run in the fork server's sandbox (Linux).
    """

    def __init__(self, tests: Path = GRADERS_DIR, course: config.Course | None = None, sandbox: bool | None = None) -> None:
        self.tests = Path(tests)
        self.hidden = self.tests == GRADERS_DIR
        self.course = (course or config.active()) if self.hidden else config.Course()
        self.sandboxed = True if self.hidden else bool(sandbox)
        if self.sandboxed:
            from autograder.judge.client import ForkServer

            self.server = ForkServer()
        else:
            from autograder.judge.local import LocalServer

            self.server = LocalServer()
        if self.hidden:
            warm_judge()

    def grade(
        self,
        path: Path,
        select: str | None = None,
        on_result: Callable[[TestResult], None] | None = None,
        parts: tuple[str, ...] | None = None,
        only: tuple[str, ...] | None = None,
    ) -> GradeReport:
        """Grade the submission at ``path`` (a folder, a module file or a notebook).

        ``on_result`` is called with each test's result as it finishes; ``parts`` (default: all)
        limits grading to those parts: only their modules are loaded, only their tests run (``--part``: the
        points stay per test, nothing is scaled); a part the submission does not hold gives each of its tests
        0 points, ``handed_in=False``, "not handed in", without running them; ``only`` keeps
        the tests whose names start with one of its prefixes (one function's checks). Raises
        :class:`~autograder.errors.InputError` for a path that holds no submission (or, for the public
        checks, when Python cannot start them here).
        """
        from autograder.judge.runner import run_graders  # pytest: not needed by `grade --server`

        found = discover(Path(path))
        course = self.course if self.hidden else None
        modules = found.modules
        if parts is not None:
            modules = {name: how for name, how in modules.items() if name in parts}
            course = dataclasses.replace(course or config.Course(), parts=tuple(p for p in (course or config.Course()).parts if p in parts))
        if not self.sandboxed:
            self.server.ready()  # a Python without torch: one line now, not a failure per check
        submission = Submission(
            self.server, Path(path), modules, call_timeout=self.course.call_seconds, load_timeout=self.course.load_seconds
        )
        try:
            report = run_graders(submission, self.tests, select, on_result, course, only)
            report.needs_look = list(submission.needs_look)
        finally:
            submission.close()
        report.found = {name: where for name, where in found.where.items() if name in modules}
        for note in [*found.notes, *self.server.notes]:
            if note not in report.notes:
                report.notes.append(note)
        return report

    def close(self) -> None:
        self.server.close()

    def __enter__(self) -> GradingSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
