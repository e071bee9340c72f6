"""otter-grader master notebooks (``otter assign`` format), one per part, and the files they need.

Each function to write becomes one otter *question* named after it::

    raw   # BEGIN QUESTION / name: trainer
    md    the prompt
    raw   # BEGIN SOLUTION
    code  the function; its body between "# BEGIN SOLUTION NO PROMPT" and "# END SOLUTION",
          followed by a prompt block holding our stub, so the student gets the same stub as exercises/
    raw   # END SOLUTION
    raw   # BEGIN TESTS
    code  the chapter's check, as a public test worth 0 points (what grader.check shows a student)
    code  one hidden test per graded behaviour of the function, with its points
    raw   # END TESTS
    raw   # END QUESTION

The hidden tests call :func:`autograder.platforms.kernel.check`, which grades the submitted notebook
file once with our hidden graders, so a test's outcome depends on the student's code, never on saved
outputs, and otter's score equals ``python -m autograder grade``'s point for point. ``otter assign``
ships ``autograder/`` and ``solutions/`` (written beside the masters by :func:`write_masters`) in the
Gradescope zip only, never in the student's folder.

Instructor workflow::

    python -m autograder otter build/otter
    cd build/otter && otter assign training_loop.ipynb dist/training_loop --no-pdfs
"""

from __future__ import annotations

import argparse
import ast
import builtins
import json
import shutil
import textwrap
from pathlib import Path

from nbformat import NotebookNode

from autograder import SOLUTIONS_DIR
from autograder.api import GRADED_MODULES
from autograder.course.config import Course
from autograder.graders.catalog import GradedTest, graded_tests
from autograder.platforms.gradescope import grader_files, pinned_requirements
from autograder.platforms.notebook_builder import Cell, code_cell, guarded, markdown_cell, notebook, part_cells, raw_cell, write
from autograder.stubs import BEGIN, END

PYTHON_VERSION = "3.11"
SUPPORT_DIRS = ("autograder", "solutions")
# On Gradescope, the CPU build of torch: PyPI's default torch wheel pulls several GB of CUDA libraries.
TORCH_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"


def otter_solution(source: str) -> str:
    """Our ``### BEGIN/END SOLUTION`` fences in otter's dialect, with our stub as the student's prompt.

    Example:
        >>> print(otter_solution("def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION"))
        def f():
            # BEGIN SOLUTION NO PROMPT
            return 1
            # END SOLUTION
            \"\"\" # BEGIN PROMPT
            # YOUR CODE HERE
            raise NotImplementedError()
            \"\"\" # END PROMPT
    """
    out = []
    for line in source.splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        if line.strip() == BEGIN:
            out.append(f"{indent}# BEGIN SOLUTION NO PROMPT")
        elif line.strip() == END:
            out += [
                f"{indent}# END SOLUTION",
                f'{indent}""" # BEGIN PROMPT',
                f"{indent}# YOUR CODE HERE",
                f"{indent}raise NotImplementedError()",
                f'{indent}""" # END PROMPT',
            ]
        else:
            out.append(line)
    return "\n".join(out)


def _free_names(code: str) -> list[str]:
    """Names a snippet reads but never assigns (and that are not builtins): the notebook globals it needs."""
    tree = ast.parse(code)
    assigned = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)}
    assigned |= {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.ClassDef)}
    assigned |= {arg.arg for node in ast.walk(tree) if isinstance(node, ast.Lambda | ast.FunctionDef) for arg in node.args.args}
    loaded = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in assigned and not hasattr(builtins, node.id):
            if node.id not in loaded:
                loaded.append(node.id)
    return sorted(loaded)


def public_test(check: str) -> str:
    """The chapter's check as a public otter test case worth 0 points (its names come from the notebook)."""
    return (
        '""" # BEGIN TEST CONFIG\npoints: 0\nhidden: false\n""" # END TEST CONFIG\n'
        f"def test_example({', '.join(_free_names(check))}):\n" + textwrap.indent(check, "    ")
    )


def hidden_test(part: str, test: GradedTest) -> str:
    """One graded behaviour as a hidden otter test case with its points."""
    return (
        f'""" # BEGIN TEST CONFIG\npoints: {test.points:g}\nhidden: true\n""" # END TEST CONFIG\n'
        f"def {test.id}():\n"
        "    from autograder.platforms.kernel import check\n\n"
        f"    check({json.dumps(part)}, {json.dumps(test.name)})"
    )


def assignment_config(part: str) -> str:
    """The ``# ASSIGNMENT CONFIG`` cell: tests in exception format, support files for the autograder only."""
    requirements = "".join(f"\n    - {json.dumps(line)}" for line in (TORCH_INDEX, *pinned_requirements()))
    return (
        "# ASSIGNMENT CONFIG\n"
        f"name: {part}\n"
        f'python_version: "{PYTHON_VERSION}"\n'
        f"requirements:{requirements}\n"
        "autograder_files:\n" + "".join(f"    - {name}\n" for name in SUPPORT_DIRS) + "tests:\n"
        "    files: false\n"
        "    ok_format: false\n"
        "init_cell: true\n"
        "check_all_cell: false\n"
        "export_cell:\n"
        "    pdf: false\n"
        "    instructions: Download the zip file this cell makes and upload it to Gradescope.\n"
        "generate:\n"
        "    pdf: false\n"
        "    show_hidden: false\n"
        "    show_stdout: false\n"
    )


def _question(part: str, cell: Cell, check: Cell | None, tests: list[GradedTest], points: float) -> list[NotebookNode]:
    name = cell.names[0]
    functions = ", ".join(f"`{function}`" for function in cell.names)
    unit = "point" if points == 1 else "points"
    cells = [
        raw_cell(f"# BEGIN QUESTION\nname: {name}\npoints: {points:g}", f"question-{name}"),
        markdown_cell(f"**Write {functions}** ({points:g} {unit}; hidden tests judge it when you submit).", f"prompt-{name}"),
        raw_cell("# BEGIN SOLUTION", f"begin-solution-{name}"),
        code_cell(otter_solution(cell.source), cell.key),
        raw_cell("# END SOLUTION", f"end-solution-{name}"),
        raw_cell("# BEGIN TESTS", f"begin-tests-{name}"),
    ]
    if check is not None:
        cells.append(code_cell(public_test(check.source), f"test-{name}-example"))
    cells += [code_cell(hidden_test(part, test), f"test-{test.id}") for test in tests]
    cells += [raw_cell("# END TESTS", f"end-tests-{name}"), raw_cell("# END QUESTION", f"end-question-{name}")]
    return cells


def otter_master(part: str, course: Course, solutions: Path = SOLUTIONS_DIR) -> NotebookNode:
    """The otter assign master notebook of one part, with ``course``'s points."""
    cells = [raw_cell(assignment_config(part), "assignment-config")]
    layout = part_cells(part, solutions)
    tests = graded_tests(part, course)
    for index, cell in enumerate(layout):
        if cell.role == "markdown":
            cells.append(markdown_cell(cell.source, cell.key))
        elif cell.role == "solution":
            following = layout[index + 1] if index + 1 < len(layout) else None
            check = following if following is not None and following.role == "check" else None
            mine = [test for test in tests if test.target in cell.names]
            cells += _question(part, cell, check, mine, sum(test.points for test in mine))
        elif cell.role == "check":
            if index == 0 or layout[index - 1].role != "solution":
                cells.append(code_cell(guarded(cell.source).rstrip("\n"), cell.key))
        elif cell.role == "demo":
            cells.append(code_cell(guarded(cell.source).rstrip("\n"), cell.key))
        else:
            cells.append(code_cell(cell.source, cell.key))
    placed = {test.name for test in tests if any(test.target in c.names for c in layout if c.role == "solution")}
    missing = [test.name for test in tests if test.name not in placed]
    if missing:
        raise ValueError(f"{part}: graded tests for functions the notebook does not ask for: {missing}")
    return notebook(cells, part)


def copy_support(out: Path) -> list[Path]:
    """Copy what the hidden tests need at grading time beside the masters: ``autograder/`` and ``solutions/``."""
    written = []
    for relative, source in grader_files():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    return written


def write_masters(out: Path, course: Course, solutions: Path = SOLUTIONS_DIR, support: bool = True) -> list[Path]:
    """Write ``<part>.ipynb`` master notebooks into ``out`` with ``course``'s points (and, with ``support``, the files they ship)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for part in GRADED_MODULES:
        written.append(write(otter_master(part, course, solutions), out / f"{part}.ipynb"))
    if support:
        for name in SUPPORT_DIRS:
            shutil.rmtree(out / name, ignore_errors=True)
        written += copy_support(out)
    return written


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", help="the folder for <part>.ipynb, autograder/ and solutions/")


def main(args: argparse.Namespace, course: Course) -> int:
    """``python -m autograder otter OUT``: otter-grader master notebooks (with ``course``'s points) and their support files."""
    written = write_masters(Path(args.out), course)
    print(f"wrote {len(written)} files to {args.out}; then, there: otter assign <part>.ipynb dist/<part> --no-pdfs")
    return 0
