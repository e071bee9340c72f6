"""A regrade says what it changed (issue 15, point 5): changes.csv and a one-line summary, and nothing when nothing changed;
a rerun regrades exactly the submissions whose files changed since (issue 24)."""

from __future__ import annotations

import csv
import os
import shutil
import zipfile
from pathlib import Path

from autograder.reports.changes import changes, changes_csv, summary_line
from autograder.resume import CHANGED, DAMAGED, NO_FINGERPRINT, OTHER_COURSE, WHY_UNFINISHED, why_grade
from tests.conftest import ROOT, run_cli

STEP_ZEROED = "training_loop.train_step: gradients are zeroed before every step"  # declared 2 points
STEP_FLOAT = "training_loop.train_step: returns the loss as a Python float"  # declared 1 point
ONLY_THE_LOOP = '[course]\nparts = ["training_loop"]\n'  # one part keeps the three gradings short
NEW_POINTS = ONLY_THE_LOOP + f'\n[tests."{STEP_ZEROED}"]\npoints = 5\n\n[tests."{STEP_FLOAT}"]\npoints = 0\n'


def test_changes_compare_points_and_verdicts_and_skip_new_students():
    def report(*tests: tuple[str, float, bool]) -> dict:
        return {"status": "graded", "tests": [{"name": n, "points": p, "passed": ok} for n, p, ok in tests]}

    old = {"ann": report(("a.f: x", 0, False), ("a.g: y", 3, True)), "bob": report(("a.f: x", 2, True)), "cat": report(("a.f: x", 2, True))}
    new = {
        "ann": report(("a.f: x", 2, True), ("a.g: y", 3, True)),  # up
        "bob": report(("a.f: x", 0, True), ("a.h: z", 0, False)),  # down; a test worth 0 appears, failed: not a change
        "cat": report(("a.f: x", 2, True)),  # the same
        "dan": report(("a.f: x", 2, True)),  # new: no earlier result
    }
    found = changes(old, new)
    assert [(c.student, c.old_total, c.new_total, c.tests) for c in found] == [
        ("ann", 3, 5, ["a.f: x (0 failed -> 2)"]),
        ("bob", 2, 0, ["a.f: x (2 -> 0)"]),
    ]
    assert summary_line(found) == "2 students changed: 1 up, 1 down" and summary_line([]) == "no student changed"
    assert changes_csv(found).splitlines() == [
        "student,old_total,new_total,tests_changed",
        "ann,3,5,a.f: x (0 failed -> 2)",
        "bob,2,0,a.f: x (2 -> 0)",
    ]
    flipped = changes({"eve": report(("a.f: x", 0, True))}, {"eve": report(("a.f: x", 0, False))})
    assert summary_line(flipped) == "1 student changed: 0 up, 0 down, 1 with the same total (tests changed)"


def test_a_regrade_under_new_points_writes_changes_csv(tmp_path: Path):
    klass = tmp_path / "class"
    (klass / "right").mkdir(parents=True)
    shutil.copy2(ROOT / "solutions" / "training_loop.py", klass / "right" / "training_loop.py")
    (klass / "no_zero_grad").mkdir()
    shutil.copy2(
        ROOT / "tests" / "corpus" / "mistakes" / "tl_no_zero_grad" / "training_loop.py", klass / "no_zero_grad" / "training_loop.py"
    )
    before, after = tmp_path / "before.toml", tmp_path / "after.toml"
    before.write_text(ONLY_THE_LOOP)
    after.write_text(NEW_POINTS)
    out = tmp_path / "out"

    def grade(course: Path, *extra: str) -> str:
        process = run_cli("grade-class", str(klass), "--out", str(out), "--no-reports", "--workers", "1", "--course", str(course), *extra)
        assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
        return process.stdout

    first = grade(before)
    assert not (out / "changes.csv").exists() and "changed" not in first  # nothing earlier to compare with
    same = grade(before, "--regrade")
    assert "no student changed" in same
    assert (out / "changes.csv").read_text().splitlines() == ["student,old_total,new_total,tests_changed"]
    moved = grade(after, "--regrade")
    assert "2 students changed: 1 up, 1 down" in moved, moved
    rows = {row["student"]: row for row in csv.DictReader((out / "changes.csv").open())}
    # right: 12 + (5 - 2) - 1 = 14; no_zero_grad fails the zeroing test either way and loses the float test's point.
    assert (rows["right"]["old_total"], rows["right"]["new_total"]) == ("12", "14")
    assert rows["right"]["tests_changed"] == f"{STEP_ZEROED} (2 -> 5); {STEP_FLOAT} (1 -> 0)"
    old, new = float(rows["no_zero_grad"]["old_total"]), float(rows["no_zero_grad"]["new_total"])
    assert new == old - 1 and rows["no_zero_grad"]["tests_changed"] == f"{STEP_FLOAT} (1 -> 0)"
    gradebook = {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open())}
    assert {s: float(r["total"]) for s, r in gradebook.items()} == {"right": 14, "no_zero_grad": new}


def test_a_rerun_regrades_exactly_the_submissions_whose_files_changed(tmp_path: Path):
    """Issue 24: a changed file and a zip extracted in place (as collect advises) are graded again by a plain rerun;
    a file only touched is not. Each regrade is one line of output; the others' results are not rewritten."""
    klass, out = tmp_path / "class", tmp_path / "out"
    for student in ("ann", "bob", "cat"):
        (klass / student).mkdir(parents=True)
    shutil.copy2(ROOT / "exercises" / "backprop.py", klass / "ann" / "backprop.py")  # the stubs: 0
    with zipfile.ZipFile(klass / "bob" / "submission.zip", "w") as archive:  # as the student uploaded it
        archive.write(ROOT / "solutions" / "backprop.py", "backprop.py")
    shutil.copy2(ROOT / "solutions" / "backprop.py", klass / "cat" / "backprop.py")

    def grade() -> str:
        process = run_cli("grade-class", str(klass), "--out", str(out), "--no-reports", "--workers", "2", "--part", "backprop")
        assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
        return process.stdout

    def gradebook() -> dict[str, dict[str, str]]:
        return {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open())}

    def written() -> dict[str, int]:
        return {s: (out / s / "report.json").stat().st_mtime_ns for s in ("ann", "bob", "cat")}

    first = grade()
    assert "regraded" not in first
    before, stamps = gradebook(), written()
    full = before["cat"]["total"]
    assert before["ann"]["total"] == "0" and before["bob"]["status"].startswith("not gradable") and float(full) > 0

    (klass / "ann" / "backprop.py").write_text((ROOT / "solutions" / "backprop.py").read_text())  # ann finished her work
    with zipfile.ZipFile(klass / "bob" / "submission.zip") as archive:  # the instructor extracts bob's upload
        archive.extractall(klass / "bob")
    later = (klass / "cat" / "backprop.py").stat().st_mtime + 3600
    os.utime(klass / "cat" / "backprop.py", (later, later))  # touched: the same bytes
    second = grade()
    assert "ann: changed since last grading: regraded" in second and "bob: changed since last grading: regraded" in second
    assert "cat:" not in second and "1 already graded (same files, same course file) were kept" in second, second
    now = written()
    assert now["cat"] == stamps["cat"] and now["ann"] != stamps["ann"] and now["bob"] != stamps["bob"]
    after = gradebook()
    assert [(after[s]["total"], after[s]["status"]) for s in ("ann", "bob", "cat")] == [(full, "graded")] * 3
    assert "2 students changed: 2 up" in second  # changes.csv compares with the results before this run

    third = grade()  # nothing changed since: everyone is kept
    assert "regraded" not in third and "3 already graded" in third and written() == now


def test_why_grade_names_each_reason_to_grade_again():
    graded = {"status": "graded", "course": "c", "content": "f", "tests": []}
    assert why_grade(graded, "c", "f") is None
    assert why_grade(graded, "c", "g") == CHANGED
    assert why_grade(graded, "other", "f") == OTHER_COURSE
    assert why_grade({**graded, "status": "not graded: grading did not finish"}, "c", "f") == WHY_UNFINISHED
    assert why_grade({k: v for k, v in graded.items() if k != "content"}, "c", "f") == NO_FINGERPRINT  # results of an earlier version
    assert why_grade(None, "c", "f") == "" and why_grade({"status": "graded"}, "c", "f") == DAMAGED
