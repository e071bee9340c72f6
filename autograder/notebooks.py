"""Read a submitted notebook: which part it is, and its code cells (nothing is run here).

The notebook's code cells run in the sandboxed child, in order; a cell that
raises is reported and skipped, so a notebook that was reordered, partly
deleted or left with errors is still graded on what it defines.

Cells that belong to a grading platform, not to the student, are left out:
the hidden test cells of our nbgrader notebooks (they call
``autograder.platforms.kernel``) and otter-grader's own cells (``import otter``,
``grader = otter.Notebook(...)``, ``grader.check(...)``, ``grader.export(...)``).

A notebook is read with nbformat (:func:`read_notebook`) but not validated against its schema: grading
reads only the notebook's metadata and its code cells' sources, and a notebook Jupyter saved with odd
outputs, no cell ids or missing metadata was always graded, so it still is. Only a file that is no
notebook at all (not JSON, no list of cells) or one of format version 3 or older is refused, in one line.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.api import GRADED_MODULES
from autograder.course.parts import PARTS

if TYPE_CHECKING:
    from nbformat import NotebookNode

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


KERNEL_TESTS_MARKER = "autograder.platforms.kernel"
_OTTER_LINE = re.compile(r"^(import otter|grader\s*=\s*otter\.Notebook\(.*\)|grader\.(check|check_all|export)\(.*\))\s*(#.*)?$")


def platform_cell(source: str) -> bool:
    """True for a code cell that belongs to the grading platform rather than to the student.

    Example:
        >>> platform_cell('grader.check("trainer")'), platform_cell("x = 1")
        (True, False)
    """
    if KERNEL_TESTS_MARKER in source:
        return True
    lines = [line.strip() for line in source.splitlines() if line.strip() and not line.strip().startswith("#")]
    return bool(lines) and all(_OTTER_LINE.match(line) for line in lines)


def _source(cell: dict) -> str:
    source = cell.get("source", "")  # nbformat joined a list of lines; anything else is taken as its text
    return source if isinstance(source, str) else str(source)


def _graded_parts(notebook: dict) -> dict:
    """The parts of a notebook's JSON that grading reads, in the shape nbformat's reader walks: its metadata (a
    mapping) and its code cells, each without outputs or attachments. Whatever else a cell or an output holds
    cannot stop the notebook from being graded, and a notebook's outputs (up to the size cap) are never copied."""
    metadata = notebook.get("metadata")
    cells = [
        {**{key: value for key, value in cell.items() if key not in ("outputs", "attachments")}, "metadata": _mapping(cell.get("metadata"))}
        for cell in notebook["cells"]
        if isinstance(cell, dict) and cell.get("cell_type") == "code"
    ]
    return {**notebook, "metadata": _mapping(metadata), "cells": cells}


def _mapping(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def read_notebook(path: Path) -> NotebookNode:
    """A submitted notebook as nbformat's version-4 reader gives it (sources joined, transient metadata dropped), with
    its metadata and its code cells only; not validated (see the module's docstring). Raises ValueError, one line in
    the student's terms, for a file over the size cap, not JSON, of format version 3 or older, or without a list of cells.

    Example:
        >>> import json, tempfile
        >>> path = Path(tempfile.mkdtemp()) / "backprop.ipynb"
        >>> _ = path.write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
        ...     "cells": [{"cell_type": "code", "source": ["x = 1\\n", "y = 2"], "outputs": ["odd"]}]}))
        >>> read_notebook(path).cells[0].source
        'x = 1\\ny = 2'
    """
    import nbformat  # here, not at the top: grading a folder of .py files never pays for importing it

    path = Path(path)
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"{path.name} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB")
    try:
        notebook = nbformat.reader.parse_json(path.read_text(encoding="utf-8"))
    except (nbformat.reader.NotJSONError, UnicodeDecodeError) as error:
        reason = error.__cause__ or error  # the JSON parser's own words ("Expecting value: line 1 column 1 (char 0)")
        raise ValueError(
            f"{path.name} is not a readable notebook (not JSON: {reason}): download it again from Jupyter (File, Download)"
        ) from None
    if isinstance(notebook, dict) and isinstance(notebook.get("nbformat"), int) and notebook["nbformat"] < 4:
        raise ValueError(
            f"{path.name} is a notebook of format version {notebook['nbformat']}: open it in Jupyter and save it, "
            "which converts it to version 4, then hand it in again"
        )
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError(f"{path.name} is not a notebook (no list of cells): hand in the .ipynb file Jupyter saved")
    return nbformat.v4.to_notebook_json(_graded_parts(notebook))


def declared_part(path: Path, notebook: dict) -> str | None:
    """The graded module a notebook names: in its metadata, else in its file name (any case), else None."""
    metadata = notebook.get("metadata", {})
    declared = metadata.get("autograder", {}).get("module") if isinstance(metadata, dict) else None
    if declared in GRADED_MODULES:
        return declared
    for module in sorted(GRADED_MODULES, key=len, reverse=True):
        if module in Path(path).stem.lower():
            return module
    return None


def defined_functions(cells: list[str]) -> dict[str, tuple[str, ...]]:
    """Function name -> parameter names, for every function the cells define at their top level.

    A later definition replaces an earlier one, as in the kernel; a cell that does not parse is passed over.

    Example:
        >>> defined_functions(["def f(a, b=1): return a", "def f(x): pass"])
        {'f': ('x',)}
    """
    functions: dict[str, tuple[str, ...]] = {}
    for source in cells:
        code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError):
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                arguments = node.args
                functions[node.name] = tuple(a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs])
    return functions


def parts_defined(cells: list[str]) -> list[str]:
    """The parts all of whose functions the cells define, with the registry's parameter names (the four
    ``trainer`` functions differ by their parameters, so one ``trainer`` matches one part).

    Example:
        >>> parts_defined(["def train_step(model, criterion, optimizer, X, y): ...",
        ...                "def trainer(model, criterion, optimizer, dataloader, epochs=5): ..."])
        ['training_loop']
    """
    functions = defined_functions(cells)
    return [
        p.name
        for p in PARTS
        if all(
            functions.get(name) == tuple(parameter.partition("=")[0] for parameter in parameters)
            for name, parameters in p.functions.items()
        )
    ]


_UNKNOWN_PART = (
    "{}: cannot tell which part this notebook is (no part's name in its metadata or file name, and it defines "
    "no part's functions with their parameters); name it after the part ("
    + ", ".join(GRADED_MODULES)
    + ") or keep the metadata of the notebook you were given"
)


def notebook_modules(path: Path) -> dict[str, tuple[str, object]]:
    """{module: ("notebook", [code cell sources])} for each part a submitted notebook holds.

    The part its metadata or file name declares, and every part whose functions its cells define
    (:func:`parts_defined`); raises ValueError (one line, in the student's terms) for a file that is no
    notebook we can read, or that holds no part.
    """
    path = Path(path)
    notebook = read_notebook(path)
    cells = [source for source in (_source(cell) for cell in notebook.cells) if not platform_cell(source)]
    declared = declared_part(path, notebook)
    parts = [name for name in GRADED_MODULES if name == declared or name in parts_defined(cells)]
    if not parts:
        raise ValueError(_UNKNOWN_PART.format(path.name))
    return {name: ("notebook", cells) for name in parts}
