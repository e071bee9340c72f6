"""The GitHub Actions workflow student repositories carry (issue 5; GitHub Classroom's reporter dropped in issue 16,
see tests/test_ci.py for every CI), and the commands behind it, run here on a student repository made by
``python -m autograder release``."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from autograder.api import GRADED_MODULES
from autograder.course.config import Course
from autograder.graders.catalog import part_points
from autograder.platforms.classroom import WORKFLOW
from autograder.platforms.notebook_builder import plain_notebook
from tests.conftest import ROOT, run_cli
from tests.notebook_work import fill, write


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def grade_step() -> dict:
    (job,) = workflow()["jobs"].values()
    return next(step for step in job["steps"] if step.get("id") == "grade")


def test_workflow_grades_every_push_and_reports_the_score():
    document = workflow()
    assert "push" in document[True]  # YAML reads the key `on` as True
    (job,) = document["jobs"].values()
    steps = job["steps"]
    uses = [step.get("uses", "") for step in steps]
    assert uses[0].startswith("actions/checkout@") and any(use.startswith("actions/setup-python@") for use in uses)
    python = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["python-version"] == "3.11"
    assert any("-r requirements-grading.txt" in step.get("run", "") for step in steps)  # the grading pins (issue 24)
    assert "python -m autograder ci" in grade_step()["run"]
    assert not [use for use in uses if use.startswith(("classroom-resources/", "education/"))]  # GitHub Classroom is retired
    reporter = steps[-1]
    assert reporter["uses"].startswith("mikepenz/action-junit-report@") and "always()" in reporter["if"]
    assert reporter["with"]["report_paths"] == "autograding/junit.xml" and '--junit "$OUT/junit.xml"' in grade_step()["run"]
    assert 'OUT="$PWD/autograding"' in grade_step()["run"]
    assert document["permissions"]["checks"] == "write"


def student_repository(tmp_path: Path) -> Path:
    repo = tmp_path / "student-repo"
    process = run_cli("release", str(repo))
    assert process.returncode == 0, process.stderr
    assert (repo / ".github" / "workflows" / "autograding.yml").read_text() == WORKFLOW.read_text()
    assert sorted(path.stem for path in (repo / "notebooks").glob("*.ipynb")) == sorted(GRADED_MODULES)
    return repo


def run_grade_step(repo: Path, submission: str) -> tuple[dict, str, subprocess.CompletedProcess]:
    """Run the workflow's grade step as GitHub Actions would, in the student's repository."""
    outputs, summary = repo.parent / "github_output", repo.parent / "step_summary"
    outputs.write_text("")
    summary.write_text("")
    env = dict(
        os.environ,
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        SUBMISSION=submission,
        GITHUB_OUTPUT=str(outputs),
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_WORKSPACE=str(repo),
    )
    process = subprocess.run(["bash", "-e", "-c", grade_step()["run"]], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
    (line,) = [line for line in outputs.read_text().splitlines() if line.startswith("result=")]
    return json.loads(base64.b64decode(line.partition("=")[2])), summary.read_text(), process


def test_with_the_hidden_graders_the_workflow_scores_the_students_work(tmp_path):
    repo = student_repository(tmp_path)
    for part in GRADED_MODULES:  # the student has solved every part in exercises/
        (repo / "exercises" / f"{part}.py").write_text((ROOT / "solutions" / f"{part}.py").read_text())
    grader = repo / ".grader"  # what the "Fetch the hidden graders" step checks out: the instructor's project
    grader.mkdir()
    for name in ("autograder", "solutions"):
        (grader / name).symlink_to(ROOT / name)
    result, summary, _ = run_grade_step(repo, "exercises")
    assert result["version"] == 1 and result["status"] == "pass" and result["max_score"] == 100
    assert sum(test["score"] for test in result["tests"]) == 100
    assert "## Autograding: 100 / 100" in summary and "hidden graders" in summary

    # Students who hand in notebooks: SUBMISSION=notebooks, here with only part 2 done.
    write(repo / "notebooks" / "training_loop.ipynb", fill(plain_notebook("training_loop"), "training_loop"))
    result, summary, _ = run_grade_step(repo, "notebooks")
    assert result["status"] == "fail" and sum(test["score"] for test in result["tests"]) == part_points("training_loop", Course())
    assert f"| training_loop | {part_points('training_loop', Course()):g} / {part_points('training_loop', Course()):g} |" in summary


def test_without_the_hidden_graders_the_workflow_runs_the_public_checks(tmp_path):
    repo = student_repository(tmp_path)
    result, summary, process = run_grade_step(repo, "exercises")
    assert result["status"] == "fail" and result["max_score"] == len(result["tests"]) > 0
    assert sum(test["score"] for test in result["tests"]) == 0
    assert "public checks only" in summary and "Autograding (public checks only): 0 /" in process.stdout


def test_ci_says_each_part_not_started_in_one_line_and_still_reports_every_test(tmp_path):
    """`ci` on a student who solved backprop and left the rest untouched: one line per untouched part, as `check` says
    it, instead of a failure block per test; the score line, the JUnit XML and results.json keep every test."""
    from autograder.selfcheck import NOT_STARTED, WHY_NOT_STARTED

    work = tmp_path / "exercises"
    shutil.copytree(ROOT / "exercises", work, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(ROOT / "solutions" / "backprop.py", work / "backprop.py")
    junit, results_path = tmp_path / "junit.xml", tmp_path / "results.json"
    process = run_cli("ci", str(work), "--junit", str(junit), "--results", str(results_path))
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
    untouched = [part for part in GRADED_MODULES if part != "backprop"]
    lines = process.stdout.splitlines()
    assert [line for line in lines if "not started yet" in line] == [NOT_STARTED.format(p, WHY_NOT_STARTED["stubs"]) for p in untouched]
    assert not [line for line in lines if line.startswith(tuple(f"[x] {part}." for part in untouched))], process.stdout
    assert any("backprop.sigmoid" in line for line in lines)  # the started part's table rows are there
    results = json.loads(results_path.read_text())
    assert {test["name"].partition(".")[0] for test in results["tests"]} >= set(GRADED_MODULES)
    assert f"Autograding score: {results['score']:g} / 100 " in process.stdout
    from xml.etree import ElementTree

    cases = ElementTree.parse(junit).getroot().iter("testcase")
    failed = [case for case in cases if case.find("failure") is not None]
    assert len(list(ElementTree.parse(junit).getroot().iter("testcase"))) == len(results["tests"])
    assert len(failed) == sum(test["score"] < test["max_score"] for test in results["tests"]) > 0
