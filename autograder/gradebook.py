"""Grade a whole class: one sub-folder (or notebook) per student, a gradebook CSV, each student's results.

Submissions are graded by a pool of warm workers (:mod:`autograder.workers`),
in parallel. Each student's files are written atomically as soon as they are
graded, then the gradebook is rewritten, so ``kill -9`` in the middle loses
nothing already graded; a rerun skips students whose results are on disk
unless asked to regrade. One broken submission (or a lost worker) is
recorded and the class goes on.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from autograder.course.config import Course
from autograder.course.parts import NAMES
from autograder.discovery import content_digest
from autograder.errors import GRADER_EXIT, InputError
from autograder.graders.catalog import most_points
from autograder.judge.results import GradeReport, write_atomic
from autograder.outputs import UNFINISHED, Context, check_output, unfinished_report, write_outputs
from autograder.reports.changes import changes, changes_csv, summary_line
from autograder.reports.dashboard import class_data, count_files, load_looks, read_reports
from autograder.reports.dashboard_page import dashboard_html
from autograder.resume import DAMAGED, read_report, why_grade
from autograder.workers import Pool

if TYPE_CHECKING:
    from autograder.cluster import ClusterPool


def add_part_option(parser: argparse.ArgumentParser) -> None:
    """``--part PART...``, as ``grade`` and ``grade-class`` take it."""
    parser.add_argument(
        "--part",
        nargs="+",
        choices=NAMES,
        metavar="PART",
        help=f"grade only these parts ({', '.join(NAMES)}); points stay per test, the others are left out",
    )

RESULTS_NAME = "results.json"  # Gradescope's format, what the student sees
REPORT_NAME = "report.json"  # our full report, grader errors and status included
GRADEBOOK_NAME = "gradebook.csv"
# While results arrive the gradebook is rewritten at most this often (and once at the end): a class of 50,000 would
# spend hours rewriting it after every one. Each student's report.json, saved first, is what a resumed run reads.
GRADEBOOK_EVERY_S = 1.0
PARTIAL = "graded, not handed in:"  # the status of a submission that holds some of the parts (see workers.graded_status)
CHANGES_NAME = "changes.csv"  # what a rerun changed, student by student
OUT_OF = "out_of"  # the gradebook's column of the maximum its totals are out of (the course file may move it from 100)


@dataclass
class Row:
    student: str
    parts: dict[str, float]
    total: float
    status: (
        str  # "graded", "graded, not handed in: <parts>", "not handed in", "grader error in ...", "not gradable: ...", "not graded: ..."
    )
    needs_look: str = ""  # graded, but a human should look: a file that could not be loaded, "tampering: ..." (the report's flags)


def has_grade(status: str) -> bool:
    """Whether a gradebook status carries a grade: "graded", or a partial hand-in (what was handed in was graded, the
    rest is 0). Anything else ("not gradable: ...", "not graded: ...", "grader error in ...", "not handed in") does not."""
    return status == "graded" or status.startswith(PARTIAL)


def find_submissions(class_dir: Path) -> dict[str, Path]:
    """Student name -> submission path: every sub-folder, and every notebook at the top level."""
    found = {}
    for path in sorted(Path(class_dir).iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_dir() or path.suffix == ".ipynb":
            found[path.stem if path.is_file() else path.name] = path
    return found


def row_from_report(student: str, report: GradeReport, status: str) -> Row:
    parts = {module: points for module, (points, _) in report.by_module().items()}
    return Row(student, parts, report.score, status, "; ".join([*load_looks(report.load_errors), *report.needs_look]))


def gradebook_csv(rows: list[Row], parts: tuple[str, ...], out_of: float) -> str:
    """The gradebook: one row per student, a column per part of ``parts`` (the course's assigned ones), the total,
    ``out_of`` (the most a student could score: what ``export`` gives the LMS as points possible), and last
    ``needs_look`` (empty, or why a human should look although it was graded: a file that could not be loaded,
    "tampering: ...")."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student", *parts, "total", OUT_OF, "status", "needs_look"])
    for row in rows:
        cells = [row.student, *(f"{row.parts.get(m, 0):g}" for m in parts), f"{row.total:g}", f"{out_of:g}", row.status, row.needs_look]
        writer.writerow(cells)
    return out.getvalue()


def graded_under(course: Course, parts: tuple[str, ...] | None = None) -> str:
    """What a student's grades depend on besides their work: the course file's fingerprint, and ``--part``'s parts.

    Kept in each ``report.json``; a rerun regrades a student graded under anything else.
    """
    return course.digest + (f"; parts {','.join(parts)}" if parts else "")


def kept_row(student: str, data: dict | None, under: str, content: str) -> tuple[Row | None, str]:
    """For resuming: ``(row, "")`` from the results already on disk (``data``, a report.json; None when absent), or
    ``(None, why)`` when the student must be graded: never graded (""), damaged, lost by the grader, graded under
    another course file (other points or parts), or from other files than ``content`` fingerprints now
    (:func:`autograder.resume.why_grade`)."""
    why = why_grade(data, under, content)
    if why is not None:
        return None, why
    try:
        return row_from_report(student, GradeReport.from_dict(data), str(data["status"])), ""
    except (ValueError, KeyError, TypeError):
        return None, DAMAGED


def save_student(
    folder: Path, report: GradeReport, status: str, under: str, rendered: dict[str, bytes] | None = None, content: str | None = None
) -> None:
    """The student's files: our full report (with its status, ``not_handed_in``, ``found``, what it was graded
    ``under`` and the ``content`` fingerprint of the files it was graded from), Gradescope's results.json and, when
    drawn, the feedback report."""
    targets = {"json": folder / REPORT_NAME, "results": folder / RESULTS_NAME, "report": folder if rendered is not None else None}
    write_outputs(report, targets, Context(student=folder.name, status=status, rendered=rendered, course=under, content=content))


def grade_class(
    class_dir: Path,
    out_dir: Path,
    course: Course,
    regrade: bool = False,
    workers: int | None = None,
    progress: Callable[[str, Row, dict], None] | None = None,
    reports: bool = True,
    show_hidden: bool = False,
    parts: tuple[str, ...] | None = None,
    cluster: str | None = None,
) -> list[Row]:
    """Grade every submission in ``class_dir`` under ``course`` with ``workers`` warm workers (default: one per core),
    or on the Dask cluster whose scheduler is at ``cluster`` (:mod:`autograder.cluster`; the same files come out);
    ``parts`` (``--part``): only those parts, in the gradebook too, each test keeping its points.

    Writes ``out_dir/gradebook.csv``, ``out_dir/<student>/{results,report}.json`` and, with
    ``reports``, each student's ``report.html`` / ``report.md`` and the class overview
    ``out_dir/index.html``. Returns the rows in the order of the class folder.
    ``progress(student, row, result)`` is called as each one finishes (``result`` holds the worker's
    timing and memory figures, and ``why`` a regrade; it is empty for students kept on resume). A rerun
    without ``regrade`` grades again exactly the students whose files or course changed since their results
    were written (:mod:`autograder.resume`).
    """
    submissions = find_submissions(class_dir)
    remote = cluster_pool(cluster, course) if cluster else None  # reached, or refused in one line, before anything is written
    out_dir.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:  # grades are private: closed to other users, the sandbox's unprivileged one included
        out_dir.chmod(out_dir.stat().st_mode & ~0o007)
    rows: dict[str, Row] = {}
    todo = []
    contents = {student: content_digest(path) for student, path in submissions.items()}
    under = graded_under(course, parts)
    why: dict[str, str] = {}  # student -> why graded again ("" when never graded, or --regrade)
    for student, path in submissions.items():
        earlier = None if regrade else read_report(out_dir / student / REPORT_NAME)
        row, why[student] = kept_row(student, earlier, under, contents[student])
        if row is None:
            todo.append((student, str(path), {"reports": reports, "show_hidden": show_hidden, "parts": parts}))
        else:
            rows[student] = row
            if progress:
                progress(student, row, {})

    columns = tuple(p for p in course.parts if p in parts) if parts else course.parts
    out_of = most_points(course, columns)

    written = 0.0  # when the gradebook was last written (time.monotonic)

    def write_gradebook(now: bool = True) -> None:
        nonlocal written
        if not now and time.monotonic() - written < GRADEBOOK_EVERY_S:
            return
        write_atomic(out_dir / GRADEBOOK_NAME, gradebook_csv([rows[s] for s in submissions if s in rows], columns, out_of))
        written = time.monotonic()

    with remote or (Pool(min(workers or os.cpu_count() or 1, len(todo)), course) if todo else nullcontext()) as pool:
        for student, _path, _options in todo:  # zero until graded: a run killed now leaves no stale or forged result
            save_student(out_dir / student, unfinished_report(), UNFINISHED, under)
        write_gradebook()
        try:
            for student, result in pool.grade(todo) if todo else ():
                report = GradeReport.from_dict(result["report"])
                rendered = result.get("files") if reports else None
                save_student(out_dir / student, report, result["status"], under, rendered, contents[student])
                rows[student] = row_from_report(student, report, result["status"])
                write_gradebook(now=False)
                if progress:
                    progress(student, rows[student], {**result, "why": why[student]})
        finally:  # Ctrl+C included: the gradebook holds every result saved so far
            write_gradebook()
    ordered = [rows[s] for s in submissions]
    if reports:
        write_overview(out_dir, [row.student for row in ordered], submissions)
    return ordered


def cluster_pool(cluster: str, course: Course) -> ClusterPool:
    """The Dask cluster whose scheduler is at ``cluster``, as a pool (:class:`~autograder.cluster.ClusterPool`): the same
    ``grade(jobs)`` as the local :class:`~autograder.workers.Pool`, the same results. An :class:`InputError` when Dask is
    not installed or no scheduler answers there."""
    from autograder.cluster import ClusterPool  # Dask, an optional extra: imported only for --cluster

    return ClusterPool(cluster, course)


def write_overview(out_dir: Path, students: list[str], submissions: dict[str, Path] | None = None) -> None:
    """The class dashboard, ``out_dir/index.html``, from the reports on disk of ``students`` (``submissions``: student ->
    their submission, to tell a 0 with files handed in from an empty hand-in)."""
    files = {student: count_files(path) for student, path in (submissions or {}).items()}
    data = class_data(read_reports(out_dir, students, REPORT_NAME), files)
    write_atomic(out_dir / "index.html", dashboard_html(data))


def earlier_results(out_dir: Path, students: list[str]) -> dict[str, dict]:
    """The results on disk before this run (student -> report.json's dict), those the grader finished only."""
    found = read_reports(out_dir, students, REPORT_NAME)
    return {s: r for s, r in found.items() if r is not None and not str(r.get("status", "")).startswith("not graded")}


def write_changes(out_dir: Path, earlier: dict[str, dict], students: list[str]) -> str:
    """Write ``out_dir/changes.csv`` (what this run changed against ``earlier``) and return its one-line summary."""
    found = changes(earlier, read_reports(out_dir, students, REPORT_NAME))
    write_atomic(out_dir / CHANGES_NAME, changes_csv(found))
    return f"{summary_line(found)} (against the earlier results: {out_dir / CHANGES_NAME})"


def class_looks(out_dir: Path, rows: list[Row], submissions: dict[str, Path]) -> dict[str, list[str]]:
    """Student -> why a human should look, exactly as the class overview lists them (from the reports on disk)."""
    students = [row.student for row in rows]
    files = {student: count_files(path) for student, path in submissions.items() if student in students}
    return {entry["student"]: entry["reasons"] for entry in class_data(read_reports(out_dir, students, REPORT_NAME), files)["needs_look"]}


def summary(rows: list[Row], seconds: float | None = None, looks: dict[str, list[str]] | None = None) -> str:
    """The class at a glance: mean and median, a histogram of totals, and every submission that needs a look
    (``looks``: student -> reasons, as the class overview gives them; else from the rows' status and flags)."""
    if not rows:
        return "no submissions found"
    totals = sorted(row.total for row in rows)
    middle = len(totals) // 2
    median = totals[middle] if len(totals) % 2 else (totals[middle - 1] + totals[middle]) / 2
    lines = [f"{len(rows)} submissions: mean {sum(totals) / len(totals):.1f}, median {median:g}, min {totals[0]:g}, max {totals[-1]:g}"]
    if seconds is not None:
        lines[0] += f", {seconds:.1f} s ({seconds / len(rows):.2f} s per submission)"
    bins = [0] * 11
    for total in totals:
        bins[min(int(total // 10), 10)] += 1
    widest = max(bins)
    for index, count in enumerate(bins):
        label = "100" if index == 10 else f"{index * 10:3d}-{index * 10 + 9:<3d}"
        lines.append(f"  {label:>7s} | {'#' * round(30 * count / widest) if count else '':30s} {count}")
    partial = [row for row in rows if row.status.startswith(PARTIAL)]
    if partial:  # not a fault of the grader: what the student handed in was graded, the rest is 0
        lines.append(f"{len(partial)} handed in only some parts:")
        lines += [f"  {row.student}: {row.status.removeprefix('graded, ')}" for row in partial]
    if looks is not None:
        trouble = [(row.student, looks[row.student]) for row in rows if looks.get(row.student)]
    else:
        trouble = [
            (row.student, [row.status, row.needs_look])
            for row in rows
            if not has_grade(row.status) or row.needs_look
        ]
    if trouble:
        lines.append(f"{len(trouble)} need a look:")
        lines += [f"  {student}: {'; '.join(filter(None, reasons))}" for student, reasons in trouble]
    return "\n".join(lines)


def positive_count(text: str) -> int:
    """``--workers``' value: a whole number from 1 (0 or -3 workers would grade nobody, or fail later with a traceback)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number: give how many workers, 1 or more") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} workers cannot grade anyone: give 1 or more")
    return value


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("class_dir", help="one sub-folder (or notebook) per student")
    parser.add_argument("--out", help="where the gradebook and each student's results go (default: DIR-graded)")
    parser.add_argument("--regrade", action="store_true", help="grade again students already graded")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=positive_count, default=None, help="parallel warm workers (default: one per core)")
    where.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="grade on the Dask cluster whose scheduler is at ADDRESS (tcp://HOST:8786); needs pip install '.[cluster]'",
    )
    parser.add_argument("--no-reports", action="store_true", help="skip the HTML/Markdown feedback reports and the class overview")
    parser.add_argument("--show-hidden", action="store_true", help="show hidden tests' data (curves, values) in the reports")
    add_part_option(parser)


def main(args: argparse.Namespace, course: Course) -> int:
    """``python -m autograder grade-class DIR``: grade the class under ``course`` with a progress bar, then print the summary."""
    class_dir = Path(args.class_dir)
    if not class_dir.is_dir():
        raise InputError(f"{class_dir} is not a folder: give the folder that holds one sub-folder (or notebook) per student")
    if not find_submissions(class_dir):
        raise InputError(f"{class_dir} holds no submissions: it should hold one sub-folder (or notebook) per student")

    out = Path(args.out or class_dir.with_name(class_dir.name + "-graded"))
    check_output("out", out, folder=True)
    console = Console()
    columns = (
        TextColumn("grading"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[last]}"),
    )
    earlier = earlier_results(out, list(find_submissions(class_dir)))
    started = time.monotonic()
    with Progress(*columns, console=console, disable=not console.is_terminal) as bar:
        task = bar.add_task("grading", total=len(find_submissions(class_dir)), last="")

        kept: list[str] = []

        def progress(student: str, row: Row, result: dict) -> None:
            if not result:  # graded before, from the same files under the same course file: kept as it was
                kept.append(student)
            if result.get("why"):  # one line per student graded again, and why
                bar.console.print(f"{student}: {result['why']}", markup=False, highlight=False)
            bar.update(task, advance=1, last=f"{student}: {row.total:g}")
            if not console.is_terminal:
                flag = f"  needs a look: {row.needs_look}" if row.needs_look else ""
                print(f"{student:30s} {row.total:6g}  {row.status}{flag}", flush=True)

        rows = grade_class(
            class_dir,
            out,
            course,
            regrade=args.regrade,
            workers=args.workers,
            progress=progress,
            reports=not args.no_reports,
            show_hidden=args.show_hidden,
            parts=tuple(dict.fromkeys(args.part)) if args.part else None,
            cluster=args.cluster,
        )
    looks = class_looks(out, rows, find_submissions(class_dir))  # the same list as the class overview's
    print("\n" + summary(rows, time.monotonic() - started, looks))
    if kept:
        print(f"{len(kept)} already graded (same files, same course file) were kept as they were; --regrade grades them again")
    if earlier:
        print(write_changes(out, earlier, [row.student for row in rows]))
    else:
        (out / CHANGES_NAME).unlink(missing_ok=True)  # it would describe another run
    print(f"gradebook: {out / GRADEBOOK_NAME}")
    if not args.no_reports:
        print(f"dashboard: {out / 'index.html'}")
    return GRADER_EXIT if any(row.status.startswith("grader error") for row in rows) else 0
