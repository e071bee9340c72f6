"""Run a folder of grader tests (pytest) against one submission and collect a :class:`GradeReport`.

The tests run in this, the judge's, process; the student's code runs only in
the sandboxed child behind the ``submission`` fixture. pytest is started with
its own configuration file, so nothing in the student's folder (a
``conftest.py``, a ``pytest.ini``) is ever read.
"""

from __future__ import annotations

import io
import time
import traceback
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from autograder.course import config
from autograder.course.parts import NAMES
from autograder.judge.client import Submission
from autograder.judge.grading import CURRENT, DETAILS, GradingFailure, TestContext
from autograder.judge.results import NOT_HANDED_IN, GradeReport, TestResult

GRADER_ERROR = (
    "The grader itself failed on this test: this is a fault of the grader, not necessarily of your code. "
    "Your instructor can see the details; tell them if it persists."
)


def _grading_failure(error: BaseException | None) -> GradingFailure | None:
    """The GradingFailure behind an exception (hypothesis may wrap it in an exception group)."""
    if isinstance(error, GradingFailure):
        return error
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            found = _grading_failure(inner)
            if found is not None:
                return found
    return None


class GraderPlugin:
    """Gives the graders their ``submission`` and ``grading_notes`` fixtures and records each graded result."""

    name = "autograder-grading"

    def __init__(
        self,
        submission: Submission,
        on_result: Callable[[TestResult], None] | None = None,
        course: config.Course | None = None,
        only: tuple[str, ...] | None = None,
    ) -> None:
        self._submission = submission
        self._course = course or config.Course()
        self._only = only
        self._on_result = on_result
        self.results: list[TestResult] = []
        self.notes: list[str] = []
        self.collection_errors: list[str] = []
        self._details: dict[str, list[dict]] = {}

    @pytest.fixture(scope="session", name="submission")
    def submission_fixture(self) -> Submission:
        return self._submission

    @pytest.fixture(scope="session", name="grading_notes")
    def grading_notes_fixture(self) -> list[str]:
        return self.notes

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "graded(name, points, hidden, budget): a graded behaviour")

    @pytest.hookimpl(trylast=True)  # after `-k` has deselected: a part not handed in lists only the tests that would have run
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        unmarked = [item.nodeid for item in items if item.get_closest_marker("graded") is None]
        if unmarked:
            raise pytest.UsageError(f"grader tests without @graded: {unmarked}")
        unassigned = [
            item
            for item in items
            if not self._course.assigned(_name(item).partition(".")[0])
            or (self._only is not None and not _name(item).startswith(self._only))
        ]
        if unassigned:  # parts not assigned this term are not graded at all
            config.hook.pytest_deselected(items=unassigned)
            items[:] = [item for item in items if item not in unassigned]
        absent = [item for item in items if _name(item).partition(".")[0] not in self._submission.modules]
        if absent:  # a part not in the submission: each test is 0 points, "not handed in", and is not run
            config.hook.pytest_deselected(items=absent)
            items[:] = [item for item in items if item not in absent]
            for item in absent:
                self._record(self._result(item, seconds=0.0, details=[], handed_in=False))
        for item in items:
            # Our reports carry the student message; pytest's own traceback rendering would only cost time.
            item.repr_failure = lambda excinfo: "see the grading message"
        order = {module: index for index, module in enumerate(NAMES)}
        items.sort(key=lambda item: order.get(_name(item).partition(".")[0], len(order)))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {report.longreprtext}")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        marker = item.get_closest_marker("graded")
        token = CURRENT.set(TestContext(marker.kwargs["name"], marker.kwargs.get("hidden", True)))
        details = DETAILS.set([])
        self._submission.deadline = time.monotonic() + marker.kwargs.get("budget", 60.0)
        try:
            yield
        finally:
            self._submission.deadline = None
            self._details[item.nodeid] = DETAILS.get()
            DETAILS.reset(details)
            CURRENT.reset(token)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        outcome = yield
        report = outcome.get_result()
        if not (call.when == "call" or (report.failed and call.when == "setup")):
            return
        result = self._result(item, seconds=round(call.duration, 6), details=self._details.pop(item.nodeid, []))
        points = result.max_points
        error = call.excinfo.value if call.excinfo is not None else None
        failure = _grading_failure(error)
        if report.passed:
            result.points, result.passed = points, True
        elif failure is not None:
            result.message = str(failure)
        else:
            result.message = GRADER_ERROR
            result.grader_error = "".join(traceback.format_exception(error)) if error is not None else report.longreprtext
        self._record(result)

    def _result(self, item: pytest.Item, seconds: float, details: list[dict], handed_in: bool = True) -> TestResult:
        """A failed, 0-point result for ``item`` with this term's points and visibility (the caller fills in the rest)."""
        marker = item.get_closest_marker("graded")
        name = marker.kwargs["name"]
        return TestResult(
            name=name,
            points=0.0,
            max_points=float(self._course.points_for(name, marker.kwargs["points"])),
            passed=False,
            message="" if handed_in else NOT_HANDED_IN,
            hidden=marker.kwargs.get("hidden", True),
            visibility=self._course.visibility_for(name),
            seconds=seconds,
            details=details,
            handed_in=handed_in,
        )

    def _record(self, result: TestResult) -> None:
        self.results.append(result)
        if self._on_result is not None:
            self._on_result(result)


def _name(item: pytest.Item) -> str:
    return item.get_closest_marker("graded").kwargs["name"]


def run_graders(
    submission: Submission,
    tests: Path,
    select: str | None = None,
    on_result: Callable[[TestResult], None] | None = None,
    course: config.Course | None = None,
    only: tuple[str, ...] | None = None,
) -> GradeReport:
    """Run the grader tests under ``tests`` (a folder with a ``pytest.ini``) against ``submission``.

    ``on_result`` is called with each test's result as soon as it is known. ``course`` sets this
    term's points, visibility and assigned parts (default: as the graders declare them). ``only``
    keeps the tests whose names start with one of its prefixes (``("training_loop.train_step:",)``).
    """
    started = time.monotonic()
    plugin = GraderPlugin(submission, on_result, course, only)
    args = [
        str(tests),
        "-c",
        str(tests / "pytest.ini"),
        "--rootdir",
        str(tests),
        "-p",
        "no:cacheprovider",
        "-p",
        "no:terminal",
        "-p",
        "no:logging",
        "-p",
        "no:unraisableexception",
        "-p",
        "no:threadexception",
        "-p",
        "no:faulthandler",
        # No third-party plugin (hypothesis', anyio's, platformdirs'): the graders use none, and pytest would
        # rewrite the asserts of every module of their packages at each cold start (a second without cached bytecode).
        "--disable-plugin-autoload",
    ]
    if select:
        args += ["-k", select]
    log = io.StringIO()
    with redirect_stdout(log), redirect_stderr(log):
        code = pytest.main(args, plugins=[plugin])
    if plugin.collection_errors or code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        raise RuntimeError("the grader tests could not be collected:\n" + "\n".join(plugin.collection_errors) + log.getvalue()[-3000:])
    order = {module: index for index, module in enumerate(NAMES)}
    tests = sorted(plugin.results, key=lambda test: order.get(test.module, len(order)))  # parts not handed in, in their place
    return GradeReport(tests=tests, notes=plugin.notes, seconds=time.monotonic() - started)
