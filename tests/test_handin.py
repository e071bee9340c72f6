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
import os
import py_compile
import shutil
import subprocess
import sys
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
from tests.conftest import ROOT, run_cli


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


# -- files that cannot be loaded: handed in, 0 for their part, and a look with the reason (issue 24)

_BACKPROP_POINTS = part_points("backprop", Course())


def _odd_backprop(klass: Path) -> dict[str, str | None]:
    """One student per kind of file a backprop.py can be, each beside a right validation.py; student -> the reason their
    needs_look must give (None: graded as any right file, no look)."""
    source = _solution("backprop")
    lines = source.splitlines(keepends=True)
    compiled = klass.parent / "backprop.pyc"
    py_compile.compile(str(SOLUTIONS_DIR / "backprop.py"), cfile=str(compiled), doraise=True)
    files = {
        "png": (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)), "it is a binary file (a PNG image), not Python source"),
        "pyc": (compiled.read_bytes(), "it is a binary file (compiled Python (a .pyc file))"),
        # a student on Windows: cp1252's curly quotes in a comment on line 3
        "cp1252": (
            ("".join(lines[:2]) + "# \u201cquote\u201d\n" + "".join(lines[2:])).encode("cp1252"),
            "it is not UTF-8 text (byte 0x93 at line 3)",
        ),
        # Latin-1 on line 1, where Python looks for a coding line
        "latin1": (("# la d\u00e9riv\u00e9e\n" + source).encode("latin-1"), "it is not UTF-8 text (byte 0xe9 at line 1)"),
        "bom": (b"\xef\xbb\xbf" + source.encode(), None),
        "crlf": (source.replace("\n", "\r\n").encode(), None),
        "syntax": (source.replace("def sigmoid(", "def sigmoid((", 1).encode(), "SyntaxError"),
        "empty": (b"", "it is empty: hand in the file with your code"),
    }
    expected = {}
    for student, (data, reason) in files.items():
        (klass / student).mkdir(parents=True)
        (klass / student / "backprop.py").write_bytes(data)
        (klass / student / "validation.py").write_text(_solution("validation"))
        expected[student] = reason
    return expected


def test_files_that_cannot_be_loaded_need_a_look_with_their_reason_and_are_not_missing(tmp_path: Path) -> None:
    klass, out = tmp_path / "class", tmp_path / "out"
    expected = _odd_backprop(klass)
    process = run_cli("grade-class", str(klass), "--out", str(out), "--part", "backprop", "validation", "--workers", "2")
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    with (out / "gradebook.csv").open() as stream:
        rows = {row["student"]: row for row in csv.DictReader(stream)}
    looks = process.stdout.partition(" need a look:\n")[2]  # the summary's block, the class overview's own list
    for student, reason in expected.items():
        row, report = rows[student], json.loads((out / student / "report.json").read_text())
        assert row["status"] == "graded", (student, row)  # never "not handed in", never "not gradable"
        assert report["not_handed_in"] == [] and report["found"]["backprop"] == "backprop.py", student
        assert float(row["validation"]) == part_points("validation", Course()), student
        if reason is None:  # a UTF-8 BOM and CRLF line endings are Python source like any other
            assert float(row["backprop"]) == _BACKPROP_POINTS and row["needs_look"] == "" and f"  {student}:" not in looks
            continue
        assert float(row["backprop"]) == 0, student  # no grade invented for a file that cannot be loaded
        assert row["needs_look"].startswith("backprop: backprop.py could not be loaded: ") and reason in row["needs_look"], row
        assert f"  {student}: " in looks and reason in looks.partition(f"  {student}: ")[2].splitlines()[0], looks
        assert report["load_errors"]["backprop"][0].startswith("backprop.py could not be loaded")
        assert all(
            t["message"].startswith("not graded: backprop.py could not be loaded")
            for t in report["tests"]
            if t["name"].startswith("backprop")
        )
    assert "save it as UTF-8" in rows["cp1252"]["needs_look"]  # what to do, in the reason itself
    assert "line 33" in rows["syntax"]["needs_look"]
    page = (out / "index.html").read_text().partition('<h2 id="look">')[2].partition("</table>")[0]  # the dashboard's list
    odd = [student for student, reason in expected.items() if reason]
    assert page.startswith(f"Needs a look ({len(odd)})</h2>"), page[:200]
    for student in odd:
        line = page.partition(f'<a href="{student}/report.html">')[2].partition("</tr>")[0]
        assert expected[student] in line, (student, line)


def test_a_file_the_grader_cannot_read_needs_a_look(tmp_path: Path) -> None:
    """chmod 000: an ordinary user cannot read it. Root reads any file, so as root grade-class runs without the
    capabilities that let it (setpriv drops CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH), as an ordinary user would;
    the student holds only that file, so no sandboxed child (which needs them) loads anything."""
    klass, out = tmp_path / "class", tmp_path / "out"
    _put(klass, "locked/backprop.py", _solution("backprop")).chmod(0)
    command = ["grade-class", str(klass), "--out", str(out), "--part", "backprop", "--no-reports", "--workers", "1"]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root, which reads a chmod 000 file, and setpriv (util-linux) is not here to drop that")
        process = subprocess.run(
            ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", sys.executable, "-m", "autograder", *command],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
    else:
        process = run_cli(*command)
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    row = next(csv.DictReader((out / "gradebook.csv").open()))
    assert (row["status"], row["backprop"]) == ("graded", "0"), row
    assert row["needs_look"] == (
        "backprop: backprop.py could not be loaded: it cannot be read (permission denied): make it readable (chmod a+r) and grade again"
    )
    assert "  locked: " in process.stdout.partition(" need a look:\n")[2]


def test_a_file_that_cannot_be_source_is_the_part_only_when_nothing_else_gives_it(tmp_path: Path) -> None:
    (tmp_path / "alone").mkdir()
    (tmp_path / "alone" / "backprop.py").write_bytes("# \u201cquote\u201d\n".encode("cp1252"))
    found = discover(tmp_path / "alone")  # not "holds no exercise file": the part was handed in
    assert found.modules == {} and found.where == {"backprop": "backprop.py"} and found.notes == []
    assert found.unloadable["backprop"].startswith("it is not UTF-8 text (byte 0x93 at line 1)")
    _put(tmp_path, "beside/backprop.py", "")  # empty, nearest the top, and a right one in exercises/
    _put(tmp_path, "beside/exercises/backprop.py", _solution("backprop"))
    found = discover(tmp_path / "beside")
    assert found.where == {"backprop": "exercises/backprop.py"} and found.unloadable == {}
    assert found.notes == ["skipped backprop.py: it is empty: hand in the file with your code"]
    _put(tmp_path, "notebook/backprop.py", "").write_bytes(b"\x89PNG\r\n\x1a\n\0\0")  # a notebook gives the part instead
    _notebook(tmp_path / "notebook" / "backprop.ipynb", [_solution("backprop")])
    found = discover(tmp_path / "notebook")
    assert found.where["backprop"] == "backprop.ipynb" and found.unloadable == {}
    assert found.notes == ["skipped backprop.py: it is a binary file (a PNG image), not Python source: hand in the .py file your editor saved"]


def test_the_students_check_says_why_a_file_cannot_load_not_that_it_is_missing(tmp_path: Path) -> None:
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "backprop.py").write_bytes(("# \u201cquote\u201d\n" + _solution("backprop")).encode("cp1252"))
    process = run_cli("check", str(tmp_path / "work"), "backprop", timeout=300)
    said = " ".join(process.stdout.split())  # the table wraps its lines
    assert "backprop.py could not be loaded: it is not UTF-8 text (byte 0x93 at line 1)" in said, process.stdout + process.stderr
    assert "save it as UTF-8" in said and "its file is not there" not in said
