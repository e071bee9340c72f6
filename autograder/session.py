"""A grading session, written once: a server for the student's code, a suite of tests and the course; submissions graded one after another.

``grade``, ``check``, ``grade-class``'s workers, the warm ``serve``, the CI
command and the Gradescope runner all grade through :class:`GradingSession`,
so every path finds a submission's parts the same way (:mod:`autograder.discovery`),
applies the same course settings and time limits, and adds the same notes
(what the sandbox could not isolate here, what was skipped) to the report. The hidden
graders' sessions also screen the source first (:mod:`autograder.screen`) and add each
construct no exercise needs to ``needs_look``, for the instructor's look.
Which session is explicit: :meth:`GradingSession.hidden_graders` (in the fork server's
sandbox, under a course) or :meth:`GradingSession.public_checks` (as written, where the
student is).

Example::

    with GradingSession.hidden_graders(Course()) as session:     # the hidden graders, no course file
        report = session.grade(Path("exercises"))
    report.score, report.max_score                      # (0.0, 100.0)
"""

from __future__ import annotations

import dataclasses
import gc
import sys
from collections.abc import Callable
from pathlib import Path

from autograder import graders_present
from autograder.course.config import Course
from autograder.course.parts import NAMES
from autograder.discovery import Found, discover, source_cells
from autograder.judge import dependencies, loading
from autograder.judge.client import Servers, Submission
from autograder.judge.results import GradeReport, TestResult
from autograder.judge.table import Suite, table, tables

__all__ = ["GradingSession", "checked_parts", "graders_missing"]

BUNDLE_MESSAGE = "`{}` is not part of the student bundle: it needs the hidden graders. Use `python -m autograder check`."


def checked_parts() -> tuple[str, ...]:
    """The parts whose public checks are here (a bundle may ship only this term's, or none)."""
    return tuple(name for name in NAMES if table(name, "public"))


def graders_missing(command: str) -> bool:
    """True (after saying so on stderr) when the hidden graders are absent, as in the student bundle."""
    if graders_present():
        return False
    print(BUNDLE_MESSAGE.format(command), file=sys.stderr)
    return True


class GradingSession:
    """Grades submissions with ``suite`` under ``course``, the student's code behind ``server``.

    Use :meth:`hidden_graders` or :meth:`public_checks` rather than building one by hand.
    """

    def __init__(self, suite: object, course: Course, server: Servers, hidden: bool, sandboxed: bool) -> None:
        self.suite = suite
        self.course = course
        self.server = server
        self.hidden = hidden
        self.sandboxed = sandboxed

    @classmethod
    def hidden_graders(cls, course: Course) -> GradingSession:
        """The hidden graders, always in the fork server's sandbox (Linux), under ``course``.

        torch, the graders and the reference results are imported and checked now, while the fork
        server starts; the garbage collector is off meanwhile (importing torch makes hundreds of
        thousands of objects and no garbage, and the collections would cost a tenth of a cold start).
        """
        from autograder.judge.client import ForkServer  # the fork server: Linux only, never imported by a student's check

        server = Servers(lambda withheld: ForkServer(withhold=withheld))
        server.prepare(course.parts)  # a fork server per set of libraries the parts withhold, warming side by side
        gc.disable()
        try:
            from autograder.graders import book  # torch and the reference results, while the fork server starts

            book.BOOK.ensure()
        finally:
            gc.enable()
        return cls(Suite(tables("hidden"), book=book.checked), course, server, hidden=True, sandboxed=True)

    @classmethod
    def public_checks(cls, sandbox: bool = False, keep_warm: bool = False) -> GradingSession:
        """The public checks, as they are written (no course file applies to them), where the student is: in plain
        local subprocesses (:mod:`autograder.judge.local`, any operating system, no sandbox) unless ``sandbox``
        asks for the fork server. ``keep_warm``: a session that grades again and again (a notebook kernel's) keeps
        the next local process started, so that a later grade does not wait for torch's import."""
        if sandbox:
            from autograder.judge.client import ForkServer  # Linux only: the student's machine never imports it

            server = Servers(lambda withheld: ForkServer(withhold=withheld))
        else:
            from autograder.judge.local import local_servers  # the portable runner, only where the student is

            server = local_servers(keep_warm)  # started by grade(), for the parts it checks: `check` of a NumPy-only part never loads torch
        return cls(Suite(tables("public")), Course(), server, hidden=False, sandboxed=sandbox)

    def grade(
        self,
        path: Path,
        select: str | None = None,
        on_result: Callable[[TestResult], None] | None = None,
        parts: tuple[str, ...] | None = None,
        only: tuple[str, ...] | None = None,
        found: Found | None = None,
    ) -> GradeReport:
        """Grade the submission at ``path`` (a folder, a module file or a notebook).

        ``found`` is what :func:`~autograder.discovery.discover` found there, when the caller already looked
        (it is looked for once). ``on_result`` is called with each test's result as it finishes; ``parts``
        (default: all) limits grading to those parts: only their modules are loaded, only their tests run
        (``--part``: the points stay per test, nothing is scaled); a part the submission does not hold gives
        each of its tests 0 points, ``handed_in=False``, "not handed in", without running them; ``only`` keeps
        the tests whose names start with one of its prefixes (one function's checks). For the hidden graders, the
        source about to be loaded is screened first (:mod:`autograder.screen`): each construct no exercise needs
        is one ``needs_look`` line ("screen: ..."), after any tampering flag; it costs no points. Raises
        :class:`~autograder.errors.InputError` for a path that holds no submission (or, for the public
        checks, when Python cannot start them here).
        """
        from autograder.judge.runner import run_suite  # pytest: not needed by `grade --server`

        found = found if found is not None else discover(Path(path))
        course = self.course
        modules = found.modules
        if parts is not None:
            modules = {name: how for name, how in modules.items() if name in parts}
            course = dataclasses.replace(course, parts=tuple(p for p in course.parts if p in parts))
        self.server.prepare(modules)  # the servers these parts need, started side by side (a no-op once they run)
        if not self.sandboxed:
            self.server.ready()  # a Python without torch: one line now, not a failure per check
        flags: list[str] = []
        screen_notes: list[str] = []
        if self.hidden:  # a flag is for the instructor's look: the students' own checks are not screened
            from autograder.screen import screen  # the student bundle does not carry the screen (the hidden graders' only)

            screening = screen(Path(path), modules, found.where)
            flags, screen_notes = screening.flags, screening.notes
        submission = Submission(
            self.server, Path(path), modules, call_timeout=self.course.call_seconds, load_timeout=self.course.load_seconds
        )
        try:
            submission.start_children()
            report = run_suite(submission, self.suite, select, on_result, course, only)
            report.needs_look = [*submission.needs_look, *flags, *(found.unopened() if self.hidden else [])]
            # Feedback that follows from the whole grade: a file that could not be loaded is said once, and a test
            # whose function calls a failing one points there first (points unchanged).
            loading.apply(report, loading.load_errors(submission, found.where, hidden=self.hidden))
            for name in [name for name in course.parts if name in found.unloadable]:  # handed in, but cannot be source
                loading.unloadable(report, name, found.where[name], found.unloadable[name])
            dependencies.apply(report, {name: source_cells(Path(path), name, how) for name, how in modules.items()})
        finally:
            submission.close()
        report.found = {name: where for name, where in found.where.items() if name in modules or name in report.load_errors}
        for note in [*found.notes, *screen_notes, *self.server.notes]:
            if note not in report.notes:
                report.notes.append(note)
        return report

    def close(self) -> None:
        self.server.close()

    def __enter__(self) -> GradingSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
