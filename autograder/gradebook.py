"""Grade a whole class: one sub-folder (or notebook) per student, a gradebook CSV, each student's results.

The gradebook is rewritten atomically after every student, so a run that is
killed loses nothing already graded; a rerun skips students whose results
are on disk unless asked to regrade. One broken submission (or a grader
error on it) is recorded and the class goes on.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autograder.api import GRADED_MODULES
from autograder.grade import grade_submission, warm_judge
from autograder.judge.client import ForkServer
from autograder.judge.results import GradeReport, TestResult, gradescope_json, write_atomic

RESULTS_NAME = "results.json"  # Gradescope's format, what the student sees
REPORT_NAME = "report.json"  # our full report, grader errors included


@dataclass
class Row:
    student: str
    parts: dict[str, float]
    total: float
    status: str  # "graded", "grader error: ...", "not gradable: ..."


def find_submissions(class_dir: Path) -> dict[str, Path]:
    """Student name -> submission path: every sub-folder, and every notebook at the top level."""
    found = {}
    for path in sorted(Path(class_dir).iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir() or path.suffix == ".ipynb":
            found[path.stem if path.is_file() else path.name] = path
    return found


def row_from_report(student: str, report: GradeReport) -> Row:
    parts = {module: points for module, (points, _) in report.by_module().items()}
    status = "graded" if not report.grader_errors else f"grader error in {len(report.grader_errors)} test(s)"
    return Row(student, parts, report.score, status)


def gradebook_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student", *GRADED_MODULES, "total", "status"])
    for row in rows:
        writer.writerow([row.student, *(f"{row.parts.get(m, 0):g}" for m in GRADED_MODULES), f"{row.total:g}", row.status])
    return out.getvalue()


def load_row(student: str, folder: Path) -> Row | None:
    """A student's row from results already on disk (for resuming), or None."""
    report_file = folder / REPORT_NAME
    if not report_file.exists():
        return None
    try:
        return row_from_report(student, GradeReport.from_dict(json.loads(report_file.read_text())))
    except (ValueError, KeyError, TypeError):
        return None  # a damaged file: grade again


def failed_report(error: Exception) -> GradeReport:
    """What a submission that could not be graded at all gets: zero, and the reason."""
    return GradeReport(
        tests=[TestResult(name="submission: could not be graded", points=0.0, max_points=0.0, passed=False, message=str(error))]
    )


def grade_class(
    class_dir: Path,
    out_dir: Path,
    regrade: bool = False,
    progress: Callable[[str, Row], None] | None = None,
) -> list[Row]:
    """Grade every submission in ``class_dir``; write ``out_dir/gradebook.csv`` and ``out_dir/<student>/``."""
    submissions = find_submissions(class_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: dict[str, Row] = {}
    with ForkServer() as server:
        warm_judge()
        for student, path in submissions.items():
            folder = out_dir / student
            row = None if regrade else load_row(student, folder)
            if row is None:
                started = time.monotonic()
                try:
                    report = grade_submission(server, path)
                    row = row_from_report(student, report)
                except (ValueError, OSError) as error:
                    report = failed_report(error)
                    row = Row(student, {}, 0.0, f"not gradable: {error}")
                report.seconds = time.monotonic() - started
                write_atomic(folder / REPORT_NAME, json.dumps(report.to_dict(), indent=2))
                write_atomic(folder / RESULTS_NAME, json.dumps(gradescope_json(report), indent=2))
            rows[student] = row
            write_atomic(out_dir / "gradebook.csv", gradebook_csv(list(rows.values())))
            if progress:
                progress(student, row)
    return list(rows.values())
