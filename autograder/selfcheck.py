"""``python -m autograder check``: the public checks on a student's own work, with the student's own words."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from autograder.errors import InputError
from autograder.outputs import Context, write_outputs

CAVEAT = (
    "\nPassing these checks does not promise full marks: the grader's hidden tests try many more inputs "
    "and situations. Test your functions on examples of your own too."
)


def main(args: argparse.Namespace) -> int:
    from autograder import CHECKS_DIR
    from autograder.session import GradingSession

    path = Path(args.path)
    if not path.exists():
        raise InputError(f"{path} does not exist: give your exercises folder, one of its files, or a notebook")
    with GradingSession(CHECKS_DIR) as session:
        report = session.grade(path)
    passed = sum(t.passed for t in report.tests)
    context = Context(
        student=path.name, show_hidden=True, title=f"Public checks on {path}: {passed} of {len(report.tests)} pass", points=False
    )
    context.report_title = "Public checks"
    written = write_outputs(report, {"table": sys.stdout, "report": Path(args.report) if args.report else None}, context)
    if "report" in written:
        print(f"report: {written['report']}")
    print(CAVEAT)
    return 0
