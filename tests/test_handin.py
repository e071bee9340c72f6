"""Grade what was handed in, wherever it is (issue 15 points 1 and 2).

Each layout a student hands in is built from ``solutions/`` in a temporary folder: the repository or
bundle inside (one and two levels down), case and download-copy names, a partial folder, a notebook
matched by the functions it defines, an ambiguous pair. Discovery is checked on each directly (no
grader, instant); then one ``grade --part`` and one small ``grade-class --part`` run the real command
line on the layouts that matter for the verdicts, the messages, the files written and the exit code.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from autograder import SOLUTIONS_DIR
from autograder.course.config import Course
from autograder.discovery import discover
from autograder.errors import InputError
from autograder.graders.catalog import part_points
from autograder.judge.results import NOT_HANDED_IN, GradeReport, gradescope_json, junit_xml, render_table
from autograder.judge.results import TestResult as Result
from autograder.reports.render import html_report, markdown_report
from tests.conftest import run_cli


def _solution(name: str) -> str:
    return (SOLUTIONS_DIR / f"{name}.py").read_text()


def _put(folder: Path, relative: str, text: str) -> Path:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _notebook(path: Path, cells: list[str], metadata: dict | None = None) -> Path:
    """A version-4 notebook with these code cells (no part named in its metadata unless given)."""
    code = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": c} for c in cells]
    path.write_text(json.dumps({"cells": code, "metadata": metadata or {}, "nbformat": 4, "nbformat_minor": 5}))
    return path


# -- discovery, layout by layout


def test_repository_inside_one_level_down(tmp_path: Path) -> None:
    _put(tmp_path, "repo-main/exercises/training_loop.py", _solution("training_loop"))
    _put(tmp_path, "repo-main/README.md", "the bundle's README")
    _put(tmp_path, "repo-main/autograder/parts/training_loop/public/checks.py", "# the bundle's own checks: never a submission")
    found = discover(tmp_path)
    assert found.where == {"training_loop": "repo-main/exercises/training_loop.py"}
    assert found.modules["training_loop"] == ("file", "repo-main/exercises/training_loop.py")


def test_bundle_inside_two_levels_down_with_its_notebooks(tmp_path: Path) -> None:
    _put(tmp_path, "student/repo-main/exercises/backprop.py", _solution("backprop"))
    stub = (Path(__file__).parents[1] / "notebooks" / "plain" / "validation.ipynb").read_text()
    _put(tmp_path, "student/repo-main/notebooks/plain/validation.ipynb", stub)
    found = discover(tmp_path)
    assert found.where == {
        "backprop": "student/repo-main/exercises/backprop.py",
        "validation": "student/repo-main/notebooks/plain/validation.ipynb",
    }
    assert found.modules["validation"][0] == "notebook"


def test_case_and_download_copy_names_are_taken_and_looser_ones_are_not(tmp_path: Path) -> None:
    _put(tmp_path, "Backprop.py", _solution("backprop"))
    _put(tmp_path, "training_loop (1).py", _solution("training_loop"))
    _put(tmp_path, "validation-2.py", _solution("validation"))
    _put(tmp_path, "early_stopping(3).py", _solution("early_stopping"))
    _put(tmp_path, "regularization_v2.py", _solution("regularization"))  # a name of the student's own: not guessed
    _put(tmp_path, "my_putting_it_together.py", _solution("putting_it_together"))
    found = discover(tmp_path)
    assert found.where == {
        "backprop": "Backprop.py",
        "training_loop": "training_loop (1).py",
        "validation": "validation-2.py",
        "early_stopping": "early_stopping(3).py",
    }
    assert found.notes == []


def test_the_exact_name_then_the_latest_copy_wins_and_a_note_says_so(tmp_path: Path) -> None:
    _put(tmp_path, "backprop.py", _solution("backprop"))
    _put(tmp_path, "backprop (1).py", "raise SystemExit")
    _put(tmp_path, "validation (1).py", "raise SystemExit")
    _put(tmp_path, "validation (2).py", _solution("validation"))
    found = discover(tmp_path)
    assert found.where == {"backprop": "backprop.py", "validation": "validation (2).py"}
    assert found.modules["backprop"] == ("file", None)
    assert found.notes == [
        "backprop: took backprop.py (nearest the top, then the best name), not backprop (1).py",
        "validation: took validation (2).py (nearest the top, then the best name), not validation (1).py",
    ]


def test_an_ambiguous_pair_is_one_line_and_the_part_is_not_graded(tmp_path: Path) -> None:
    _put(tmp_path, "copy-a/exercises/backprop.py", _solution("backprop"))
    _put(tmp_path, "copy-b/exercises/backprop.py", _solution("backprop"))
    _put(tmp_path, "training_loop.py", _solution("training_loop"))
    found = discover(tmp_path)
    assert sorted(found.modules) == ["training_loop"]
    assert found.notes == [
        "backprop: not graded, 2 files could be it (copy-a/exercises/backprop.py, copy-b/exercises/backprop.py): keep only one and grade again"
    ]


def test_a_partial_notebook_is_matched_by_the_functions_it_defines(tmp_path: Path) -> None:
    notebook = _notebook(tmp_path / "homework.ipynb", ["import torch", _solution("training_loop")])
    found = discover(notebook)
    assert sorted(found.modules) == ["training_loop"] and found.where == {"training_loop": "homework.ipynb"}
    # validation's trainer has other parameters: one `trainer` is one part, never several
    assert "validation" not in found.modules and "early_stopping" not in found.modules


def test_a_notebook_without_any_part_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot tell which part this notebook is"):
        discover(_notebook(tmp_path / "homework.ipynb", ["x = 1"]))


# -- what a reader sees of a part not handed in


def _partial_report() -> GradeReport:
    missing = [Result(f"backprop.sigmoid: case {i}", 0.0, 2.0, False, NOT_HANDED_IN, handed_in=False) for i in range(3)]
    done = [Result("training_loop.train_step: one step", 2.0, 2.0, True, hidden=False)]
    return GradeReport(missing + done, found={"training_loop": "repo/exercises/training_loop.py"})


def test_every_renderer_collapses_a_part_not_handed_in_into_one_line() -> None:
    report = _partial_report()
    assert report.not_handed_in == ["backprop"] and (report.score, report.max_score) == (2.0, 8.0)
    table = render_table(report)
    assert table.count("not handed in") == 1 and "case 1" not in table
    assert "training_loop: graded from repo/exercises/training_loop.py" in table
    gradescope = gradescope_json(report)["tests"]
    assert [(t["name"], t["score"], t["max_score"]) for t in gradescope] == [
        ("backprop: not handed in", 0.0, 6.0),
        ("training_loop.train_step: one step", 2.0, 2.0),
    ]
    assert junit_xml(report).count("<testcase") == 2
    html, (markdown, _) = html_report(report, "ann"), markdown_report(report, "ann")
    assert html.count("backprop: not handed in") == 1 and "case 1" not in html
    assert markdown.count("backprop: not handed in") == 1 and "case 1" not in markdown
    data = report.to_dict()
    assert data["not_handed_in"] == ["backprop"] and data["found"] == report.found
    assert [t["handed_in"] for t in data["tests"]] == [False, False, False, True]
    assert GradeReport.from_dict(data) == report


# -- the real command line


def test_grade_with_part_on_a_nested_submission_and_an_ambiguous_pair(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    _put(sub, "student/repo-main/exercises/Training_Loop (1).py", _solution("training_loop"))
    _put(sub, "a/validation.py", _solution("validation"))
    _put(sub, "b/validation.py", _solution("validation"))
    _put(sub, "backprop.py", _solution("backprop"))  # handed in, but not asked for: it must not appear
    results, report_json = tmp_path / "results.json", tmp_path / "report.json"
    process = run_cli("grade", str(sub), "--part", "training_loop", "validation", "--results", str(results), "--json", str(report_json))
    assert process.returncode == 0, process.stderr[-3000:]
    assert "Traceback" not in process.stderr and "is not in your submission" not in process.stdout
    assert process.stdout.count("validation: not handed in") == 1
    assert "training_loop: graded from student/repo-main/exercises/Training_Loop (1).py" in process.stdout
    assert "validation: not graded, 2 files could be it (a/validation.py, b/validation.py)" in process.stdout
    data = json.loads(report_json.read_text())
    assert data["not_handed_in"] == ["validation"]
    assert data["found"] == {"training_loop": "student/repo-main/exercises/Training_Loop (1).py"}
    tests = data["tests"]
    assert {t["name"].partition(".")[0] for t in tests} == {"training_loop", "validation"}  # --part: no backprop
    for test in tests:
        handed_in = test["name"].startswith("training_loop.")
        assert test["handed_in"] is handed_in
        assert (test["message"] == NOT_HANDED_IN and test["points"] == 0) if not handed_in else test["passed"]
    # --part scales nothing: each test keeps its points, the maximum is the two parts' own
    assert sum(t["max_points"] for t in tests) == part_points("training_loop", Course()) + part_points("validation", Course())
    gradescope = json.loads(results.read_text())
    lines = [t for t in gradescope["tests"] if t["name"].startswith("validation")]
    assert [(t["name"], t["score"], t["max_score"]) for t in lines] == [("validation: not handed in", 0, part_points("validation", Course()))]
    assert gradescope["score"] == part_points("training_loop", Course())


def test_grade_class_with_part_gives_each_layout_its_status(tmp_path: Path) -> None:
    klass = tmp_path / "class"
    _put(klass, "full/training_loop.py", _solution("training_loop"))
    _put(klass, "full/validation.py", _solution("validation"))
    _put(klass, "nested/student/repo-main/exercises/validation.py", _solution("validation"))
    _notebook(klass / "nb_student.ipynb", [_solution("training_loop")])
    (klass / "empty").mkdir()
    out = tmp_path / "out"
    process = run_cli(
        "grade-class", str(klass), "--out", str(out), "--part", "training_loop", "validation", "--no-reports", "--workers", "1"
    )
    assert process.returncode == 0, process.stderr[-3000:]
    with (out / "gradebook.csv").open() as stream:
        reader = csv.DictReader(stream)
        rows = {row["student"]: row for row in reader}
        assert reader.fieldnames == ["student", "training_loop", "validation", "total", "out_of", "status", "needs_look"]
    assert {row["out_of"] for row in rows.values()} == {"24"}  # the two parts' 12 + 12: what export gives the LMS
    assert rows["full"]["status"] == "graded"
    assert rows["nested"]["status"] == "graded, not handed in: training_loop"
    assert rows["nb_student"]["status"] == "graded, not handed in: validation"
    assert rows["empty"]["status"].startswith("not gradable:") and "holds no exercise file" in rows["empty"]["status"]
    assert float(rows["nested"]["validation"]) == part_points("validation", Course()) and float(rows["nested"]["training_loop"]) == 0
    nested = json.loads((out / "nested" / "report.json").read_text())
    assert nested["not_handed_in"] == ["training_loop"]
    assert nested["found"] == {"validation": "student/repo-main/exercises/validation.py"}
    notebook = json.loads((out / "nb_student" / "report.json").read_text())
    assert notebook["not_handed_in"] == ["validation"] and notebook["found"] == {"training_loop": "nb_student.ipynb"}
    assert "2 handed in only some parts:" in process.stdout and "nested: not handed in: training_loop" in process.stdout
