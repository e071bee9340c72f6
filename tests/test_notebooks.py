"""The generated notebooks (issue 5): in sync with solutions/, valid, leak-free, laid out as each
platform expects, and graded by our own grader on what they define."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re

import nbformat
import pytest

from autograder import SOLUTIONS_DIR
from autograder.api import GRADED_MODULES, STUDENT_API
from autograder.course.config import Course
from autograder.graders.catalog import graded_tests, part_points
from autograder.platforms.nbgrader_export import nbgrader_notebook
from autograder.platforms.notebook_builder import guarded, part_cells, plain_notebook
from autograder.platforms.otter_export import otter_master
from autograder.platforms.sync import NOTEBOOKS_DIR, sync
from autograder.stubs import make_stub
from tests.conftest import run_cli
from tests.notebook_work import fill, write


def source(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


GENERIC = {
    "with torch.no_grad():",
    "optimizer.zero_grad()",
    "optimizer.step()",
    "model.train()",
    "model.eval()",
}  # the chapter shows these too


def solution_lines() -> set[str]:
    """Every line of solution code (inside the fences, stripped) that the stubs do not also have."""
    lines = set()
    for path in SOLUTIONS_DIR.glob("*.py"):
        stub = {line.strip() for line in make_stub(path.read_text()).splitlines()}
        inside = False
        for line in path.read_text().splitlines():
            if "### BEGIN SOLUTION" in line:
                inside = True
            elif "### END SOLUTION" in line:
                inside = False
            elif inside and line.strip() not in stub and len(line.strip()) >= 16 and line.strip() not in GENERIC:
                lines.add(line.strip())
    return lines


def leaked_lines(text: str) -> list[str]:
    """Solution lines that appear, whole, among the lines of ``text``."""
    return sorted(solution_lines() & {line.strip() for line in text.splitlines()})


def test_checked_in_notebooks_are_generated_from_solutions_and_graders():
    stale = sync(Course(), NOTEBOOKS_DIR, check=True)
    assert stale == [], f"notebooks/ is out of date for {stale}: run python -m autograder notebooks"


def test_every_notebook_is_valid_and_names_its_part():
    paths = sorted(NOTEBOOKS_DIR.rglob("*.ipynb"))
    assert len(paths) == 3 * len(GRADED_MODULES)
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        assert notebook.metadata["autograder"]["module"] == path.stem
        assert notebook.metadata["kernelspec"]["name"] == "python3"
        assert all(cell.get("outputs", []) == [] for cell in notebook.cells), f"{path} holds outputs"


@pytest.mark.parametrize("part", GRADED_MODULES)
def test_plain_notebooks_hold_no_solution_and_no_grading(part):
    notebook = plain_notebook(part)
    text = "\n".join(source(cell) for cell in notebook["cells"])
    assert leaked_lines(text) == []
    for word in ("BEGIN SOLUTION", "HIDDEN", "otter", "nbgrader"):
        assert word not in text
    # the one mention of the package: the public checks' check() and hint() (autograder.notebook_checks)
    mentions = [cell["id"] for cell in notebook["cells"] if "autograder" in source(cell) and cell["cell_type"] == "code"]
    setup = next(cell for cell in notebook["cells"] if cell["id"] == "checks-setup")
    assert mentions == ["checks-setup"] and "from autograder.notebook_checks import checks_for" in source(setup)
    stubs = [cell for cell in notebook["cells"] if cell["cell_type"] == "code" and "raise NotImplementedError()" in source(cell)]
    assert {re.search(r"def (\w+)\(", source(cell)).group(1) for cell in stubs} == set(STUDENT_API[part])


@pytest.mark.parametrize("part", GRADED_MODULES)
def test_nbgrader_notebook_has_one_test_cell_per_graded_behaviour(part):
    cells = nbgrader_notebook(part, Course())["cells"]
    meta = [cell["metadata"]["nbgrader"] for cell in cells]
    assert len({m["grade_id"] for m in meta}) == len(cells) and all(m["schema_version"] == 3 for m in meta)
    tests = [cell for cell in cells if cell["metadata"]["nbgrader"]["grade"]]
    expected = graded_tests(part, Course())
    assert [cell["metadata"]["nbgrader"]["points"] for cell in tests] == [test.points for test in expected]
    assert sum(cell["metadata"]["nbgrader"]["points"] for cell in tests) == part_points(part, Course())
    for index, (cell, test) in enumerate(zip(tests, expected)):
        hidden = source(cell).split("### BEGIN HIDDEN TESTS\n")[1].split("### END HIDDEN TESTS")[0]
        assert json.dumps(test.name) in hidden and "from autograder.platforms.kernel import check" in hidden
        assert ("fresh=True" in hidden) == (index == 0)
        assert cell["metadata"]["nbgrader"]["locked"] and not cell["metadata"]["nbgrader"]["solution"]
    solutions = [cell for cell in cells if cell["metadata"]["nbgrader"]["solution"]]
    assert all("### BEGIN SOLUTION" in source(cell) and not cell["metadata"]["nbgrader"]["locked"] for cell in solutions)
    assert sum(len(re.findall(r"^def \w+\(", source(cell), re.M)) for cell in solutions) == len(STUDENT_API[part])
    others = [m for m in meta if not m["solution"] and not m["grade"]]
    assert all(m["locked"] for m in others)


@pytest.mark.parametrize("part", GRADED_MODULES)
def test_otter_master_has_a_question_per_function_with_the_graders_points(part):
    from otter.assign.solutions import replace_solutions

    cells = otter_master(part, Course())["cells"]
    assert source(cells[0]).startswith("# ASSIGNMENT CONFIG") and cells[0]["cell_type"] == "raw"
    questions = [re.search(r"name: (\w+)", source(c)).group(1) for c in cells if source(c).startswith("# BEGIN QUESTION")]
    assert questions == list(STUDENT_API[part])
    tests = [source(c) for c in cells if c["cell_type"] == "code" and source(c).startswith('""" # BEGIN TEST CONFIG')]
    hidden = [text for text in tests if "hidden: true" in text]
    expected = graded_tests(part, Course())
    assert [float(re.search(r"points: ([\d.]+)", text).group(1)) for text in hidden] == [test.points for test in expected]
    assert all(json.dumps(test.name) in text for text, test in zip(hidden, expected))
    public = [text for text in tests if "hidden: false" in text]
    assert len(public) == len(questions) and all("points: 0" in text for text in public)
    # otter's own solution stripping leaves exactly our stub in the student's notebook
    for cell in part_cells(part):
        if cell.role == "solution":
            master = next(source(c) for c in cells if c.get("id") == cell.key)
            student = "\n".join(replace_solutions(master.split("\n"), "python"))
            assert student == make_stub(cell.source + "\n").rstrip("\n")


def _run_cells(part: str, stubs: bool) -> list[str]:
    """Run the notebook's code in this process (checks included, demos too for the solution); the checks that failed."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    namespace: dict = {"__name__": "__main__"}
    failed = []
    for cell in part_cells(part):
        code = make_stub(cell.source + "\n") if cell.role == "solution" and stubs else cell.source
        if cell.role == "markdown" or (cell.role == "demo" and stubs):
            continue
        if cell.role in ("check", "demo"):
            code = guarded(code)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(code, cell.key, "exec"), namespace)
        except (AssertionError, NotImplementedError, TypeError):
            assert cell.role == "check", f"{part}: {cell.key} failed"
            failed.append(cell.key)
    return failed


@pytest.mark.parametrize("part", GRADED_MODULES)
def test_checks_and_demos_run_on_the_solution_and_checks_fail_on_the_stubs(part):
    import matplotlib.pyplot as plt

    plt.show = lambda *args, **kwargs: plt.close("all")
    assert _run_cells(part, stubs=False) == []
    checks = [cell.key for cell in part_cells(part) if cell.role == "check"]
    assert checks and _run_cells(part, stubs=True) == checks


def test_a_notebook_is_graded_on_what_it_defines(tmp_path):
    """Raising cells, reordered cells, deleted cells and platform cells: graded on the functions it defines."""
    part = "training_loop"
    solved = fill(plain_notebook(part), part)
    cells = solved["cells"]
    code = {cell["id"]: cell for cell in cells}
    broken = dict(solved, cells=[{**code["provided-imports"], "id": "boom", "source": "raise RuntimeError('boom')"}, *cells])
    reordered = dict(solved, cells=list(reversed(cells)))
    partial = dict(solved, cells=[cell for cell in cells if cell["id"] != "solution-trainer"])
    otter_cells = [
        {**code["provided-imports"], "id": "otter-init", "source": 'import otter\ngrader = otter.Notebook("training_loop.ipynb")'},
        {**code["provided-imports"], "id": "otter-check", "source": 'grader.check("train_step")'},
        {**code["provided-imports"], "id": "kernel-test", "source": "from autograder.platforms.kernel import check\ncheck('x', 'y')"},
    ]
    platform = dict(solved, cells=[*otter_cells, *cells])
    klass = tmp_path / "class"
    for name, notebook in {"solved": solved, "broken": broken, "reordered": reordered, "partial": partial, "platform": platform}.items():
        write(klass / f"{name}.ipynb", notebook)
    write(klass / "untouched.ipynb", plain_notebook(part))
    process = run_cli("grade-class", str(klass), "--out", str(tmp_path / "out"), "--no-reports", "--workers", "1")
    assert process.returncode == 0, process.stderr[-2000:]
    rows = {row["student"]: row for row in csv.DictReader((tmp_path / "out" / "gradebook.csv").open())}
    full = part_points(part, Course())
    train_step_only = sum(test.points for test in graded_tests(part, Course()) if test.target == "train_step")
    totals = {name: float(row["total"]) for name, row in rows.items()}
    assert totals == {"solved": full, "broken": full, "reordered": full, "platform": full, "partial": train_step_only, "untouched": 0}
