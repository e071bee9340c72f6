"""The instructor's course file (issue: one part, one place): points, visibility, limits, parts and release, without code."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from autograder.course import config
from autograder.graders.catalog import all_tests
from tests.conftest import ROOT, run_cli

LOOP_TEST = "training_loop.trainer: loss per epoch matches the reference"
STEP_TEST = "training_loop.train_step: one step matches the reference"
COURSE = f"""
[course]
parts = ["validation", "training_loop"]

[limits]
call_seconds = 2

[visibility]
default = "after_due_date"

[tests."{LOOP_TEST}"]
points = 7
visibility = "visible"

[tests."{STEP_TEST}"]
points = 0

[release]
parts = ["training_loop"]
public_checks = false
notebooks = false
"""


@pytest.fixture
def course_file(tmp_path: Path) -> Path:
    path = tmp_path / "course.toml"
    path.write_text(COURSE)
    return path


def test_with_no_course_file_the_defaults_are_todays_100_points():
    assert not config.DEFAULT_PATH.exists(), "a course.toml in the project would change every grade: keep it out of the repository"
    assert config.resolve(None) == config.Course()
    tests = all_tests(config.Course())
    assert sum(t.points for t in tests) == 100
    assert all(t.visibility == "visible" and t.points == t.declared_points for t in tests)


def test_points_visibility_and_parts_change_what_grade_reports(course_file: Path, tmp_path: Path):
    results = tmp_path / "results.json"
    process = run_cli("grade", str(ROOT / "solutions"), "--course", str(course_file), "--results", str(results))
    assert process.returncode == 0, process.stderr[-2000:]
    data = json.loads(results.read_text())
    by_name = {t["name"]: t for t in data["tests"]}
    assert {name.partition(".")[0] for name in by_name} == {"training_loop", "validation"}
    assert by_name[LOOP_TEST]["max_score"] == 7 and by_name[LOOP_TEST]["visibility"] == "visible"
    assert by_name[STEP_TEST]["max_score"] == 0
    others = [t for name, t in by_name.items() if name not in (LOOP_TEST, STEP_TEST)]
    assert others and all(t["visibility"] == "after_due_date" for t in others)
    assert data["score"] == 12 + 12 - 3 + 7 - 2


def test_the_gradebook_has_the_assigned_parts_only(course_file: Path, tmp_path: Path):
    klass = tmp_path / "class"
    (klass / "ada").mkdir(parents=True)
    shutil.copy2(ROOT / "solutions" / "validation.py", klass / "ada" / "validation.py")
    process = run_cli("grade-class", str(klass), "--out", str(tmp_path / "out"), "--course", str(course_file), "--no-reports")
    assert process.returncode == 0, process.stderr[-2000:]
    with (tmp_path / "out" / "gradebook.csv").open() as stream:
        rows = list(csv.reader(stream))
    assert rows[0] == ["student", "training_loop", "validation", "total", "out_of", "status", "needs_look"]
    assert rows[1][:5] == ["ada", "0", "12", "12", "26"]


def test_call_seconds_bounds_each_call(tmp_path: Path):
    course = tmp_path / "course.toml"
    course.write_text('[course]\nparts = ["backprop"]\n[limits]\ncall_seconds = 1\n')
    slow = tmp_path / "slow"
    slow.mkdir()
    source = (
        (ROOT / "solutions" / "backprop.py")
        .read_text()
        .replace("def sigmoid(z):\n", "def sigmoid(z):\n    import time\n\n    time.sleep(3)\n", 1)
    )
    assert "time.sleep(3)" in source
    (slow / "backprop.py").write_text(source)
    results = tmp_path / "results.json"
    process = run_cli("grade", str(slow), "--course", str(course), "--results", str(results), "-k", "sigmoid")
    assert process.returncode == 0, process.stderr[-2000:]
    outputs = [t["output"] for t in json.loads(results.read_text())["tests"] if not t["score"]]
    assert outputs and all("within 1 s" in o or "ran out of time" in o for o in outputs), outputs


def test_the_release_follows_the_course_file(course_file: Path, tmp_path: Path):
    bundle = tmp_path / "bundle"
    process = run_cli("release", str(bundle), "--course", str(course_file))
    assert process.returncode == 0, process.stderr
    exercises = sorted(p.name for p in (bundle / "exercises").glob("*.py"))
    assert exercises == ["chapter.py", "training_loop.py"]
    assert not (bundle / "notebooks").exists() and not (bundle / "autograder" / "checks").exists()
    assert not list((bundle / "autograder" / "parts").glob("*/public"))


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("[limits]\ncall_second = 1\n", "limits.call_second"),
        ("[colour]\nx = 1\n", "[colour]"),
        ('[tests."training_loop.trainer: no such test"]\npoints = 1\n', "no such test"),
        (f'[tests."{LOOP_TEST}"]\npoints = -1\n', "points must be 0 or more"),
        ('[course]\nparts = ["backprop", "dropout"]\n', "course.parts"),
        (f'[tests."{LOOP_TEST}"]\nvisibility = "later"\n', "visibility"),
    ],
)
def test_a_mistake_in_the_course_file_is_one_line_naming_key_and_file(tmp_path: Path, text: str, names: str):
    bad = tmp_path / "course.toml"
    bad.write_text(text)
    for command in (
        ("grade", str(ROOT / "exercises")),
        ("grade-class", str(tmp_path)),
        ("release", str(tmp_path / "bundle")),
        ("notebooks", "--check"),
        ("gradescope", str(tmp_path / "g.zip")),
    ):
        process = run_cli(*command, "--course", str(bad))
        assert process.returncode == 2, (command, process.stdout[-500:], process.stderr[-1500:])
        lines = process.stderr.strip().splitlines()
        assert len(lines) == 1 and str(bad) in lines[0] and names in lines[0], (command, process.stderr)
    assert not (tmp_path / "bundle").exists() and not (tmp_path / "g.zip").exists()


def test_a_rerun_under_another_course_file_regrades_instead_of_mixing_grades(course_file: Path, tmp_path: Path):
    klass = tmp_path / "class"
    (klass / "ada").mkdir(parents=True)
    for name in ("training_loop.py", "validation.py", "backprop.py"):
        shutil.copy2(ROOT / "solutions" / name, klass / "ada" / name)
    out = tmp_path / "out"
    assert run_cli("grade-class", str(klass), "--out", str(out), "--no-reports", "--workers", "1").returncode == 0
    process = run_cli("grade-class", str(klass), "--out", str(out), "--no-reports", "--workers", "1", "--course", str(course_file))
    assert process.returncode == 0, process.stderr[-2000:]
    with (out / "gradebook.csv").open() as stream:
        header, row = list(csv.reader(stream))
    assert header == ["student", "training_loop", "validation", "total", "out_of", "status", "needs_look"]
    assert row[:5] == ["ada", "14", "12", "26", "26"]  # under this course: 12 - 3 + 7 - 2 and 12, out of 26, not the 100-point grade
    again = run_cli("grade-class", str(klass), "--out", str(out), "--no-reports", "--workers", "1", "--course", str(course_file))
    assert again.returncode == 0 and "1 already graded (same files, same course file) were kept" in again.stdout, again.stdout


def test_export_counts_the_points_the_course_gives(course_file: Path, tmp_path: Path):
    gradebook = tmp_path / "gradebook.csv"
    gradebook.write_text("student,training_loop,validation,total,status\nada,10,12,22,graded\n")
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "student,path,name,lms,lms_id,submission_id,email,sis_id,late,submitted_at,files\n"
        "ada,ada/,Ada Lovelace,canvas,1001,,,,no,,training_loop.py\n"
    )
    # a gradebook of an older grade-class, without out_of: the course's maximum for its two part columns, with a note
    for course, possible in (([], "24"), (["--course", str(course_file)], "26")):
        out = tmp_path / "canvas.csv"
        process = run_cli("export", str(gradebook), "--to", "canvas", "--roster", str(roster), "--out", str(out), *course)
        assert process.returncode == 0 and "note: " in process.stderr, process.stderr
        assert out.read_text().splitlines()[1] == f"Points Possible,,,,,{possible}", out.read_text()
    gradebook.write_text("student,training_loop,validation,total,out_of,status\nada,10,12,22,26,graded\n")
    for course in ([], ["--course", str(course_file)]):  # the gradebook says its maximum: the course file may only agree
        process = run_cli("export", str(gradebook), "--to", "canvas", "--roster", str(roster), "--out", str(out), *course)
        assert process.returncode == 0 and process.stderr == "", process.stderr
        assert out.read_text().splitlines()[1] == "Points Possible,,,,,26", out.read_text()


def test_a_bundle_of_some_parts_checks_those_parts_only_and_one_without_checks_says_so(tmp_path: Path):
    some = tmp_path / "some.toml"
    some.write_text('[release]\nparts = ["training_loop"]\n')
    bundle = tmp_path / "some"
    assert run_cli("release", str(bundle), "--course", str(some)).returncode == 0
    assert sorted(p.parent.name for p in (bundle / "autograder" / "parts").glob("*/public")) == ["training_loop"]
    check = run_cli("check", cwd=bundle)
    assert check.returncode == 0, check.stderr[-2000:]
    assert "training_loop: not started yet" in check.stdout and "early_stopping" not in check.stdout, check.stdout
    none = tmp_path / "none.toml"
    none.write_text("[release]\npublic_checks = false\n")
    bare = tmp_path / "bare"
    assert run_cli("release", str(bare), "--course", str(none)).returncode == 0
    shutil.copy2(ROOT / "solutions" / "training_loop.py", bare / "exercises" / "training_loop.py")
    check = run_cli("check", cwd=bare)
    assert check.returncode == 0 and "no public checks" in check.stdout and "Traceback" not in check.stderr, check.stdout + check.stderr
    ci = run_cli("ci", "exercises", cwd=bare)
    assert ci.returncode == 0 and "Traceback" not in ci.stderr, ci.stdout + ci.stderr


def test_a_course_can_turn_hints_off_in_the_bundle(tmp_path: Path):
    from autograder.checks.hints import HINTS_OFF

    course = tmp_path / "course.toml"
    course.write_text("[release]\nhints = false\n")
    bundle = tmp_path / "bundle"
    assert run_cli("release", str(bundle), "--course", str(course)).returncode == 0
    assert not list((bundle / "autograder" / "parts").glob("*/public/hints.toml")) and (bundle / "autograder" / "checks" / "hints.py").exists()
    off = run_cli("hint", "train_step", cwd=bundle)
    assert off.returncode == 0 and off.stdout.strip() == HINTS_OFF, off.stdout + off.stderr
    on = tmp_path / "on"
    assert run_cli("release", str(on)).returncode == 0 and (on / "autograder" / "parts" / "training_loop" / "public" / "hints.toml").is_file()
    assert run_cli("hint", "train_step", "2", cwd=on).stdout.startswith("Hint 2 of 3 for train_step")
