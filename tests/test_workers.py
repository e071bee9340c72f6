"""Grading a class with warm workers: resumable after kill -9, robust to a hanging submission, deterministic."""

from __future__ import annotations

import csv
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT, run_cli

EXAMPLES = ROOT / "examples" / "submissions"


def gradebook(out: Path) -> dict[str, dict]:
    return {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open())}


def student_files(out: Path) -> dict[str, str]:
    """Every student's results.json, without the run time (which differs between runs)."""
    files = {}
    for path in sorted(out.glob("*/results.json")):
        data = json.loads(path.read_text())
        data.pop("execution_time", None)
        files[path.parent.name] = json.dumps(data, sort_keys=True)
    return files


def make_class(tmp_path: Path, names: list[str]) -> Path:
    klass = tmp_path / "class"
    for name in names:
        shutil.copytree(EXAMPLES / name, klass / name)
    return klass


def test_one_and_two_workers_give_identical_results(tmp_path):
    klass = make_class(tmp_path, ["ada_all_right", "cleo_typical_mistakes", "dan_untouched", "ben_partly_done"])
    one, two = tmp_path / "one", tmp_path / "two"
    assert run_cli("grade-class", str(klass), "--out", str(one), "--workers", "1").returncode == 0
    assert run_cli("grade-class", str(klass), "--out", str(two), "--workers", "2").returncode == 0
    assert (one / "gradebook.csv").read_text() == (two / "gradebook.csv").read_text()
    assert student_files(one) == student_files(two) and len(student_files(one)) == 4


def test_kill_minus_nine_loses_nothing_already_graded(tmp_path):
    names = ["ada_all_right", "ben_partly_done", "cleo_typical_mistakes", "dan_untouched", "eve_syntax_error_and_endless_loop"]
    klass = make_class(tmp_path, names)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "autograder", "grade-class", str(klass), "--out", str(out), "--workers", "1"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not (out / "gradebook.csv").exists() or len(gradebook(out)) < 2):
        time.sleep(0.2)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    graded_before = gradebook(out)
    assert 2 <= len(graded_before) < len(names)
    stamps = {name: (out / name / "report.json").stat().st_mtime_ns for name in graded_before}
    time.sleep(2)  # let the orphaned worker die with its parent (PR_SET_PDEATHSIG) before the rerun
    assert run_cli("grade-class", str(klass), "--out", str(out)).returncode == 0
    after = gradebook(out)
    assert sorted(after) == sorted(names)
    for name, row in graded_before.items():
        assert after[name] == row
        assert (out / name / "report.json").stat().st_mtime_ns == stamps[name], f"{name} was graded again"
    expected = {name: json.loads((EXAMPLES / name / "expected.json").read_text())["total"] for name in names}
    assert {name: float(row["total"]) for name, row in after.items()} == expected


def test_a_hanging_submission_does_not_hold_up_the_others(tmp_path):
    klass = make_class(tmp_path, ["ada_all_right", "cleo_typical_mistakes", "dan_untouched"])
    hanger = klass / "aaa_hangs_on_import"
    shutil.copytree(EXAMPLES / "ada_all_right", hanger)
    for name in ("backprop.py", "training_loop.py"):
        path = hanger / name
        path.write_text(path.read_text() + "\nimport time\n\nwhile True:  # a training run left at the top level\n    time.sleep(1)\n")
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "autograder", "grade-class", str(klass), "--out", str(tmp_path / "out"), "--workers", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    finished = {}
    for line in process.stdout:
        name = line.split()[0] if line.strip() else ""
        if name in {"aaa_hangs_on_import", "ada_all_right", "cleo_typical_mistakes", "dan_untouched"}:
            finished[name] = time.monotonic() - started
    assert process.wait() == 0
    # The hanging student (two imports of 20 s each, in part 1's child and the torch parts', which start side by
    # side) is graded first; the other three finish on the second worker well before it is done.
    assert finished["aaa_hangs_on_import"] > 20
    assert max(finished[n] for n in ("ada_all_right", "cleo_typical_mistakes", "dan_untouched")) < finished["aaa_hangs_on_import"]
    rows = gradebook(tmp_path / "out")
    assert float(rows["aaa_hangs_on_import"]["total"]) == 100 - 30 - 12
    assert float(rows["ada_all_right"]["total"]) == 100


def test_the_gradebook_is_rewritten_at_most_once_a_second_and_holds_every_row_at_the_end(tmp_path, monkeypatch):
    """issue 25: a class of tens of thousands spent hours rewriting the whole gradebook after every result; it is now
    rewritten at most once a second while results arrive, and once at the end (each student's own files come first)."""
    from autograder import gradebook as book
    from autograder.course.config import Course

    names = ["ada_all_right", "ben_partly_done", "cleo_typical_mistakes", "dan_untouched"]
    klass = make_class(tmp_path, names)
    for index in range(6):  # ten small submissions: more results than seconds
        shutil.copytree(EXAMPLES / "dan_untouched", klass / f"copy_{index}")
    writes: list[float] = []
    real = book.write_atomic

    def counted(path: Path, text: str) -> None:
        if path.name == book.GRADEBOOK_NAME:
            writes.append(time.monotonic())
        real(path, text)

    monkeypatch.setattr(book, "write_atomic", counted)
    out = tmp_path / "out"
    started = time.monotonic()
    rows = book.grade_class(klass, out, Course(), workers=2, reports=False)
    seconds = time.monotonic() - started
    assert len(rows) == 10
    # the zeros written first, one per second at most while results arrive, the last one
    assert len(writes) <= 2 + int(seconds / book.GRADEBOOK_EVERY_S) + 1, (len(writes), seconds)
    between = [later - earlier for earlier, later in itertools.pairwise(writes[:-1])]  # the last one comes at the end
    assert all(gap >= book.GRADEBOOK_EVERY_S * 0.99 for gap in between), between
    final = gradebook(out)
    assert sorted(final) == sorted([*names, *(f"copy_{index}" for index in range(6))])
    expected = {name: json.loads((EXAMPLES / name / "expected.json").read_text())["total"] for name in names}
    assert {name: float(final[name]["total"]) for name in names} == expected
