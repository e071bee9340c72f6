"""Where a graded report goes: one list of writers, applied in one place by :func:`write_outputs`.

Each writer turns a :class:`~autograder.judge.results.GradeReport` into one
output: Gradescope's ``results.json``, JUnit XML, our full JSON report, the
terminal table, the feedback report (HTML, Markdown, figures). ``grade`` binds
each to a command-line option of the same name; ``grade-class`` writes each
student's files with the same writers.

Example::

    write_outputs(report, {"results": Path("results.json"), "junit": Path("junit.xml")}, Context("alice"))
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from autograder.errors import InputError
from autograder.judge.results import GradeReport, TestResult, junit_xml, render_table, write_atomic, write_gradescope


@dataclass
class Context:
    """What a writer needs besides the report: whose it is, and how much to show."""

    student: str
    show_hidden: bool = False
    title: str | None = None  # the table's title (default: the score)
    status: str | None = None  # the class gradebook's status, kept in the JSON report
    course: str | None = None  # the course file's fingerprint the class was graded under, kept in the JSON report
    content: str | None = None  # the fingerprint of the files graded (discovery.content_digest), kept in the JSON report
    report_title: str = "Feedback"
    points: bool = True  # whether the table shows points (the public checks have none)
    rendered: dict[str, bytes] | None = None  # feedback files already drawn (by a class's worker)


@dataclass(frozen=True)
class Writer:
    """One output: ``option`` names it (``--results``), ``write`` writes it to a path (or, for the table, a stream)."""

    option: str
    help: str
    write: Callable[[GradeReport, Path | TextIO, Context], object]
    folder: bool = False  # its target is a folder it writes files into, not one file


def _results(report: GradeReport, target: Path, context: Context) -> None:
    write_gradescope(report, target)


def _junit(report: GradeReport, target: Path, context: Context) -> None:
    write_atomic(target, junit_xml(report))


def _json(report: GradeReport, target: Path, context: Context) -> None:
    data = report.to_dict() if context.status is None else {"status": context.status, **report.to_dict()}
    if context.course is not None:
        data["course"] = context.course
    if context.content is not None:
        data["content"] = context.content
    write_atomic(target, json.dumps(data, indent=2))


def _table(report: GradeReport, target: TextIO, context: Context) -> None:
    print(render_table(report, title=context.title, points=context.points), file=target)


def _report(report: GradeReport, target: Path, context: Context) -> Path:
    from autograder.reports.render import report_files, write_files  # matplotlib: only when a report is drawn

    files = (
        context.rendered
        if context.rendered is not None
        else report_files(report, context.student, context.show_hidden, context.report_title)
    )
    return write_files(Path(target), files)[0]


WRITERS: tuple[Writer, ...] = (
    Writer("table", "print the table of tests and the feedback of each failed one", _table),
    Writer("results", "write Gradescope's results.json here", _results),
    Writer("junit", "write JUnit XML here", _junit),
    Writer("json", "write the full report (with grader errors) here", _json),
    Writer("report", "write the feedback report (report.html, report.md, figures) into this folder", _report, folder=True),
)
FILE_WRITERS = tuple(writer for writer in WRITERS if writer.option != "table")


def check_output(option: str, target: str | Path, folder: bool, suffix: str = ".json") -> None:
    """Refuse an output path that cannot be written, before any work: a file where a folder is asked, a folder where
    a file is, or a path below an existing file (``results.txt/r.json``).

    ``option`` names the option in the message ("" for a positional argument); ``suffix`` is the file name's ending
    the message suggests for a file. Example:
    ``check_output("out", Path("notes.txt"), folder=True)`` raises InputError when notes.txt is a file.
    """
    path = Path(target)
    named = f"--{option} {path}" if option else str(path)  # an option's value, or a positional argument
    for above in path.parents:
        if above.exists() and not above.is_dir():
            raise InputError(f"{named}: {above} is a file, so nothing can be written inside it: choose another path")
    if folder and path.exists() and not path.is_dir():
        noun = option if option not in ("", "out") else "output"
        raise InputError(f"{named}: that is a file, and the {noun} is a folder of files: give a folder's name")
    if not folder and path.is_dir():
        raise InputError(f"{named}: that is a folder: give a file's name, such as {path / ((option or 'output') + suffix)}")


def check_targets(targets: dict[str, object]) -> None:
    """Refuse, before any grading, an output path that cannot be written (see :func:`check_output`).

    Example: ``check_targets({"report": Path("notes.txt")})`` raises InputError when notes.txt is an existing file.
    """
    for writer in FILE_WRITERS:
        target = targets.get(writer.option)
        if isinstance(target, (str, Path)):
            check_output(writer.option, target, writer.folder)


def write_outputs(report: GradeReport, targets: dict[str, Path | TextIO | None], context: Context) -> dict[str, object]:
    """Apply every writer that has a target (``targets``: option -> path, or stream for "table"); returns what each gave back."""
    done = {}
    for writer in WRITERS:
        target = targets.get(writer.option)
        if target is not None:
            done[writer.option] = writer.write(report, target, context)
    return done


UNFINISHED = "not graded: grading did not finish"


def unfinished_report() -> GradeReport:
    """What stands in a student's results until the judge's own replace them: zero, and why."""
    message = "The grader stopped before it finished: this is not your score. Ask your instructor to grade again."
    return GradeReport(tests=[TestResult("grading: not finished", 0.0, 0.0, False, message, hidden=False)])


class ResultsFile:
    """Gradescope's results.json during one grade, and its only writer: zero points before any student code runs,
    the judge's results so far each time a part is done, the whole report at :meth:`finish`.

    Until then the file also holds an "unfinished" entry, so a run that is killed leaves the judge's own
    partial results, never a stale, forged or empty file.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.tests: list[TestResult] = []
        self._write()

    def _write(self) -> None:
        write_gradescope(GradeReport(tests=[*self.tests, *unfinished_report().tests]), self.path)

    def add(self, result: TestResult) -> None:
        """One more test's result; the file is rewritten when a part is done (the first test of the next one arrives)."""
        if self.tests and self.tests[-1].module != result.module:
            self._write()
        self.tests.append(result)

    def finish(self, report: GradeReport) -> None:
        """The whole report, as the "results" writer writes it."""
        write_gradescope(report, self.path)
