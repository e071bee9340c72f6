"""Adding a part (issue 21): ``new-part toy`` writes a whole part, its folder and its solution, and nothing else.

In a copy of the project as a fresh clone holds it (``git ls-files``), committed, the test scaffolds a part,
regenerates what is generated from it (exercises, its public expected results, notebooks), and checks that
the only files touched are the part's folder, its solution and those generated files. Then, through the
command line as an instructor and a student would: the solution scores full points and the stub zero; its
known mistake loses the points and is named by the grader and by the public check; the public check passes
on the solution; the hint is served; the class gradebook has its column; the release carries it and leaks
nothing.
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

PART = "autograder/parts/toy/"
GENERATED = ("exercises/", "notebooks/")
WRITTEN = {
    f"{PART}{name}"
    for name in (
        "__init__.py",
        "part.toml",
        "narrative.md",
        "public/__init__.py",
        "public/scenarios.py",
        "public/tests.py",
        "public/checks.py",
        "public/hints.toml",
        "hidden/__init__.py",
        "hidden/scenarios.py",
        "hidden/tests.py",
        "hidden/checks.py",
        "hidden/mistakes.py",
    )
} | {"solutions/toy.py"}
MISTAKE = "adding the factor to x instead of multiplying x by it"


def cli(copy: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=copy, capture_output=True, text=True, timeout=timeout)


def git(copy: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=copy, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """A copy of the project's files (tracked and new, nothing ignored), committed, with the toy part scaffolded and generated."""
    target = copy_project(tmp_path_factory.mktemp("project") / "project")
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "before")
    made = cli(target, "new-part", "toy", "--title", "A toy part", "--points", "6")
    assert made.returncode == 0, made.stderr
    assert set(made.stdout.split()) >= WRITTEN, made.stdout
    for command in (("build-exercises",), ("public-checks", "--write", "--part", "toy"), ("notebooks",)):
        process = cli(target, *command)
        assert process.returncode == 0, (command, process.stderr[-2000:])
    return target


def test_new_part_writes_its_folder_and_solution_and_nothing_else(copy: Path):
    changed = {line[3:] for line in git(copy, "status", "--porcelain", "-uall").splitlines()}
    outside = {path for path in changed if not path.startswith((PART, *GENERATED))}
    assert outside == {"solutions/toy.py"}, sorted(outside)
    assert WRITTEN | {f"{PART}public/expected.json"} <= changed
    assert {
        "exercises/toy.py",
        "notebooks/plain/toy.ipynb",
        "notebooks/otter/toy.ipynb",
        "notebooks/nbgrader/source/toy/toy.ipynb",
    } <= changed
    generated = {path for path in changed if path.startswith(GENERATED)}
    assert all("toy" in path for path in generated), sorted(generated)  # no other part's notebook moved
    assert cli(copy, "build-exercises", "--check").returncode == 0
    assert cli(copy, "notebooks", "--check").returncode == 0
    assert cli(copy, "public-checks", "--part", "toy").returncode == 0


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


@pytest.fixture(scope="module")
def mistaken(copy: Path, tmp_path_factory) -> Path:
    """The solutions with the toy's known mistake made, as a student would make it."""
    folder = tmp_path_factory.mktemp("mistaken") / "work"
    shutil.copytree(copy / "solutions", folder)
    source = (folder / "toy.py").read_text()
    assert source.count("return float(x) * factor") == 1
    (folder / "toy.py").write_text(source.replace("return float(x) * factor", "return float(x) + factor"))
    return folder


def test_the_known_mistake_loses_the_points_and_is_named(copy: Path, mistaken: Path, tmp_path: Path):
    results = tmp_path / "results.json"
    assert cli(copy, "grade", str(mistaken), "--results", str(results)).returncode == 0
    toy = [t for t in json.loads(results.read_text())["tests"] if t["name"].startswith("toy.")]
    assert [t["score"] for t in toy] == [0] and MISTAKE in toy[0]["output"], toy


def test_the_public_check_passes_on_the_solution_names_the_mistake_and_the_hint_is_served(copy: Path, mistaken: Path):
    passed = cli(copy, "check", "solutions", "toy")
    assert passed.returncode == 0 and "1 of 1 pass" in " ".join(passed.stdout.split()), passed.stdout + passed.stderr
    failed = cli(copy, "check", str(mistaken), "toy")
    assert failed.returncode == 1 and MISTAKE in " ".join(failed.stdout.split()), failed.stdout + failed.stderr
    hint = cli(copy, "hint", "scale")
    assert hint.returncode == 0 and hint.stdout.startswith("Hint 1 of 3 for scale (toy)"), hint.stdout + hint.stderr


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
    assert (bundle / PART / "public" / "checks.py").is_file() and not (bundle / PART / "hidden").exists()
    assert "`toy.py`" in (bundle / "README.md").read_text()
    assert bundle_leaks(bundle, copy) == []
    assert "return float(x) * factor" not in (bundle / "exercises" / "toy.py").read_text()
    shutil.copy2(copy / "solutions" / "toy.py", bundle / "exercises" / "toy.py")
    check = cli(bundle, "check", "toy")
    assert check.returncode == 0 and "1 of 1 pass" in " ".join(check.stdout.split()), check.stdout + check.stderr


def test_new_part_refuses_a_bad_name_in_one_line(copy: Path):
    for bad in ("backprop", "Toy", "class", "two words"):
        process = cli(copy, "new-part", bad)
        assert process.returncode == 2 and process.stderr.count("\n") == 1 and "Traceback" not in process.stderr, (bad, process.stderr)
