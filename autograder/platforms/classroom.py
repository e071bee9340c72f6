"""GitHub Classroom: grade a student repository in CI and report the score the way Classroom reads it.

``python -m autograder classroom PATH`` grades ``PATH`` (``exercises/``, or a folder of notebooks)
with the hidden graders when they are present, else runs the public checks (one point each). It
prints the table, appends a Markdown summary to ``--summary`` (``$GITHUB_STEP_SUMMARY``: the score
on the run's page) and writes ``result=<base64 JSON>`` to ``--github-output`` (``$GITHUB_OUTPUT``),
the format of Classroom's ``autograding-grading-reporter`` action, which posts the points to
Classroom. The exit code is 0 whenever grading completed, whatever the score.

The workflow that calls it is ``classroom.yml`` beside this file; the student bundle carries it as
``.github/workflows/classroom.yml``.
"""

from __future__ import annotations

import argparse
import base64
import json
from pathlib import Path

from autograder.judge.results import GradeReport

WORKFLOW = Path(__file__).with_name("classroom.yml")
WORKFLOW_TARGET = Path(".github") / "workflows" / "classroom.yml"


def grade(path: Path) -> tuple[GradeReport, bool]:
    """Grade ``path`` (a folder of modules or notebooks, or one file); returns the report and whether it
    used the hidden graders (else the public checks, one point each)."""
    from autograder import CHECKS_DIR, GRADERS_DIR, graders_present
    from autograder.session import GradingSession

    hidden = graders_present()
    with GradingSession(GRADERS_DIR if hidden else CHECKS_DIR) as session:
        report = session.grade(Path(path))
    if not hidden:
        for test in report.tests:
            test.max_points, test.points = 1.0, 1.0 if test.passed else 0.0
    return report, hidden


def classroom_result(report: GradeReport) -> dict:
    """The runner result that Classroom's grading reporter reads (version 1)."""
    tests = [
        {
            "name": f"{test.name} [{test.max_points:g} pt]",
            "status": "pass" if test.passed else "fail",
            "score": test.points,
            "message": test.message,
            "line_no": 0,
            "execution_time": f"{test.seconds:.2f}s",
            "test_code": "",
        }
        for test in report.tests
    ]
    status = "pass" if all(test.passed for test in report.tests) else "fail"
    return {"version": 1, "status": status, "max_score": report.max_score, "tests": tests}


def summary_markdown(report: GradeReport, hidden: bool) -> str:
    """The score and a table of parts, for the workflow run's summary page."""
    what = "hidden graders" if hidden else "public checks only (the hidden graders were not available)"
    lines = [
        f"## Autograding: {report.score:g} / {report.max_score:g}",
        "",
        f"Graded with the {what}.",
        "",
        "| part | points |",
        "| --- | --- |",
    ]
    for module, (points, most) in report.by_module().items():
        if most:
            lines.append(f"| {module} | {points:g} / {most:g} |")
    failed = [test for test in report.tests if not test.passed]
    if failed:
        lines += ["", "### Not passed yet", ""] + [
            f"- **{test.name}**: {test.message.splitlines()[0] if test.message else ''}" for test in failed
        ]
    return "\n".join(lines) + "\n"


def write_outputs(report: GradeReport, hidden: bool, github_output: Path | None, summary: Path | None) -> dict:
    """Append ``result=...`` to the step's outputs file and the summary to the summary file; returns the result."""
    result = classroom_result(report)
    if github_output:
        encoded = base64.b64encode(json.dumps(result).encode()).decode()
        with open(github_output, "a") as stream:
            stream.write(f"result={encoded}\n")
    if summary:
        with open(summary, "a") as stream:
            stream.write(summary_markdown(report, hidden))
    return result


def main(args: argparse.Namespace) -> int:
    """``python -m autograder classroom PATH``: grade in CI, print the table, write the step's outputs; exit 0 once graded."""
    from autograder.errors import InputError
    from autograder.judge.results import render_table

    path = Path(args.path)
    if not path.exists():
        raise InputError(f"{path} does not exist")
    report, hidden = grade(path)
    what = "hidden graders" if hidden else "public checks only"
    print(render_table(report, title=f"Autograding ({what}): {report.score:g} / {report.max_score:g}"))
    write_outputs(report, hidden, Path(args.github_output) if args.github_output else None, Path(args.summary) if args.summary else None)
    return 0
