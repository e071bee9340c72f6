"""An nbgrader course directory: ``source/<part>/<part>.ipynb`` for every part, and ``nbgrader_config.py``.

Cell metadata follows nbgrader's schema 3. Markdown, provided code, checks and demos are locked
(read-only, restored by ``nbgrader autograde``); each function to write is a solution cell whose
``### BEGIN SOLUTION`` fence nbgrader turns into the same stub as ``exercises/``. At the end, one
autograder test cell per graded behaviour of the part, with that behaviour's points: nbgrader scores
a test cell all or nothing, so each cell must stand for exactly one of our tests. Their hidden part
calls :func:`autograder.platforms.kernel.check`, which grades the notebook once with the same hidden
graders as ``python -m autograder grade`` (so the two agree point for point) and writes nothing to
stderr (nbgrader would score the cell zero).

Instructor workflow (in the course directory)::

    nbgrader generate_assignment training_loop
    nbgrader autograde training_loop
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from nbformat import NotebookNode

from autograder import SOLUTIONS_DIR
from autograder.api import GRADED_MODULES
from autograder.course.config import Course
from autograder.graders.catalog import graded_tests
from autograder.platforms.notebook_builder import code_cell, guarded, markdown_cell, notebook, part_cells, write

SCHEMA_VERSION = 3
NBGRADER_CONFIG = """\
# nbgrader configuration for the "Training Neural Networks" notebooks, written by `python -m autograder nbgrader`.
c = get_config()  # noqa: F821 - provided by nbgrader when it reads this file

c.CourseDirectory.course_id = "training-neural-networks"
# The first test cell of a notebook grades all of it in a sandbox: a few seconds, longer for a slow
# submission (the grader bounds each call into student code). Other cells take well under this.
c.Execute.timeout = 600
# The same stub as exercises/ (nbgrader's default, written out so that it stays so).
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\\nraise NotImplementedError()"}

# Feedback without the hidden tests' code (nbgrader's default feedback shows it).
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import ClearHiddenTests, GetGrades  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, ClearHiddenTests]
"""
GRADING_INTRO = """## Grading

Each cell below stands for one graded behaviour of your functions and is worth the points it
names. Their hidden tests run when your notebook is graded, on many more inputs than the checks
above try; running these cells yourself checks nothing. Warnings never cost points."""


def _meta(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False, points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA_VERSION, "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def test_cell_source(part: str, name: str, points: float, first: bool) -> str:
    """The source of one test cell: a visible comment, and the hidden call that checks ``name``.

    Example:
        >>> print(test_cell_source("validation", "validation.trainer: x", 1, first=False))
        # Graded (1 point): validation.trainer: x
        ### BEGIN HIDDEN TESTS
        from autograder.platforms.kernel import check
        check("validation", "validation.trainer: x", notebook="validation.ipynb")
        ### END HIDDEN TESTS
    """
    fresh = ", fresh=True" if first else ""
    unit = "point" if points == 1 else "points"
    return (
        f"# Graded ({points:g} {unit}): {name}\n"
        "### BEGIN HIDDEN TESTS\n"
        "from autograder.platforms.kernel import check\n"
        f"check({json.dumps(part)}, {json.dumps(name)}, notebook={json.dumps(part + '.ipynb')}{fresh})\n"
        "### END HIDDEN TESTS"
    )


def nbgrader_notebook(part: str, course: Course, solutions: Path = SOLUTIONS_DIR) -> NotebookNode:
    """The instructor's source notebook of one part, with nbgrader cell metadata and ``course``'s points."""
    cells = []
    for cell in part_cells(part, solutions):
        if cell.role == "markdown":
            cells.append(markdown_cell(cell.source, cell.key, _meta(cell.key, locked=True)))
        elif cell.role == "solution":
            cells.append(code_cell(cell.source, cell.key, _meta(cell.key, solution=True)))
        elif cell.role in ("check", "demo"):
            cells.append(code_cell(guarded(cell.source).rstrip("\n"), cell.key, _meta(cell.key, locked=True)))
        else:
            cells.append(code_cell(cell.source, cell.key, _meta(cell.key, locked=True)))
    cells.append(markdown_cell(GRADING_INTRO, "grading", _meta("grading", locked=True)))
    for index, test in enumerate(graded_tests(part, course)):
        grade_id = f"test-{test.id}"
        source = test_cell_source(part, test.name, test.points, first=index == 0)
        cells.append(code_cell(source, grade_id, _meta(grade_id, grade=True, locked=True, points=test.points)))
    return notebook(cells, part)


def write_course(folder: Path, course: Course, solutions: Path = SOLUTIONS_DIR, config: bool = True) -> list[Path]:
    """Write ``source/<part>/<part>.ipynb`` for every part, with ``course``'s points (and ``nbgrader_config.py`` unless it exists)."""
    written = []
    for part in GRADED_MODULES:
        path = folder / "source" / part / f"{part}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        written.append(write(nbgrader_notebook(part, course, solutions), path))
    config_path = folder / "nbgrader_config.py"
    if config and not config_path.exists():
        config_path.write_text(NBGRADER_CONFIG)
        written.append(config_path)
    return written


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("course", help="the course directory (source/<part>/ is written there)")


def main(args: argparse.Namespace, course: Course) -> int:
    """``python -m autograder nbgrader COURSE``: an nbgrader course directory, with ``course``'s points."""
    written = write_course(Path(args.course), course)
    print(f"wrote {len(written)} files to the nbgrader course {args.course}; then, there: nbgrader generate_assignment <part>")
    return 0
