"""``python -m autograder grade PATH``: grade one submission (a folder, one module file, or a notebook) and write its outputs."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from autograder.course.config import Course
from autograder.discovery import discover
from autograder.errors import GRADER_EXIT, InputError
from autograder.gradebook import add_part_option
from autograder.judge.results import GradeReport
from autograder.outputs import WRITERS, Context, ResultsFile, check_targets, write_outputs
from autograder.service import SERVER_VARIABLE, request_grade


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="a folder laid out like exercises/, one module file, or a notebook")
    for writer in WRITERS:
        if writer.option != "table":
            parser.add_argument(f"--{writer.option}", help=writer.help)
    parser.add_argument("-k", dest="select", help="only the grader tests matching this pytest expression (over part.test_id)")
    parser.add_argument("--show-hidden", action="store_true", help="show hidden tests' data (curves, values) in the report")
    parser.add_argument(
        "--server", default=os.environ.get(SERVER_VARIABLE), help=f"use a running `serve` (its socket; or set {SERVER_VARIABLE})"
    )
    add_part_option(parser)


def main(args: argparse.Namespace, course: Course) -> int:
    """Grade ``args.path`` under ``course`` (only ``args.part``, when given); exit 0 when grading completed (whatever the
    score), 3 when a grader broke, 2 (one line, through :mod:`autograder.cli`) when the path holds nothing to grade."""
    path = Path(args.path)
    found = discover(path)  # a path that holds nothing to grade is one line and exit 2 now, before any grader starts
    parts = tuple(dict.fromkeys(args.part)) if args.part else None
    check_targets({"results": args.results, "junit": args.junit, "json": args.json, "report": args.report})

    # Zero points on disk before any student code runs, then the judge's own results as tests finish.
    results = ResultsFile(Path(args.results)) if args.results else None
    if args.server:  # a warm service does the work: nothing heavy is imported here
        try:
            answer = request_grade(Path(args.server), path, select=args.select, parts=parts)
        except (FileNotFoundError, ConnectionRefusedError) as error:
            raise InputError(
                f"--server {args.server}: no grading service answers there ({error.strerror or error}): start one with "
                f"`python -m autograder serve --socket {args.server}`, or grade without --server"
            ) from None
        report = GradeReport.from_dict(answer["report"])
    else:
        from autograder.session import GradingSession  # the judge (NumPy, pytest, torch): not for a warm service's client

        with GradingSession.hidden_graders(course) as session:
            report = session.grade(path, select=args.select, on_result=results.add if results else None, parts=parts, found=found)
    if results:
        results.finish(report)
    targets: dict = {"table": sys.stdout, "junit": args.junit, "json": args.json, "report": args.report}
    context = Context(
        student=path.stem if path.is_file() else path.name,
        show_hidden=args.show_hidden,
        title=f"Grade for {path}: {report.score:g} / {report.max_score:g}",
    )
    written = write_outputs(report, {k: (Path(v) if isinstance(v, str) else v) for k, v in targets.items()}, context)
    if "report" in written:
        print(f"feedback report: {written['report']}")
    for test in report.grader_errors:
        print(f"\nGRADER ERROR in {test.name}:\n{test.grader_error}", file=sys.stderr)
    return GRADER_EXIT if report.grader_errors else 0
