"""Bad input, clear answer (issue 15 point 3): every bad input of the documentation's table
(``docs/reference/bad-input.md``), fed through the real command line.

Each case builds its input in a temporary folder and runs ``python -m autograder ...`` as a user does; it
must print one line on stderr (``error: ...``, no traceback), exit with the table's code, and leave no
output behind. :data:`CASES` is the table: ``test_the_docs_table_lists_every_case`` holds the page's table
to it, so the two cannot drift apart. None of these starts a grader, so the module takes a few seconds.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder import SOLUTIONS_DIR
from autograder.discovery import MAX_FILES, MAX_SOURCE_BYTES
from tests.conftest import ROOT, run_cli

TABLE_PAGE = ROOT / "docs" / "reference" / "bad-input.md"


@dataclass(frozen=True)
class Case:
    """One row of the bad-input table: what is given, the command, a fragment of its one line, the exit code."""

    label: str  # the table's first column, word for word
    build: Callable[[Path], list[str]]  # builds the input under a folder; returns the command line's arguments
    says: str  # a fragment of the one line on stderr (also in the table's message column)
    code: int = 2
    one_line: bool = True  # argparse's own refusals print the usage line first


def _missing(tmp: Path) -> list[str]:
    return ["grade", str(tmp / "nowhere")]


def _empty(tmp: Path) -> list[str]:
    (tmp / "sub").mkdir()
    return ["grade", str(tmp / "sub")]


def _no_exercise(tmp: Path) -> list[str]:
    (tmp / "sub").mkdir()
    (tmp / "sub" / "notes.txt").write_text("my notes")
    (tmp / "sub" / "backprop_v2.py").write_text("x = 1\n")  # not a download copy: not taken (docs: grading day, what is found where)
    return ["grade", str(tmp / "sub")]


def _report_on_a_file(tmp: Path) -> list[str]:
    (tmp / "notes.txt").write_text("my notes")
    return ["grade", str(SOLUTIONS_DIR), "--report", str(tmp / "notes.txt")]


def _json_on_a_folder(tmp: Path) -> list[str]:
    (tmp / "feedback").mkdir()
    return ["grade", str(SOLUTIONS_DIR), "--json", str(tmp / "feedback")]


def _broken_notebook(tmp: Path) -> list[str]:
    (tmp / "training_loop.ipynb").write_text('{"cells": [')
    return ["grade", str(tmp / "training_loop.ipynb")]


def _nbformat3(tmp: Path) -> list[str]:
    old = {"metadata": {}, "nbformat": 3, "nbformat_minor": 0, "worksheets": [{"cells": [{"cell_type": "code", "input": "x = 1"}]}]}
    (tmp / "training_loop.ipynb").write_text(json.dumps(old))
    return ["grade", str(tmp / "training_loop.ipynb")]


def _binary(tmp: Path) -> list[str]:
    (tmp / "sub").mkdir()
    (tmp / "sub" / "backprop.py").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00" * 50)
    return ["grade", str(tmp / "sub" / "backprop.py")]  # in a folder it is no error: its part scores 0 and needs a look


def _latin1(tmp: Path) -> list[str]:
    (tmp / "backprop.py").write_bytes("# la dérivée de la sigmoïde\nimport numpy as np\n".encode("latin-1"))
    return ["grade", str(tmp / "backprop.py")]


def _too_big(tmp: Path) -> list[str]:
    (tmp / "sub").mkdir()
    (tmp / "sub" / "backprop.py").write_text("# padding\n" * (MAX_SOURCE_BYTES // 10 + 10))
    return ["grade", str(tmp / "sub" / "backprop.py")]


def _symlink_out(tmp: Path) -> list[str]:
    (tmp / "elsewhere.py").write_text((SOLUTIONS_DIR / "backprop.py").read_text())
    (tmp / "sub").mkdir()
    (tmp / "sub" / "backprop.py").symlink_to(tmp / "elsewhere.py")
    return ["grade", str(tmp / "sub" / "backprop.py")]


def _many_files(tmp: Path) -> list[str]:
    (tmp / "sub").mkdir()
    (tmp / "sub" / "backprop.py").write_text((SOLUTIONS_DIR / "backprop.py").read_text())
    for index in range(10_000):
        (tmp / "sub" / f"data-{index}.txt").touch()
    return ["grade", str(tmp / "sub")]


def _zip(tmp: Path) -> list[str]:
    with zipfile.ZipFile(tmp / "submission.zip", "w") as archive:
        archive.writestr("backprop.py", (SOLUTIONS_DIR / "backprop.py").read_text())
    return ["grade", str(tmp / "submission.zip")]


def _zip_bomb(tmp: Path) -> list[str]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:  # 8 MB of zeros in about 8 kB
        archive.writestr("jane/backprop.py", b"\0" * (8 * 2**20))
    (tmp / "download.zip").write_bytes(buffer.getvalue())
    return ["collect", str(tmp / "download.zip"), "--from", "folders", "--out", str(tmp / "out")]


def _moodle_teams(tmp: Path) -> list[str]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # downloader.php get_student_prefix: students in no group
        archive.writestr("Default group_assignsubmission_file/backprop.py", b"x = 1\n")
    (tmp / "download.zip").write_bytes(buffer.getvalue())
    return ["collect", str(tmp / "download.zip"), "--from", "moodle", "--out", str(tmp / "out")]


def _class_missing(tmp: Path) -> list[str]:
    return ["grade-class", str(tmp / "nowhere"), "--out", str(tmp / "out")]


def _class_empty(tmp: Path) -> list[str]:
    (tmp / "class").mkdir()
    return ["grade-class", str(tmp / "class"), "--out", str(tmp / "out")]


def _unknown_part(tmp: Path) -> list[str]:
    (tmp / "sub").mkdir()
    return ["grade", str(tmp / "sub"), "--part", "backprob"]


def _class_out_on_a_file(tmp: Path) -> list[str]:
    (tmp / "class" / "ada").mkdir(parents=True)
    (tmp / "class" / "ada" / "backprop.py").write_text("def sigmoid(z):\n    return z\n")
    (tmp / "gradebook.txt").write_text("")
    return ["grade-class", str(tmp / "class"), "--out", str(tmp / "gradebook.txt")]


def _release_on_a_file(tmp: Path) -> list[str]:
    (tmp / "bundle.txt").write_text("")
    return ["release", str(tmp / "bundle.txt")]


def _results_below_a_file(tmp: Path) -> list[str]:
    (tmp / "results.txt").write_text("")
    return ["grade", "solutions", "--results", str(tmp / "results.txt" / "r.json")]


def _ci_results_on_a_folder(tmp: Path) -> list[str]:
    (tmp / "autograding").mkdir()
    return ["ci", "solutions", "--results", str(tmp / "autograding")]


def _no_server(tmp: Path) -> list[str]:
    return ["grade", "solutions", "--server", str(tmp / "nobody.sock")]


def _not_an_address(tmp: Path) -> list[str]:
    (tmp / "class" / "ada").mkdir(parents=True)
    (tmp / "class" / "ada" / "backprop.py").write_text("def sigmoid(z):\n    return z\n")
    return ["grade-class", str(tmp / "class"), "--cluster", "scheduler", "--out", str(tmp / "out")]


def _zero_workers(tmp: Path) -> list[str]:
    (tmp / "class" / "ada").mkdir(parents=True)
    return ["grade-class", str(tmp / "class"), "--workers", "0", "--out", str(tmp / "out")]


def _negative_workers(tmp: Path) -> list[str]:
    (tmp / "class" / "ada").mkdir(parents=True)
    return ["grade-class", str(tmp / "class"), "--workers", "-3", "--out", str(tmp / "out")]


def _export_class(tmp: Path, out_of: str) -> list[str]:
    """A gradebook out of ``out_of`` points with one graded student, and its roster: ``export``'s arguments but ``--to``."""
    (tmp / "gradebook.csv").write_text(f"student,training_loop,total,out_of,status,needs_look\nada,12,12,{out_of},graded,\n")
    (tmp / "roster.csv").write_text("student,path,name,lms,lms_id,submission_id,email,sis_id,late,submitted_at,files\nada,ada/,Ada,moodle,7,,,,,,\n")
    return ["export", str(tmp / "gradebook.csv"), "--roster", str(tmp / "roster.csv"), "--out", str(tmp / "out")]


def _export_other_course(tmp: Path) -> list[str]:
    test = "training_loop.trainer: loss per epoch matches the reference"
    (tmp / "course.toml").write_text(f'[tests."{test}"]\npoints = 8\n')  # 3 + 5: training_loop is worth 17, not the 12 graded
    return [*_export_class(tmp, "12"), "--to", "canvas", "--course", str(tmp / "course.toml")]


def _moodle_not_100(tmp: Path) -> list[str]:
    return [*_export_class(tmp, "12"), "--to", "moodle"]


def _zero_points(tmp: Path) -> list[str]:
    return [*_export_class(tmp, "12"), "--to", "canvas", "--points", "0"]


def _export_out_on_a_folder(tmp: Path) -> list[str]:
    args = _export_class(tmp, "12")
    (tmp / "grades").mkdir()
    return [*args[:-1], str(tmp / "grades"), "--to", "canvas"]


def _export_out_below_a_file(tmp: Path) -> list[str]:
    args = _export_class(tmp, "12")
    (tmp / "canvas.csv").write_text("Student,ID\n")
    return [*args[:-1], str(tmp / "canvas.csv" / "x.csv"), "--to", "canvas"]


def _export_canvas_roster_to_moodle(tmp: Path) -> list[str]:
    args = _export_class(tmp, "100")
    roster = tmp / "roster.csv"
    roster.write_text(roster.read_text().replace(",moodle,", ",canvas,"))
    return [*args, "--to", "moodle"]


CASES = (
    Case("a path that does not exist", _missing, "does not exist"),
    Case("an empty folder", _empty, "holds no exercise file"),
    Case("a folder with no exercise file", _no_exercise, "holds no exercise file"),
    Case("a notebook that is not valid JSON", _broken_notebook, "is not a readable notebook"),
    Case("a notebook of format version 3", _nbformat3, "format version 3"),
    Case("a binary file named backprop.py", _binary, "it is a binary file (a program)"),
    Case("a source file that is not UTF-8", _latin1, "is not UTF-8"),
    Case("a file over the size limit (1 MB)", _too_big, "more than the 1 MB"),
    Case("a symbolic link out of the submission", _symlink_out, "it is a symbolic link"),
    Case("10,000 files", _many_files, f"more than {MAX_FILES} files"),
    Case("a zip file given to grade", _zip, "zips are not graded"),
    Case("a zip bomb given to collect", _zip_bomb, "zip bomb"),
    Case("a Moodle team download without --teams", _moodle_teams, "is a team submission"),
    Case("a class folder that does not exist", _class_missing, "is not a folder"),
    Case("an empty class folder", _class_empty, "holds no submissions"),
    Case("an unknown part after --part", _unknown_part, "invalid choice", one_line=False),
    Case("an existing file after --report", _report_on_a_file, "that is a file, and the report is a folder"),
    Case("an existing folder after --json", _json_on_a_folder, "that is a folder: give a file's name"),
    Case("an existing file after grade-class --out", _class_out_on_a_file, "that is a file, and the output is a folder"),
    Case("an existing file given to release", _release_on_a_file, "that is a file, and the output is a folder"),
    Case("a path below a file after --results", _results_below_a_file, "is a file, so nothing can be written inside it"),
    Case("an existing folder after ci --results", _ci_results_on_a_folder, "that is a folder: give a file's name"),
    Case("a --server socket nobody listens on", _no_server, "no grading service answers there"),
    Case("a --cluster value that is no scheduler's address", _not_an_address, "that is not a Dask scheduler's address"),
    Case("0 after --workers", _zero_workers, "0 workers cannot grade anyone", one_line=False),
    Case("a negative number after --workers", _negative_workers, "-3 workers cannot grade anyone", one_line=False),
    Case("a course file that disagrees with the gradebook's maximum", _export_other_course, "was graded out of 12 points, but the course file"),
    Case("a Moodle export of a gradebook not out of 100", _moodle_not_100, "give --points with the assignment's maximum grade"),
    Case("0 after --points", _zero_points, "0 points cannot hold a grade", one_line=False),
    Case("an existing folder after export --out", _export_out_on_a_folder, "that is a folder: give a file's name"),
    Case("a path below a file after export --out", _export_out_below_a_file, "is a file, so nothing can be written inside it"),
    Case("a roster without Moodle participant ids given to a Moodle export", _export_canvas_roster_to_moodle, "holds no Moodle participant id"),
)


@pytest.mark.parametrize("case", CASES, ids=[case.label for case in CASES])
def test_bad_input_is_one_line_and_its_exit_code(case: Case, tmp_path: Path) -> None:
    process = run_cli(*case.build(tmp_path), timeout=120)
    lines = [line for line in process.stderr.splitlines() if line.strip()]
    assert process.returncode == case.code, (process.returncode, process.stderr[-2000:])
    assert "Traceback" not in process.stderr + process.stdout
    assert case.says in lines[-1], lines
    assert len(lines) == 1 if case.one_line else lines[0].startswith("usage:"), lines
    assert lines[-1].startswith(("error:", "python -m autograder")), lines  # ours, or argparse's own for a wrong option
    assert not (tmp_path / "out").exists()  # nothing written: no output folder, no header-only gradebook


def _table_rows() -> dict[str, list[str]]:
    """The bad-input page's table, by its first column: every Markdown table row of four cells but the rule."""
    rows = {}
    for line in TABLE_PAGE.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 4 and not set(cells[0]) <= {"-", " "}:
            rows[cells[0]] = cells
    return rows


def test_the_docs_table_lists_every_case() -> None:
    rows = _table_rows()
    assert set(rows) - {"input"} == {case.label for case in CASES}
    for case in CASES:
        _, command, message, code = rows[case.label]
        assert re.fullmatch(r"\d", code) and int(code) == case.code, case.label
        assert case.says in message.replace("`", ""), (case.label, message)
        assert command.strip("`").split()[0] in {"grade", "grade-class", "collect", "release", "export", "ci"}, case.label
