"""grade-class, the demo's example students, and the student bundle (issue: graders and engine)."""

from __future__ import annotations

import csv
import json
import subprocess

from autograder import SOLUTIONS_DIR
from autograder.api import GRADED_MODULES
from autograder.course.config import Course
from autograder.release import public_files
from tests.conftest import ROOT, run_cli
from tests.leaks import bundle_leaks


def test_demo_grades_every_example_student_as_expected(tmp_path):
    out = tmp_path / "demo"
    process = run_cli("demo", "--out", str(out))
    assert process.returncode == 0, process.stdout + process.stderr
    rows = {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open())}
    examples = sorted(p.name for p in (ROOT / "examples" / "submissions").iterdir())
    assert sorted(rows) == examples and len(examples) >= 4
    for student in examples:
        expected = json.loads((ROOT / "examples" / "submissions" / student / "expected.json").read_text())
        assert float(rows[student]["total"]) == expected["total"], student
        assert {m: float(rows[student][m]) for m in GRADED_MODULES} == {m: expected["parts"].get(m, 0) for m in GRADED_MODULES}, student
        results = json.loads((out / student / "results.json").read_text())
        assert results["score"] == expected["total"]
    totals = {s: float(r["total"]) for s, r in rows.items()}
    assert totals["ada_all_right"] == 100 and totals["dan_untouched"] == 0


def test_grade_class_survives_entries_that_are_not_submissions(tmp_path):
    klass = tmp_path / "class"
    (klass / "empty_folder").mkdir(parents=True)
    (klass / "not_a_notebook.ipynb").write_text("this is not JSON")
    (klass / "good").mkdir()
    (klass / "good" / "regularization.py").write_text((SOLUTIONS_DIR / "regularization.py").read_text())
    process = run_cli("grade-class", str(klass), "--out", str(tmp_path / "out"))
    assert process.returncode == 0, process.stderr[-2000:]
    rows = {row["student"]: row for row in csv.DictReader((tmp_path / "out" / "gradebook.csv").open())}
    assert set(rows) == {"empty_folder", "not_a_notebook", "good"}
    assert float(rows["good"]["total"]) == 17 and float(rows["empty_folder"]["total"]) == 0
    assert rows["not_a_notebook"]["status"].startswith("not gradable")


def test_release_bundle_holds_no_hidden_material(tmp_path):
    out = tmp_path / "bundle"
    process = run_cli("release", str(out))
    assert process.returncode == 0, process.stderr
    files = [p for p in out.rglob("*") if p.is_file()]
    names = {str(p.relative_to(out)) for p in files}
    assert {f"exercises/{m}.py" for m in GRADED_MODULES} <= names
    assert "README.md" in names and "requirements.txt" in names
    shipped = {f"autograder/parts/{m}/public/{f}" for m in GRADED_MODULES for f in ("tests.py", "checks.py", "expected.json", "hints.toml")}
    assert shipped <= names
    assert not [name for name in names if "/hidden/" in name or name.startswith("autograder/graders/")]
    assert bundle_leaks(out, ROOT) == []
    requirements = (out / "requirements.txt").read_text().split()  # ranges: the grading pins stay in pyproject.toml
    assert "requirements.txt" in names and "torch>=2.3" in requirements and not any("==" in line for line in requirements)
    assert set(public_files(Course())) <= {p.relative_to(out) for p in files}


def test_a_students_git_add_leaves_the_environment_out(tmp_path):
    """The bundle ships a .gitignore: after the README's `python -m venv .venv`, `git add .` commits the work, not torch."""
    out = tmp_path / "bundle"
    assert run_cli("release", str(out)).returncode == 0
    (out / ".venv" / "lib").mkdir(parents=True)
    (out / ".venv" / "lib" / "torch.so").write_bytes(b"\0" * 1024)
    (out / "exercises" / "__pycache__").mkdir()
    (out / "exercises" / "__pycache__" / "backprop.cpython-311.pyc").write_bytes(b"\0")
    subprocess.run(["git", "init", "-q"], cwd=out, check=True)
    subprocess.run(["git", "add", "."], cwd=out, check=True)
    staged = subprocess.run(["git", "diff", "--cached", "--name-only"], cwd=out, capture_output=True, text=True, check=True).stdout.split()
    assert "exercises/backprop.py" in staged and ".gitignore" in staged
    assert not [name for name in staged if name.startswith(".venv/") or "__pycache__" in name], staged


def test_release_bundle_runs_the_public_checks_but_not_the_grader(tmp_path):
    out = tmp_path / "bundle"
    assert run_cli("release", str(out)).returncode == 0
    check = run_cli("check", cwd=out)
    assert check.returncode == 0, check.stderr[-2000:]
    assert "training_loop: not started yet" in check.stdout and "does not promise full marks" in check.stdout
    grade = run_cli("grade", "exercises", cwd=out)
    assert grade.returncode == 2 and "not part of the student bundle" in grade.stderr
