"""CI after GitHub Classroom (issue 16): the GitHub Actions workflow, GitLab's ``.gitlab-ci.yml`` and Classroom 50's
``autograder.py``, each run here the way its CI runs it, on a student repository made by ``python -m autograder release``.

The commands are read out of the YAML files (what the file says is what runs), with the environment
variables those CIs set and ``$GITHUB_STEP_SUMMARY``/``$GITHUB_OUTPUT`` pointing at temporary files.
"With the hidden graders" is a copy of this project as the workflow fetches it (``git ls-files``);
GitLab's job clones it for real (``git clone`` of a local repository through ``GRADER_URL``). Not run
here: GitHub's and GitLab's own runners, the ``uses:`` actions, and Classroom 50's ``runner.py``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from autograder.api import GRADED_MODULES
from autograder.course.config import Course
from autograder.graders.catalog import all_tests, part_points
from autograder.platforms.classroom import CI_FILES, GITLAB_CI, WORKFLOW
from autograder.platforms.classroom50.bundle import ENTRY_POINT
from tests.conftest import ROOT, copy_project, run_cli

RETIRED = ("classroom-resources/", "education/autograding", "github-classroom")
VENV_PATH = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"


# --- the student's repository and the instructor's project, made once -------------------------------------


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("release") / "student-repo"
    process = run_cli("release", str(repo))
    assert process.returncode == 0, process.stderr
    for source, target in CI_FILES:
        assert (repo / target).read_text() == source.read_text()
    return repo


@pytest.fixture(scope="module")
def grader_project(tmp_path_factory) -> Path:
    """This project as the CI job fetches it: its files (``git ls-files``), committed in a git repository."""
    project = copy_project(tmp_path_factory.mktemp("grader") / "grader-project")
    git = ["git", "-c", "user.name=ci", "-c", "user.email=ci@example.invalid", "-c", "init.defaultBranch=main"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "grader"]):
        subprocess.run([*git, *command], cwd=project, check=True, capture_output=True)
    return project


def student(released: Path, where: Path, solved: bool) -> Path:
    """A copy of the released repository: ``solved`` puts ``solutions/*.py`` into ``exercises/``, else untouched."""
    repo = where / ("right-student" if solved else "empty-student")
    shutil.copytree(released, repo)
    if solved:
        for part in GRADED_MODULES:
            shutil.copyfile(ROOT / "solutions" / f"{part}.py", repo / "exercises" / f"{part}.py")
    return repo


def broken_grader(grader_project: Path, where: Path) -> Path:
    """The instructor's project with a bug in one grader test, and a course file that assigns only that part."""
    broken = where / "broken-grader"
    shutil.copytree(grader_project, broken)
    path = broken / "autograder" / "parts" / "training_loop" / "hidden" / "checks.py"
    source = path.read_text()
    # the check of "one step matches the reference", whatever its parameters
    header = re.search(r"^def steps\(.*\):\n", source, flags=re.MULTILINE)
    assert header, "training_loop's hidden checks have no steps(): pick another check to break"
    path.write_text(source[: header.end()] + "    raise ZeroDivisionError('a bug in the grader')\n" + source[header.end() :])
    (broken / "course.toml").write_text('[course]\nparts = ["training_loop"]\n')
    return broken


# --- what every CI's outputs must say --------------------------------------------------------------------


def check_junit(path: Path, results: dict) -> ElementTree.Element:
    """Valid JUnit XML: one testcase per test of Gradescope's results.json, a <failure> exactly for each failed one."""
    suite = ElementTree.parse(path).getroot()
    cases = suite.findall("testcase")
    assert suite.tag == "testsuite" and int(suite.get("tests")) == len(cases) == len(results["tests"]) > 0
    names = [case.get("name") for case in cases]
    assert len(set(names)) == len(names)  # GitLab keeps only the first of duplicate names
    for case, test in zip(cases, results["tests"], strict=True):
        assert case.get("name").startswith(test["name"])
        failed = test["status"] == "failed"
        assert (case.find("failure") is not None or case.find("error") is not None) == failed, case.get("name")
    bad = len(suite.findall("testcase/failure")) + len(suite.findall("testcase/error"))
    assert int(suite.get("failures")) + int(suite.get("errors")) == bad
    return suite


def outputs_of(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


# --- GitHub Actions ------------------------------------------------------------------------------------------


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text())


def steps() -> list[dict]:
    (job,) = workflow()["jobs"].values()
    return job["steps"]


def step(name_part: str) -> dict:
    return next(s for s in steps() if name_part in s.get("name", ""))


def run_github(repo: Path, grader: Path | None, submission: str = "exercises") -> tuple[subprocess.CompletedProcess, dict, str]:
    """The workflow's "Grade" step as GitHub Actions runs it (``bash -e``, in the repository); ``grader``: what
    "Fetch the hidden graders" checks out into ``.grader`` (only when GRADER_REPOSITORY is set)."""
    fetch = step("Fetch the hidden graders")
    assert fetch["with"]["path"] == ".grader" and "GRADER_REPOSITORY" in fetch["if"]
    shutil.rmtree(repo / ".grader", ignore_errors=True)
    shutil.rmtree(repo / "autograding", ignore_errors=True)
    if grader is not None:
        shutil.copytree(grader, repo / ".grader")
    summary, outputs = repo.parent / f"{repo.name}-summary.md", repo.parent / f"{repo.name}-output"
    summary.write_text("")
    outputs.write_text("")
    env = dict(
        os.environ,
        PATH=VENV_PATH,
        CI="true",
        GITHUB_ACTIONS="true",
        GITHUB_WORKSPACE=str(repo),
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_OUTPUT=str(outputs),
        RUNNER_TEMP=str(repo.parent),
        SUBMISSION=submission,
        GRADER_REPOSITORY="school/grader" if grader is not None else "",
    )
    run = step("Grade")["run"]
    process = subprocess.run(["bash", "-e", "-c", run], cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    return process, outputs_of(outputs), summary.read_text()


def test_the_ci_files_parse_and_use_no_github_classroom_action():
    files = {path: yaml.safe_load(path.read_text()) for path in (WORKFLOW, GITLAB_CI)}
    assert all(isinstance(document, dict) for document in files.values())
    texts = [path.read_text() for path in (WORKFLOW, GITLAB_CI, ENTRY_POINT)]
    assert not [marker for text in texts for marker in RETIRED if marker in text]

    document = workflow()
    assert "push" in document[True] and document["permissions"]["checks"] == "write"  # YAML reads `on` as True
    uses = [s.get("uses", "") for s in steps()]
    assert uses[0].startswith("actions/checkout@") and step("Set up Python")["with"]["python-version"] == "3.11"
    assert "-r requirements-grading.txt" in step("Install")["run"]  # the grading pins (issue 24)
    assert "python -m autograder ci " in step("Grade")["run"]
    upload, report = step("Upload"), step("Publish the JUnit report")
    assert upload["uses"].startswith("actions/upload-artifact@") and upload["with"]["path"] == "autograding/"
    assert report["uses"].startswith("mikepenz/action-junit-report@") and report["with"]["report_paths"] == "autograding/junit.xml"
    assert "always()" in upload["if"] and "always()" in report["if"]  # reported even when grading broke
    assert report["with"]["fail_on_failure"] is False  # a failed test is a score, not a broken job

    job = yaml.safe_load(GITLAB_CI.read_text())["autograding"]
    assert job["artifacts"]["when"] == "always" and job["artifacts"]["reports"]["junit"] == "autograding/junit.xml"
    assert job["image"] == "python:3.11" and "-r requirements-grading.txt" in job["before_script"][0]
    assert re.search(job["coverage"].strip("/"), "Autograding score: 87 / 100 (87.0%)").group(1) == "87.0"


def test_github_actions_right_student_with_the_hidden_graders(released, grader_project, tmp_path):
    repo = student(released, tmp_path, solved=True)
    process, outputs, summary = run_github(repo, grader_project)
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
    results = json.loads((repo / "autograding" / "results.json").read_text())
    assert results["score"] == 100 and "Autograding score: 100 / 100 (100.0%)" in process.stdout
    assert outputs["score"] == "100" and outputs["max-score"] == "100" and outputs["graded-with"] == "hidden-graders"
    assert "## Autograding: 100 / 100" in summary and "Graded with the hidden graders." in summary
    suite = check_junit(repo / "autograding" / "junit.xml", results)
    assert suite.get("failures") == "0" and suite.get("errors") == "0"


def test_github_actions_empty_student_without_the_hidden_graders(released, tmp_path):
    repo = student(released, tmp_path, solved=False)
    process, outputs, summary = run_github(repo, None)
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
    results = json.loads((repo / "autograding" / "results.json").read_text())
    checks = len(results["tests"])
    assert results["score"] == 0 and checks > 0 and outputs["score"] == "0" and outputs["max-score"] == str(checks)
    assert outputs["graded-with"] == "public-checks" and "public checks only" in summary and "### Not passed yet" in summary
    suite = check_junit(repo / "autograding" / "junit.xml", results)
    assert suite.get("failures") == str(checks)

    # No such folder (SUBMISSION set wrong): the job fails, in one line.
    process, outputs, _ = run_github(repo, None, submission="notebooks-missing")
    assert process.returncode == 2 and "Traceback" not in process.stderr and "does not exist" in process.stderr


def test_github_actions_fails_the_job_when_a_grader_breaks(released, grader_project, tmp_path):
    repo = student(released, tmp_path, solved=True)
    process, outputs, summary = run_github(repo, broken_grader(grader_project, tmp_path))
    assert process.returncode == 3, process.stdout[-2000:] + process.stderr[-2000:]
    assert "GRADER ERROR" in process.stderr and "ZeroDivisionError" in process.stderr
    assert "grader itself failed on 1 test" in summary and "ZeroDivisionError" not in summary and outputs["max-score"] == "12"
    results = json.loads((repo / "autograding" / "results.json").read_text())
    suite = check_junit(repo / "autograding" / "junit.xml", results)  # still written, for the report steps
    assert suite.get("errors") == "1" and results["score"] == part_points("training_loop", Course()) - 2  # the broken test's 2 points


# --- GitLab CI -----------------------------------------------------------------------------------------------


def run_gitlab(repo: Path, grader_url: str | None) -> subprocess.CompletedProcess:
    """The job's ``script`` as GitLab's shell runner runs it: its lines in one bash with ``set -eo pipefail``."""
    job = yaml.safe_load(GITLAB_CI.read_text())["autograding"]
    script = "set -eo pipefail\n" + "\n".join(job["script"])
    env = dict(os.environ, PATH=VENV_PATH, CI="true", GITLAB_CI="true", CI_PROJECT_DIR=str(repo), CI_SERVER_HOST="gitlab.example.invalid")
    env.update({key: str(value).replace("$CI_PROJECT_DIR", str(repo)) for key, value in job["variables"].items()})
    for key in ("GRADER_URL", "GRADER_REPOSITORY", "GRADER_TOKEN"):
        env.pop(key, None)
    if grader_url:
        env.update(GRADER_URL=grader_url, GRADER_TOKEN="unused")
    return subprocess.run(["bash", "-c", script], cwd=repo, env=env, capture_output=True, text=True, timeout=600)


def test_gitlab_empty_student_with_the_hidden_graders_cloned(released, grader_project, tmp_path):
    repo = student(released, tmp_path, solved=False)
    process = run_gitlab(repo, f"file://{grader_project}")
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
    assert (repo / ".grader" / ".git").is_dir()  # a real clone
    results = json.loads((repo / "autograding" / "results.json").read_text())
    assert results["score"] == 0 and "Autograding (hidden graders): 0 / 100" in process.stdout
    coverage = yaml.safe_load(GITLAB_CI.read_text())["autograding"]["coverage"].strip("/")
    assert re.search(coverage, process.stdout, re.MULTILINE).group(1) == "0.0"
    suite = check_junit(repo / "autograding" / "junit.xml", results)
    assert int(suite.get("failures")) == len(results["tests"])


def test_gitlab_right_student_without_the_hidden_graders(released, tmp_path):
    repo = student(released, tmp_path, solved=True)
    process = run_gitlab(repo, None)
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
    results = json.loads((repo / "autograding" / "results.json").read_text())
    checks = len(results["tests"])
    assert not (repo / ".grader").exists() and results["score"] == checks > 0
    coverage = yaml.safe_load(GITLAB_CI.read_text())["autograding"]["coverage"].strip("/")
    assert re.search(coverage, process.stdout, re.MULTILINE).group(1) == "100.0"
    assert check_junit(repo / "autograding" / "junit.xml", results).get("failures") == "0"


# --- Classroom 50 ----------------------------------------------------------------------------------------------


def classroom50_bundle(where: Path, *extra: str) -> Path:
    """What Classroom 50's runner unpacks for the assignment: ``python -m autograder classroom50 OUT``."""
    bundle = where / "classroom50-runtime" / "training"  # runner.py: runtime_dir / ASSIGNMENT
    process = run_cli("classroom50", str(bundle), *extra)
    assert process.returncode == 0, process.stderr
    assert (bundle / "autograder.py").read_text() == ENTRY_POINT.read_text()
    return bundle


def run_classroom50(repo: Path, bundle: Path) -> tuple[subprocess.CompletedProcess, dict, str]:
    """``autograder.py`` as runner.py's ``run_entrypoint`` calls it: ``python autograder.py`` in the student's
    checkout, with the runner's environment. Returns the process, ``result.json`` and ``release-body.md``."""
    summary, outputs = repo.parent / "c50-summary.md", repo.parent / "c50-output"
    summary.write_text("")
    outputs.write_text("")
    server, slug = "https://github.com", "nn-2026/nn-2026-training-alice"
    env = dict(
        os.environ,
        PATH=VENV_PATH,
        CI="true",
        GITHUB_ACTIONS="true",
        GITHUB_REPOSITORY=slug,
        GITHUB_SHA="0" * 40,
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_OUTPUT=str(outputs),
        PAGES_BASE_URL="https://nn-2026.github.io/classroom50",
        CLASSROOM="nn-2026",
        ASSIGNMENT="training",
        ASSIGNMENT_TYPE="individual",
        SUBMISSION_TAG="submit/2026-12-01T10-00-00Z-0000000",
        USERNAME="alice",
        OWNER="alice",
        COMMIT_URL=f"{server}/{slug}/commit/{'0' * 40}",
        RELEASE_URL=f"{server}/{slug}/releases/tag/submit%2F2026-12-01T10-00-00Z-0000000",
        REVIEW_URL=f"{server}/{slug}/compare/{'1' * 40}...{'0' * 40}",
        CLASSROOM50_BUNDLE_DIR=str(bundle),
    )
    env.pop("AUTOGRADER_HOME", None)
    process = subprocess.run(
        [sys.executable, str(bundle / "autograder.py")], cwd=repo, env=env, capture_output=True, text=True, timeout=600
    )
    result = json.loads((repo / "result.json").read_text()) if (repo / "result.json").is_file() else {}
    body = (repo / "release-body.md").read_text() if (repo / "release-body.md").is_file() else ""
    return process, result, body


def check_classroom50_result(result: dict) -> None:
    """The checks runner.py's ``validate_result`` and collect_scores.py make on an autograder's result.json."""
    assert result["schema"] == "classroom50/result/v1"
    assert result["classroom"] == "nn-2026" and result["assignment"] == "training" and result["submission"].startswith("submit/")
    assert all(isinstance(result[key], str) and result[key] for key in ("submission", "commit", "release", "review", "datetime"))
    for entry in (result, *result["tests"]):
        assert all(type(entry[key]) is int and entry[key] >= 0 for key in ("score", "max-score")) and entry["score"] <= entry["max-score"]
    assert all(isinstance(t["test-name"], str) and t["test-name"] and type(t["passed"]) is bool for t in result["tests"])
    assert result["score"] == sum(t["score"] for t in result["tests"]) and result["max-score"] == sum(
        t["max-score"] for t in result["tests"]
    )


def test_classroom50_empty_student_with_the_hidden_graders(released, tmp_path):
    repo = student(released, tmp_path, solved=False)
    bundle = classroom50_bundle(tmp_path)
    assert (bundle / "grader" / "autograder" / "graders" / "__init__.py").is_file()
    assert (bundle / "grader" / "autograder" / "parts" / "training_loop" / "hidden" / "tests.py").is_file()
    process, result, body = run_classroom50(repo, bundle)
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
    check_classroom50_result(result)
    # integer points only: 100 points with half-point tests become 1000 (each test scaled by 10)
    scale = 1 if all(float(t.points).is_integer() for t in all_tests(Course())) else 10
    assert result["score"] == 0 and result["max-score"] == 100 * scale and not any(t["passed"] for t in result["tests"])
    assert "## Autograding: 0 / 100" in body and "hidden graders" in body
    results_count = len(result["tests"])
    suite = ElementTree.parse(repo / "junit.xml").getroot()
    assert len(suite.findall("testcase")) == results_count == int(suite.get("failures"))


def test_classroom50_right_student_public_checks_only(released, tmp_path):
    repo = student(released, tmp_path, solved=True)
    bundle = classroom50_bundle(tmp_path, "--public-only")
    assert sorted(p.name for p in bundle.iterdir()) == ["autograder.py"]
    process, result, body = run_classroom50(repo, bundle)
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
    check_classroom50_result(result)
    assert result["score"] == result["max-score"] == len(result["tests"]) > 0 and all(t["passed"] for t in result["tests"])
    assert "public checks only" in body and "public checks only" in process.stdout


def test_classroom50_command_refuses_a_folder_in_use(tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "file").write_text("")
    process = run_cli("classroom50", str(tmp_path / "used"))
    assert process.returncode == 2 and process.stderr.startswith("error:") and "Traceback" not in process.stderr
