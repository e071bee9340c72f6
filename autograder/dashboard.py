"""``python -m autograder dashboard GRADED``: draw a graded class's dashboard (``GRADED/index.html``) again from its results.

``grade-class`` draws the dashboard when it finishes; this draws it again from the ``report.json``
files on disk, after a ``--no-reports`` run, a regrade of some students by hand, or a newer version
of the page. Nothing is graded.

Example::

    python -m autograder dashboard class-graded --class class
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder.errors import InputError
from autograder.gradebook import REPORT_NAME, find_submissions, write_overview


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("graded", help="the folder grade-class wrote (one sub-folder per student, each with report.json)")
    parser.add_argument("--class", dest="class_dir", help="the class folder that was graded (to tell a 0 with files from an empty hand-in)")


def main(args: argparse.Namespace) -> int:
    """Write ``GRADED/index.html``; 2 (one line) when the folder holds no graded student."""
    graded = Path(args.graded)
    students = sorted(p.name for p in graded.iterdir() if (p / REPORT_NAME).is_file()) if graded.is_dir() else []
    if not students:
        raise InputError(f"{graded} holds no graded student (no <student>/{REPORT_NAME}): give the folder grade-class wrote")
    submissions = find_submissions(Path(args.class_dir)) if args.class_dir else None
    if args.class_dir and not Path(args.class_dir).is_dir():
        raise InputError(f"{args.class_dir} is not a folder: give the class folder that was graded")
    write_overview(graded, students, submissions)
    print(f"dashboard: {graded / 'index.html'} ({len(students)} students)")
    return 0
