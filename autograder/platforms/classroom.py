"""Grade a student repository in CI: ``python -m autograder ci PATH`` (``classroom`` is the same command, its older name).

It grades ``PATH`` (``exercises/``, a folder of notebooks, or one file) with the hidden graders when
they are present (the instructor's project, fetched by the CI job), else runs the public checks
(one point each), as in the student bundle alone. It prints the table (a part not started yet: one
line, as ``check`` says it) and the line ``Autograding score: S / M (P%)`` (GitLab's ``coverage``
keyword reads the percentage from the job log), then writes what the CI asked for (every test):

- ``--summary FILE``: the score and a table of parts in Markdown, appended (``$GITHUB_STEP_SUMMARY``
  is shown on the run's summary page; Classroom 50 publishes ``release-body.md`` as the Release body);
- ``--junit FILE``: JUnit XML, one testcase per test, a ``<failure>`` for each failed one
  (GitHub through a reporter action, GitLab through ``artifacts:reports:junit``);
- ``--results FILE``: Gradescope's ``results.json`` (kept as an artifact: the score in a file);
- ``--github-output FILE``: ``score=``, ``max-score=``, ``graded-with=`` and, for repositories that
  still carry the retired GitHub Classroom workflow, ``result=<base64 JSON>`` (the format of
  ``classroom-resources/autograding-grading-reporter``), appended (``$GITHUB_OUTPUT``);
- ``--classroom50 FILE``: Classroom 50's ``result.json`` (schema ``classroom50/result/v1``), with the
  identity the Classroom 50 runner gives in ``CLASSROOM``, ``ASSIGNMENT``, ``SUBMISSION_TAG``,
  ``COMMIT_URL``, ``RELEASE_URL`` and ``REVIEW_URL``. Sources: foundation50/classroom50,
  ``wiki/Advanced-Autograding.md`` (the contract) and ``cli/gh-teacher/skeleton/dotgithub/scripts/runner.py``
  (how the runner calls ``autograder.py`` and validates the result: scores are non-negative integers).

Exit code: 0 whenever grading completed, whatever the score; 3 when a grader itself broke on some test
(the CI job then fails: the score is not trustworthy); 2 for a path that does not exist or an output path that
cannot be written.

The CI files that call it sit beside this module: ``github-actions.yml`` (the student bundle carries it
as ``.github/workflows/autograding.yml``), ``gitlab-ci.yml`` (``.gitlab-ci.yml``) and
``classroom50/autograder.py`` (Classroom 50's per-assignment entry point, written by
``python -m autograder classroom50 OUT``). The module keeps its name from GitHub Classroom, which
GitHub retired (community discussion 196615; github/gh-classroom pull request 119).

Example::

    python -m autograder ci exercises --summary "$GITHUB_STEP_SUMMARY" --junit autograding/junit.xml
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import json
import math
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from autograder import EXERCISES_DIR, graders_present
from autograder.course.config import Course
from autograder.discovery import discover
from autograder.errors import GRADER_EXIT, InputError
from autograder.judge.results import GradeReport, render_table, write_atomic
from autograder.outputs import Context, check_targets
from autograder.outputs import write_outputs as write_files
from autograder.selfcheck import not_started, not_started_line
from autograder.session import GradingSession, checked_parts

HERE = Path(__file__).parent
WORKFLOW = HERE / "github-actions.yml"
WORKFLOW_TARGET = Path(".github") / "workflows" / "autograding.yml"
GITLAB_CI = HERE / "gitlab-ci.yml"
GITLAB_CI_TARGET = Path(".gitlab-ci.yml")
# What `release` writes into the student repository: (file here, path in the repository).
CI_FILES = ((WORKFLOW, WORKFLOW_TARGET), (GITLAB_CI, GITLAB_CI_TARGET))
# What those CI files (and Classroom 50's autograder.py) install in the student repository: the grading pins of
# pyproject.toml, written by `release`; requirements.txt keeps the students' ranges.
GRADING_REQUIREMENTS = Path("requirements-grading.txt")
CLASSROOM50_SCHEMA = "classroom50/result/v1"
SCORE_LINE = "Autograding score: {score:g} / {most:g} ({percent:.1f}%)"


def grade(path: Path, course: Course) -> tuple[GradeReport, bool]:
    """Grade ``path`` (a folder of modules or notebooks, or one file) under ``course``; returns the report and whether
    it used the hidden graders (else the public checks, one point each, to which no course file applies)."""
    hidden = graders_present()
    if not hidden and not checked_parts():  # a bundle released without public checks: nothing to run, not a failure
        return GradeReport(tests=[], notes=["no hidden graders and no public checks here: nothing was graded"]), hidden
    with GradingSession.hidden_graders(course) if hidden else GradingSession.public_checks() as session:
        report = session.grade(Path(path))
    if not hidden:
        for test in report.tests:
            test.max_points, test.points = 1.0, 1.0 if test.passed else 0.0
    return report, hidden


def classroom_result(report: GradeReport) -> dict:
    """The runner result that the retired GitHub Classroom's grading reporter read (version 1)."""
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


def integer_scale(report: GradeReport) -> int:
    """The smallest factor (1, 10, 100 or 1000) that makes every test's points whole numbers.

    Classroom 50 takes integer scores only; some graders' tests are worth half a point (and a course file
    may give other fractions). Example: points 2 and 0.5 give 10 (then 20 and 5).
    """
    for factor in (1, 10, 100, 1000):
        values = [v * factor for t in report.tests for v in (t.points, t.max_points)]
        if all(math.isclose(v, round(v), abs_tol=1e-6) for v in values):
            return factor
    return 1000


def classroom50_result(report: GradeReport, env: dict[str, str] | None = None) -> dict:
    """Classroom 50's ``result.json`` (``classroom50/result/v1``): the identity from the runner's
    environment, integer scores (scaled by :func:`integer_scale` when the points have fractions).

    Example: 5 public checks with 3 passed give ``{"score": 3, "max-score": 5, "tests": [...5 rows]}``.
    """
    env = dict(os.environ if env is None else env)
    factor = integer_scale(report)
    tests = []
    for test in report.tests:
        most = round(test.max_points * factor)
        tests.append({"test-name": test.name, "passed": test.passed, "score": min(round(test.points * factor), most), "max-score": most})
    commit = env.get("COMMIT_URL", "")
    return {
        "schema": CLASSROOM50_SCHEMA,
        "classroom": env.get("CLASSROOM", ""),
        "assignment": env.get("ASSIGNMENT", ""),
        "submission": env.get("SUBMISSION_TAG", ""),
        "commit": commit,
        "release": env.get("RELEASE_URL", ""),
        "review": env.get("REVIEW_URL", "") or commit,
        "datetime": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),  # the runner stamps the submission's own time
        "score": sum(row["score"] for row in tests),
        "max-score": sum(row["max-score"] for row in tests),
        "tests": tests,
    }


def score_line(report: GradeReport) -> str:
    """``Autograding score: 87 / 100 (87.0%)``: the line CI logs show (GitLab's ``coverage`` regex reads it)."""
    percent = 100.0 * report.score / report.max_score if report.max_score else 0.0
    return SCORE_LINE.format(score=report.score, most=report.max_score, percent=percent)


def summary_markdown(report: GradeReport, hidden: bool) -> str:
    """The score and a table of parts, for the workflow run's summary page (or Classroom 50's Release body)."""
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
        lines += ["", "### Not passed yet", ""]
        lines += [f"- {message.splitlines()[0]}" for message in report.load_messages]  # a file that could not be loaded: once
        lines += [f"- **{test.name}**: {test.message.splitlines()[0] if test.message else ''}" for test in failed]
    if report.grader_errors:
        lines += ["", f"**The grader itself failed on {len(report.grader_errors)} test(s): this score is not final.**"]
    return "\n".join(lines) + "\n"


def write_outputs(
    report: GradeReport,
    hidden: bool,
    github_output: Path | None,
    summary: Path | None,
    classroom50: Path | None = None,
) -> dict:
    """Append the step's outputs and the summary, write Classroom 50's ``result.json``; returns the
    retired Classroom reporter's result (kept in ``result=`` for old repositories)."""
    result = classroom_result(report)
    if github_output:
        encoded = base64.b64encode(json.dumps(result).encode()).decode()
        with open(github_output, "a") as stream:
            stream.write(f"score={report.score:g}\nmax-score={report.max_score:g}\n")
            stream.write(f"graded-with={'hidden-graders' if hidden else 'public-checks'}\n")
            stream.write(f"result={encoded}\n")
    if summary:
        with open(summary, "a") as stream:
            stream.write(summary_markdown(report, hidden))
    if classroom50:
        write_atomic(Path(classroom50), json.dumps(classroom50_result(report), indent=2) + "\n")
    return result


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=str(EXERCISES_DIR), help="exercises/, a folder of notebooks, or one file")
    parser.add_argument("--summary", help="append a Markdown score summary here ($GITHUB_STEP_SUMMARY)")
    parser.add_argument("--junit", help="write JUnit XML here (one testcase per test)")
    parser.add_argument("--results", help="write Gradescope's results.json here")
    parser.add_argument("--github-output", help="append score=, max-score=, graded-with= and result=<base64> here ($GITHUB_OUTPUT)")
    parser.add_argument("--classroom50", metavar="FILE", help="write Classroom 50's result.json here (identity from its runner's environment)")


def main(args: argparse.Namespace, course: Course) -> int:
    """``python -m autograder ci PATH``: grade in CI under ``course``, print the table and the score line, write the
    outputs asked for; exit 0 once graded (whatever the score), 3 when a grader broke."""
    path = Path(args.path)
    if not path.exists():
        raise InputError(f"{path} does not exist: give the folder with the student's work (exercises/ or notebooks/)")
    check_targets({option: getattr(args, option, None) for option in ("junit", "results")})  # before grading, in one line
    report, hidden = grade(path, course)
    what = "hidden graders" if hidden else "public checks only"
    # A part not started yet is one line, as `check` says it, not a failure per test; the files written keep every test.
    untouched = not_started(path, discover(path), tuple(dict.fromkeys(test.module for test in report.tests)))
    shown = dataclasses.replace(report, tests=[test for test in report.tests if test.module not in untouched])
    title = f"Autograding ({what}): {report.score:g} / {report.max_score:g}"
    print(render_table(shown, title=title) if shown.tests else title)  # no empty table when no part is started
    for name, why in untouched.items():
        print(not_started_line(name, why))
    print(score_line(report))
    targets = {option: Path(value) for option in ("junit", "results") if (value := getattr(args, option, None))}
    for target in targets.values():
        target.parent.mkdir(parents=True, exist_ok=True)
    write_files(report, targets, Context(student=path.name))
    write_outputs(
        report,
        hidden,
        Path(args.github_output) if args.github_output else None,
        Path(args.summary) if args.summary else None,
        Path(args.classroom50) if getattr(args, "classroom50", None) else None,
    )
    for test in report.grader_errors:
        print(f"\nGRADER ERROR in {test.name}:\n{test.grader_error}", file=sys.stderr)
    return GRADER_EXIT if report.grader_errors else 0
