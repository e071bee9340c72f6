"""Adding a part (issue: one part, one place): ``new-part`` in a copy of the project, and every tool works with it.

The copy holds the project's files as a fresh clone would (``git ls-files``); the test commits it,
scaffolds a part, regenerates what is generated, and grades, releases and leak-checks through the
command line. It then counts what changed outside the generated folders: the four files an
instructor writes (solution, notebook text, grader test, registry record) and the grader folder's
one-line ``__init__.py`` that the command writes for them.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import copy_project
from tests.leaks import bundle_leaks

GENERATED = ("exercises/", "notebooks/")
HAND_WRITTEN = {"solutions/toy.py", "solutions/notebooks/toy.md", "autograder/graders/toy/test_toy.py", "autograder/course/parts.py"}
WRITTEN_FOR_YOU = {"autograder/graders/toy/__init__.py"}


def cli(copy: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=copy, capture_output=True, text=True, timeout=timeout)


def git(copy: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=copy, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """A copy of the project's files (tracked and new, nothing ignored), committed, with the toy part scaffolded."""
    target = copy_project(tmp_path_factory.mktemp("project") / "project")
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "before")
    made = cli(target, "new-part", "toy", "--title", "A toy part", "--points", "6")
    assert made.returncode == 0, made.stderr
    for command in (("build-exercises",), ("notebooks",)):
        process = cli(target, *command)
        assert process.returncode == 0, process.stderr
    return target


def test_new_part_touches_four_hand_written_files(copy: Path):
    changed = {line[3:] for line in git(copy, "status", "--porcelain", "-uall").splitlines()}
    outside = {path for path in changed if not path.startswith(GENERATED)}
    assert outside == HAND_WRITTEN | WRITTEN_FOR_YOU, sorted(outside)
    assert len(HAND_WRITTEN) == 4
    assert {
        "exercises/toy.py",
        "notebooks/plain/toy.ipynb",
        "notebooks/otter/toy.ipynb",
        "notebooks/nbgrader/source/toy/toy.ipynb",
    } <= changed
    assert cli(copy, "build-exercises", "--check").returncode == 0
    assert cli(copy, "notebooks", "--check").returncode == 0


def test_the_solution_scores_full_points_and_the_stub_zero(copy: Path, tmp_path: Path):
    for submission, want in (("solutions", "full"), ("exercises", "zero")):
        results = tmp_path / f"{submission}.json"
        process = cli(copy, "grade", submission, "--results", str(results))
        assert process.returncode == 0, process.stderr[-2000:]
        data = json.loads(results.read_text())
        toy = [t for t in data["tests"] if t["name"].startswith("toy.")]
        assert toy and sum(t["max_score"] for t in toy) == 6
        total = sum(t["max_score"] for t in data["tests"])
        assert total == 106
        assert data["score"] == (total if want == "full" else 0), (submission, data["score"])


def test_grade_class_has_a_column_for_the_new_part(copy: Path, tmp_path: Path):
    klass = tmp_path / "class"
    (klass / "right").mkdir(parents=True)
    shutil.copy2(copy / "solutions" / "toy.py", klass / "right" / "toy.py")
    (klass / "stub").mkdir()
    shutil.copy2(copy / "exercises" / "toy.py", klass / "stub" / "toy.py")
    process = cli(copy, "grade-class", str(klass), "--out", str(tmp_path / "out"), "--workers", "1")
    assert process.returncode == 0, process.stderr[-2000:]
    rows = {row["student"]: row for row in csv.DictReader((tmp_path / "out" / "gradebook.csv").open())}
    assert float(rows["right"]["toy"]) == 6 and float(rows["right"]["total"]) == 6
    assert float(rows["stub"]["toy"]) == 0
    assert (tmp_path / "out" / "index.html").is_file() and (tmp_path / "out" / "right" / "report.html").is_file()


def test_the_release_carries_the_new_part_and_leaks_nothing(copy: Path, tmp_path: Path):
    bundle = tmp_path / "bundle"
    process = cli(copy, "release", str(bundle))
    assert process.returncode == 0, process.stderr
    assert (bundle / "exercises" / "toy.py").is_file() and (bundle / "notebooks" / "toy.ipynb").is_file()
    assert bundle_leaks(bundle, copy) == []
    assert "return float(x) * factor" not in (bundle / "exercises" / "toy.py").read_text()


def test_new_part_refuses_a_bad_name_in_one_line(copy: Path):
    for bad in ("backprop", "Toy", "class", "two words"):
        process = cli(copy, "new-part", bad)
        assert process.returncode == 2 and process.stderr.count("\n") == 1 and "Traceback" not in process.stderr, (bad, process.stderr)
