"""Run a suite of table rows (:mod:`autograder.judge.table`) against one submission with pytest, and collect a :class:`GradeReport`.

pytest collects one test function (``autograder/judge/suite/test_suite.py``), which this
module's plugin parametrises with every row of the suite: the hidden graders' tables or the
public checks', never both, as the session that calls it says. The tests run in this, the
judge's, process; the student's code runs only in the sandboxed child behind the ``submission``.
pytest is started with the suite's own configuration file, so nothing in the student's folder
(a ``conftest.py``, a ``pytest.ini``) is ever read.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import os
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from autograder.course import config
from autograder.course.parts import NAMES, module_of
from autograder.errors import GraderLoadError
from autograder.judge.client import Submission
from autograder.judge.grading import CURRENT, DETAILS, GradingFailure, TestContext, right_values_first
from autograder.judge.results import NOT_HANDED_IN, GradeReport, TestResult
from autograder.judge.table import Suite, Test

SUITE_DIR = Path(__file__).with_name("suite")
GRADER_ERROR = (
    "The grader itself failed on this test: this is a fault of the grader, not necessarily of your code. "
    "Your instructor can see the details; tell them if it persists."
)


def resolve(reference: str, row: Test) -> Callable:
    """The function a row names: ``"name"`` in the checks module beside its table, or ``"module:function"``."""
    module, _, name = reference.rpartition(":")
    return getattr(importlib.import_module(module or module_of(row.part, row.side, "checks")), name)


def call_check(reference: str, row: Test, args: dict, submission: Submission, book: Callable[[], object]) -> None:
    """Call the check ``reference`` with the parameters it names: ``submission``, ``book``, ``scenario`` and ``args``."""
    function = resolve(reference, row)
    given = {"submission": submission, "scenario": row.scenario, **args}
    kwargs = {}
    for name in inspect.signature(function).parameters:
        if name == "book":
            kwargs[name] = book()
        elif name in given:
            kwargs[name] = given[name]
    unused = set(args) - set(kwargs)
    if unused:
        raise TypeError(f"{row.name}: its check {reference} takes no argument {', '.join(sorted(unused))}")
    function(**kwargs)


def execute(row: Test, submission: Submission, book: Callable[[], object]) -> None:
    """Run one row: its check, then, for a property test, the placeholder rule (:class:`~autograder.judge.table.ValuesFirst`)."""
    call_check(row.check, row, dict(row.args), submission, book)
    rule = row.values_first
    if rule is not None:
        right_values_first(submission, row.target, rule.example, lambda: call_check(rule.check, row, dict(rule.args), submission, book))


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
    """Parametrises the suite's one test with every row, gives it its fixtures, and records each graded result."""

    name = "autograder-grading"

    def __init__(
        self,
        submission: Submission,
        suite: Suite,
        on_result: Callable[[TestResult], None] | None = None,
        course: config.Course | None = None,
        only: tuple[str, ...] | None = None,
    ) -> None:
        self._submission = submission
        self._suite = suite
        self._course = course or config.Course()
        self._only = only
        self._on_result = on_result
        self.results: list[TestResult] = []
        self.notes: list[str] = []
        self.collection_errors: list[str] = []
        self._details: dict[str, list[dict]] = {}
        self._book: object = None

    def book(self) -> object:
        """The reference book, checked once per process; its notes join the report's."""
        if self._suite.book is None:
            raise RuntimeError("a check asked for the reference results, which only the hidden graders have")
        if self._book is None:
            self._book = self._suite.book(self.notes)
        return self._book

    @pytest.fixture(scope="session", name="submission")
    def submission_fixture(self) -> Submission:
        return self._submission

    @pytest.fixture(scope="session", name="run_row")
    def run_row_fixture(self) -> Callable[[Test], None]:
        return lambda row: execute(row, self._submission, self.book)

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "row" in metafunc.fixturenames:
            metafunc.parametrize("row", [pytest.param(row, id=f"{row.part}.{row.id}") for row in self._suite.tests])

    @pytest.hookimpl(trylast=True)  # after `-k` has deselected: a part not handed in lists only the tests that would have run
    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        unassigned = [
            item
            for item in items
            if not self._course.assigned(_row(item).part) or (self._only is not None and not _row(item).name.startswith(self._only))
        ]
        if unassigned:  # parts not assigned this term are not graded at all
            config.hook.pytest_deselected(items=unassigned)
            items[:] = [item for item in items if item not in unassigned]
        absent = [item for item in items if _row(item).part not in self._submission.modules]
        if absent:  # a part not in the submission: each test is 0 points, "not handed in", and is not run
            config.hook.pytest_deselected(items=absent)
            items[:] = [item for item in items if item not in absent]
            for item in absent:
                self._record(self._result(_row(item), seconds=0.0, details=[], handed_in=False))
        for item in items:
            # Our reports carry the student message; pytest's own traceback rendering would only cost time.
            item.repr_failure = lambda excinfo: "see the grading message"
        order = {module: index for index, module in enumerate(NAMES)}
        items.sort(key=lambda item: order.get(_row(item).part, len(order)))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {report.longreprtext}")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        row = _row(item)
        token = CURRENT.set(TestContext(row.name, row.hidden))
        details = DETAILS.set([])
        self._submission.deadline = time.monotonic() + row.budget
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
        result = self._result(_row(item), seconds=round(call.duration, 6), details=self._details.pop(item.nodeid, []))
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

    def _result(self, row: Test, seconds: float, details: list[dict], handed_in: bool = True) -> TestResult:
        """A failed, 0-point result for ``row`` with this term's points and visibility (the caller fills in the rest)."""
        return TestResult(
            name=row.name,
            points=0.0,
            max_points=float(self._course.points_for(row.name, row.points)),
            passed=False,
            message="" if handed_in else NOT_HANDED_IN,
            hidden=row.hidden,
            visibility=self._course.visibility_for(row.name),
            seconds=seconds,
            details=details,
            handed_in=handed_in,
        )

    def _record(self, result: TestResult) -> None:
        self.results.append(result)
        if self._on_result is not None:
            self._on_result(result)


def _row(item: pytest.Item) -> Test:
    return item.callspec.params["row"]


PYTEST_ARGS = (
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
)


# What pytest reads from the environment that would change the graders' own run: options (an instructor's CI with
# PYTEST_ADDOPTS="--junitxml=..." would have every grade write there, or stop at the first failed test with -x) and
# plugins to load. The graders' run is the same wherever it happens.
PYTEST_ENVIRONMENT = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")


@contextlib.contextmanager
def _without(names: tuple[str, ...]) -> Iterator[None]:
    """These environment variables unset while the block runs, then put back as they were."""
    saved = {name: os.environ.pop(name) for name in names if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def run_suite(
    submission: Submission,
    suite: Suite,
    select: str | None = None,
    on_result: Callable[[TestResult], None] | None = None,
    course: config.Course | None = None,
    only: tuple[str, ...] | None = None,
) -> GradeReport:
    """Run every row of ``suite`` against ``submission``.

    ``on_result`` is called with each test's result as soon as it is known. ``course`` sets this
    term's points, visibility and assigned parts (default: as the tables declare them). ``select``
    is a pytest ``-k`` expression over the rows' ids (``part.test_id``); ``only`` keeps the tests whose
    names start with one of its prefixes (``("training_loop.train_step:",)``). Raises
    :class:`~autograder.errors.GraderLoadError` when pytest cannot even collect the suite.
    """
    started = time.monotonic()
    plugin = GraderPlugin(submission, suite, on_result, course, only)
    args = [str(SUITE_DIR), "-c", str(SUITE_DIR / "pytest.ini"), "--rootdir", str(SUITE_DIR), *PYTEST_ARGS]
    if select:
        args += ["-k", select]
    log = io.StringIO()
    with redirect_stdout(log), redirect_stderr(log), _without(PYTEST_ENVIRONMENT):
        code = pytest.main(args, plugins=[plugin])
    if plugin.collection_errors or code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        details = "\n".join(plugin.collection_errors) + log.getvalue()[-3000:]
        raise GraderLoadError(f"the grader tests could not be collected: {details.strip().splitlines()[0] if details.strip() else code}")
    order = {module: index for index, module in enumerate(NAMES)}
    tests = sorted(plugin.results, key=lambda test: order.get(test.module, len(order)))  # parts not handed in, in their place
    return GradeReport(tests=tests, notes=plugin.notes, seconds=time.monotonic() - started)
