"""Grading results and their formats: Gradescope's results.json, JUnit XML, a terminal table."""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograder.course.parts import NAMES

NOT_HANDED_IN = "not handed in"
NOT_GRADED = "not graded: "  # how a test of a file that could not be loaded begins (the load error is said once, per file)


@dataclass
class TestResult:
    """One graded behaviour: ``message`` is the student-facing feedback ("" when passed)."""

    name: str
    points: float
    max_points: float
    passed: bool
    message: str = ""
    hidden: bool = True
    grader_error: str = ""  # for the instructor: a traceback when the grader itself broke
    seconds: float = 0.0  # how long the test ran (the student's code and the judge's own work)
    details: list[dict] = field(default_factory=list)  # plain data for reports: curves, gradient tables, dropout figures
    visibility: str = "visible"  # when the student sees it on Gradescope: "visible", "after_due_date" or "hidden"
    handed_in: bool = True  # False when its part was not in the submission: 0 points, message NOT_HANDED_IN, shown as one line per part

    @property
    def module(self) -> str:
        """The part: ``"training_loop"`` for ``"training_loop.trainer: words"`` and for ``"training_loop: not started yet"``."""
        return self.name.partition(".")[0].partition(":")[0]


@dataclass
class GradeReport:
    """Every graded test of one submission, and what the grader noted.

    ``found``: part -> the path, relative to the submission, its code was taken from (what
    :mod:`autograder.discovery` found; a part not handed in has no entry). ``load_errors``: part -> the one
    message per file (or notebook cell) of it that could not be loaded, each said once; its tests' own messages
    only refer to it (:mod:`autograder.judge.loading`). ``fix_first``: test name -> the functions it calls that fail
    their own tests, pointed to first in its message (:mod:`autograder.judge.dependencies`).
    """

    tests: list[TestResult]
    notes: list[str] = field(default_factory=list)  # for the instructor: environment, recomputed references
    seconds: float = 0.0
    found: dict[str, str] = field(default_factory=dict)
    # For the instructor: why this submission needs a human look although it was graded ("tampering: ...").
    needs_look: list[str] = field(default_factory=list)
    load_errors: dict[str, list[str]] = field(default_factory=dict)
    fix_first: dict[str, list[str]] = field(default_factory=dict)

    @property
    def load_messages(self) -> list[str]:
        """Every load error, in the chapter's order of parts, each once."""
        order = {module: index for index, module in enumerate(NAMES)}
        return [m for module in sorted(self.load_errors, key=lambda m: order.get(m, len(order))) for m in self.load_errors[module]]

    @property
    def not_handed_in(self) -> list[str]:
        """The parts graded here whose code was not in the submission, in the chapter's order."""
        return list(dict.fromkeys(t.module for t in self.tests if not t.handed_in))

    @property
    def score(self) -> float:
        return round(sum(t.points for t in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_points for t in self.tests), 6)

    @property
    def grader_errors(self) -> list[TestResult]:
        return [t for t in self.tests if t.grader_error]

    def by_module(self) -> dict[str, tuple[float, float]]:
        """module -> (points, max points), in the chapter's order."""
        parts = {module: [0.0, 0.0] for module in NAMES}
        for test in self.tests:
            entry = parts.setdefault(test.module, [0.0, 0.0])
            entry[0] += test.points
            entry[1] += test.max_points
        return {module: (round(p, 6), round(m, 6)) for module, (p, m) in parts.items()}

    def to_dict(self) -> dict:
        """Plain data: the tests (each with ``handed_in``), notes, seconds, ``not_handed_in``, ``found``, ``needs_look``,
        ``load_errors`` and ``fix_first``."""
        return {
            "tests": [asdict(t) for t in self.tests],
            "notes": self.notes,
            "seconds": self.seconds,
            "not_handed_in": self.not_handed_in,
            "found": dict(self.found),
            "needs_look": self.needs_look,
            "load_errors": {module: list(messages) for module, messages in self.load_errors.items()},
            "fix_first": {name: list(functions) for name, functions in self.fix_first.items()},
        }

    @classmethod
    def from_dict(cls, data: dict) -> GradeReport:
        """The report :meth:`to_dict` gave (``not_handed_in`` is recomputed from the tests)."""
        tests = [TestResult(**t) for t in data["tests"]]
        return cls(
            tests,
            list(data.get("notes", [])),
            float(data.get("seconds", 0.0)),
            dict(data.get("found", {})),
            [str(n) for n in data.get("needs_look", [])],
            {str(k): [str(m) for m in v] for k, v in (data.get("load_errors") or {}).items()},
            {str(k): [str(f) for f in v] for k, v in (data.get("fix_first") or {}).items()},
        )


def shown_tests(report: GradeReport) -> list[TestResult]:
    """The tests as a reader sees them: each part not handed in is one line, "<part>: not handed in", worth its
    tests' points together (0 of their sum); the other tests as they are, in their order.

    Example:
        >>> report = GradeReport([TestResult("backprop.sigmoid: value", 0, 2, False, NOT_HANDED_IN, handed_in=False),
        ...                       TestResult("backprop.sgd_step: value", 0, 3, False, NOT_HANDED_IN, handed_in=False)])
        >>> [(t.name, t.max_points) for t in shown_tests(report)]
        [('backprop: not handed in', 5.0)]
    """
    shown: list[TestResult] = []
    lines: dict[str, TestResult] = {}
    for test in report.tests:
        if test.handed_in:
            shown.append(test)
        elif test.module in lines:
            lines[test.module].max_points = round(lines[test.module].max_points + test.max_points, 6)
        else:
            line = TestResult(
                f"{test.module}: {NOT_HANDED_IN}", 0.0, float(test.max_points), False, NOT_HANDED_IN, hidden=False, handed_in=False
            )
            lines[test.module] = line
            shown.append(line)
    return shown


def gradescope_json(report: GradeReport) -> dict:
    """Gradescope's results.json: score, and per test its name, score, max_score, output, visibility."""
    tests = []
    for test in shown_tests(report):
        status = "passed" if test.passed else "failed"
        tests.append(
            {
                "name": test.name,
                "score": test.points,
                "max_score": test.max_points,
                "status": status,
                # safe_text: a lone surrogate (bytes that were not UTF-8) is not Unicode, and strict JSON readers refuse it
                "output": safe_text(test.message) if not test.passed else "",
                "output_format": "md",
                "visibility": test.visibility,
            }
        )
    output = "Passing every test here is full marks. Hidden tests show their name, points and a hint, not their inputs."
    return {
        "score": report.score,
        "execution_time": round(report.seconds, 3),
        # Gradescope shows this above the tests: a file that could not be loaded is said here once, its tests refer to it.
        "output": safe_text("\n\n".join([output, *report.load_messages])),
        "tests": tests,
        "visibility": "visible",
        # Gradescope's place for data of one's own (its specification has no other): for the instructor's tools.
        # needs_look is empty unless the submission needs a human look although it was graded, e.g.
        # ["tampering: the grader's own code was modified while ..."].
        "extra_data": {"needs_look": list(report.needs_look)},
    }


def write_atomic_bytes(path: Path, data: bytes) -> None:
    """Write a file so that a reader (or a crash) never sees it half written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's private 0600
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_atomic(path: Path, text: str) -> None:
    """Write a text file atomically (see :func:`write_atomic_bytes`)."""
    write_atomic_bytes(path, text.encode())


def write_gradescope(report: GradeReport, path: Path) -> None:
    write_atomic(path, json.dumps(gradescope_json(report), indent=2))


# What XML 1.0 forbids (its production Char): the C0 controls but tab, newline and carriage return; the UTF-16
# surrogates (how Python keeps bytes that were not UTF-8, e.g. a student's output read with surrogateescape); U+FFFE
# and U+FFFF. A terminal cannot print the surrogates either, and ESC starts its control sequences.
_FORBIDDEN_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def safe_text(text: str) -> str:
    """``text`` with every character XML 1.0 forbids replaced by U+FFFD (the replacement character), so that a JUnit
    file stays XML and a terminal can print it; the rest is kept as it is.

    Why here and not in the XML library: junitparser writes with ElementTree (or lxml), which escape ``<``, ``&`` and
    quotes but pass these characters through (ElementTree) or refuse them (lxml).

    Example:
        >>> safe_text("boom" + chr(27) + chr(0) + chr(0xDCFF) + " and a tab:" + chr(9))
        'boom��� and a tab:\\t'
    """
    return _FORBIDDEN_IN_XML.sub("\ufffd", text)


def junit_xml(report: GradeReport) -> str:
    """JUnit XML, one testcase per graded behaviour, for CI systems that display it (GitHub through a reporter
    action, GitLab's test report, Classroom 50's Release). Written by junitparser, every text through :func:`safe_text`:
    a student's message with control characters or bytes that were not UTF-8 cannot break the file.

    Example: a report of one passed and one failed test gives ``<testsuite name="autograder" tests="2" failures="1" ...>``.
    """
    from junitparser import Error, Failure, SystemOut, TestCase, TestSuite  # only when a JUnit file is written

    shown = shown_tests(report)
    suite = TestSuite("autograder")  # the attributes in the order this file always had them (no diff for its readers)
    suite.tests = len(shown)
    suite.failures = sum(not t.passed and not t.grader_error for t in shown)
    suite.errors = len(report.grader_errors)
    suite.time = round(report.seconds, 3)
    for test in shown:
        case = TestCase()
        case.classname = safe_text(test.module)
        case.name = safe_text(f"{test.name} [{test.max_points:g} points]")
        if test.grader_error:
            case.result = [Error("grader error")]
        elif not test.passed:
            case.result = [Failure(safe_text(test.message.splitlines()[0]) if test.message else "failed")]
        if case.result and test.message:
            case.result[0].text = safe_text(test.message)
        suite.append(case)  # not add_testcase: it recounts, and adds skipped="0" the file never had
    suite.append(SystemOut(safe_text("\n\n".join([f"score {report.score:g} / {report.max_score:g}", *report.load_messages]))))
    return suite.tostring().decode("utf-8")


def render_table(report: GradeReport, title: str | None = None, points: bool = True) -> str:
    """A readable plain-text table: each test with its points, then failures with their messages."""
    from rich.console import Console  # rich: only when a table is printed, never in the child or on the wire
    from rich.table import Table

    table = Table(title=title or f"Grade: {report.score:g} / {report.max_score:g}", show_lines=False)
    table.add_column("", width=2)
    table.add_column("test")
    if points:
        table.add_column("points", justify="right")
    for test in shown_tests(report):
        mark = "ok" if test.passed else ("!!" if test.grader_error else ("--" if not test.handed_in else "x"))
        table.add_row(mark, test.name, *([f"{test.points:g}/{test.max_points:g}"] if points else []))
    # force_jupyter=False: in a notebook's kernel rich would also display the table itself, so check() showed it twice
    console = Console(width=110, record=True, file=open(os.devnull, "w", errors="replace"), color_system=None, force_jupyter=False)
    console.print(table)
    for message in report.load_messages:  # once per file: its tests' rows above say the rest
        console.print(f"\n[x] {message}", markup=False, highlight=False)
    for test in report.tests:
        if not test.passed and test.handed_in and not (test.module in report.load_errors and test.message.startswith(NOT_GRADED)):
            console.print(f"\n[x] {test.name}\n{test.message}", markup=False, highlight=False)
    found = [f"{part}: graded from {where}" for part, where in report.found.items() if where != f"{part}.py"]
    if found:  # the usual place goes without saying (reports/render.found_lines says the same)
        console.print("\n" + "\n".join(found), markup=False, highlight=False)
    for flag in report.needs_look:
        console.print(f"\nNEEDS A LOOK: {flag}", markup=False, highlight=False)
    for note in report.notes:
        console.print(f"\nnote: {note}", markup=False, highlight=False)
    return safe_text(console.export_text())  # a student's message may hold what a terminal cannot print
