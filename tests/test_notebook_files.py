"""Notebook files through nbformat (issue 21, point 5): what the package builds is validated before it is written, and
what a student hands in is read with nbformat's reader but never refused for what its schema calls invalid.

A notebook that was graded before nbformat read it must be graded the same way now: :func:`before_nbformat` is the
reading this package did with plain JSON, kept here as the yardstick, and every odd-but-readable notebook below must
give the same parts and the same code cells through :func:`autograder.notebooks.notebook_modules`.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from autograder.course.config import Course
from autograder.notebooks import MAX_NOTEBOOK_BYTES, notebook_modules, platform_cell, read_notebook
from autograder.platforms.nbgrader_export import nbgrader_notebook
from autograder.platforms.notebook_builder import BuildError, code_cell, dumps, markdown_cell, notebook, plain_notebook, write
from autograder.platforms.otter_export import otter_master
from tests.conftest import ROOT, run_cli

SIGMOID = (ROOT / "solutions" / "backprop.py").read_text()
CODE = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": SIGMOID}
NOTEBOOK = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"autograder": {"module": "backprop"}}, "cells": [{**CODE, "id": "a"}]}


def before_nbformat(path: Path) -> list[str]:
    """The code cells the package graded when it read notebooks as plain JSON (before issue 21), platform cells left out."""
    data = json.loads(path.read_text(encoding="utf-8"))
    sources = []
    for cell in data["cells"]:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else str(source))
    return [source for source in sources if not platform_cell(source)]


def _without(mapping: dict, key: str) -> dict:
    return {k: v for k, v in mapping.items() if k != key}


# Each would stop nbformat.reads (or make it warn, or give the cell a random id); each was graded before, and still is.
ODD = {
    "no cell ids in version 4.5": {**NOTEBOOK, "cells": [CODE]},
    "no notebook metadata (named by its file)": _without(NOTEBOOK, "metadata"),
    "a code cell without metadata": {**NOTEBOOK, "cells": [_without(CODE, "metadata")]},
    "source as a list of lines": {**NOTEBOOK, "cells": [{**CODE, "source": SIGMOID.splitlines(keepends=True)}]},
    "an output that is a string": {**NOTEBOOK, "cells": [{**CODE, "outputs": ["odd"]}]},
    "display data that is a list": {
        **NOTEBOOK,
        "cells": [{**CODE, "outputs": [{"output_type": "display_data", "data": [1], "metadata": {}}]}],
    },
    "outputs that are null": {**NOTEBOOK, "cells": [{**CODE, "outputs": None}]},
    "an unknown output type": {**NOTEBOOK, "cells": [{**CODE, "outputs": [{"output_type": "widget-ish"}]}]},
    "a cell that is a number": {**NOTEBOOK, "cells": [1, CODE]},
    "a Markdown cell whose source holds numbers": {**NOTEBOOK, "cells": [{"cell_type": "markdown", "metadata": {}, "source": [1]}, CODE]},
    "no nbformat version at all": _without(NOTEBOOK, "nbformat"),
    "nbformat version 5": {**NOTEBOOK, "nbformat": 5},
    "notebook metadata that is a list": {**NOTEBOOK, "metadata": []},
    "a repeated cell id": {**NOTEBOOK, "cells": [{**CODE, "id": "same"}, {**CODE, "id": "same", "source": "x = 1"}]},
    "an otter cell and an nbgrader test cell": {
        **NOTEBOOK,
        "cells": [
            {**CODE, "source": "import otter\ngrader = otter.Notebook()"},
            CODE,
            {**CODE, "source": "from autograder.platforms.kernel import check"},
        ],
    },
}


@pytest.mark.parametrize("case", ODD, ids=list(ODD))
def test_an_odd_notebook_is_graded_as_before(case: str, tmp_path: Path) -> None:
    path = tmp_path / "backprop.ipynb"
    path.write_text(json.dumps(ODD[case]), encoding="utf-8")
    found = notebook_modules(path)
    assert list(found) == ["backprop"]
    assert found["backprop"] == ("notebook", before_nbformat(path))


def test_what_nbformat_would_refuse_is_read_and_the_outputs_are_left_behind(tmp_path: Path) -> None:
    path = tmp_path / "backprop.ipynb"
    path.write_text(json.dumps(ODD["an output that is a string"]), encoding="utf-8")
    with pytest.raises(nbformat.ValidationError):  # why notebooks.py shapes the notebook before nbformat's reader sees it
        nbformat.read(path, as_version=4)
    read = read_notebook(path)
    assert isinstance(read, nbformat.NotebookNode) and read.cells[0].source == SIGMOID and "outputs" not in read.cells[0]


def test_a_large_notebook_under_the_cap_is_read_and_one_over_it_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "backprop.ipynb"
    big = [{"output_type": "stream", "name": "stdout", "text": ["x" * 1000 + "\n"] * 1000}] * 15  # 15 MB of output
    path.write_text(json.dumps({**NOTEBOOK, "cells": [{**CODE, "outputs": big}]}), encoding="utf-8")
    assert MAX_NOTEBOOK_BYTES > path.stat().st_size > 15_000_000
    assert notebook_modules(path)["backprop"] == ("notebook", [SIGMOID])
    path.write_text(json.dumps({**NOTEBOOK, "cells": [{**CODE, "outputs": big * 2}]}), encoding="utf-8")
    with pytest.raises(ValueError, match="larger than 20 MB"):
        notebook_modules(path)


BAD = {
    "not JSON": ('{"cells": [', "training_loop.ipynb is not a readable notebook (not JSON: Expecting value: line 1 column 12 (char 11))"),
    "not UTF-8": (b'{"cells": ["\xff"]}', "training_loop.ipynb is not a readable notebook (not JSON: 'utf-8' codec can't decode byte 0xff"),
    "version 3": (
        json.dumps({"nbformat": 3, "worksheets": []}),
        "training_loop.ipynb is a notebook of format version 3: open it in Jupyter",
    ),
    "no list of cells": (json.dumps({"nbformat": 4, "cells": {}}), "training_loop.ipynb is not a notebook (no list of cells)"),
    "a JSON list": ("[]", "training_loop.ipynb is not a notebook (no list of cells)"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_file_that_is_no_notebook_is_refused_in_the_same_words_as_before(case: str, tmp_path: Path) -> None:
    content, says = BAD[case]
    path = tmp_path / "training_loop.ipynb"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(ValueError) as refused:
        notebook_modules(path)
    assert str(refused.value).startswith(says), str(refused.value)


def test_an_odd_notebook_is_graded_through_the_command_line_without_a_word_on_stderr(tmp_path: Path) -> None:
    odd = {**_without(NOTEBOOK, "metadata"), "cells": [{**_without(CODE, "metadata"), "outputs": ["odd"]}]}  # no ids either
    path = tmp_path / "backprop.ipynb"
    path.write_text(json.dumps(odd), encoding="utf-8")
    results = tmp_path / "results.json"
    process = run_cli("grade", str(path), "--results", str(results), "-k", "sigmoid")
    assert process.returncode == 0, process.stderr[-2000:]
    assert process.stderr.strip() == "", process.stderr[-2000:]
    tests = json.loads(results.read_text())["tests"]
    assert tests and all(t["score"] == t["max_score"] for t in tests if "sigmoid" in t["name"]), tests


# --- what the package builds -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [plain_notebook, lambda part: nbgrader_notebook(part, Course()), lambda part: otter_master(part, Course())],
    ids=["plain", "nbgrader", "otter"],
)
def test_built_notebooks_are_nbformat_nodes_with_the_layouts_ids_and_the_same_bytes_every_time(build) -> None:
    built = build("validation")
    assert isinstance(built, nbformat.NotebookNode) and isinstance(built.cells[0], nbformat.NotebookNode)
    nbformat.validate(built)
    ids = [cell.id for cell in built.cells]
    assert len(set(ids)) == len(ids) and all("-" in cell_id or cell_id.isalpha() for cell_id in ids)  # keys, not random words
    assert dumps(build("validation")) == dumps(built)
    assert nbformat.reads(dumps(built), as_version=nbformat.NO_CONVERT) == built  # what is written reads back the same


def test_a_repeated_cell_id_or_an_invalid_notebook_is_refused_before_it_is_written(tmp_path: Path) -> None:
    with pytest.raises(BuildError, match="repeated cell ids"):
        notebook([code_cell("x = 1", "same"), markdown_cell("# x", "same")], "validation")
    twice = notebook([code_cell("x = 1", "setup")], "validation")
    twice.cells.append(markdown_cell("# x", "setup"))  # a cell added after the notebook was made
    with pytest.raises(BuildError, match="repeated cell ids"):
        write(twice, tmp_path / "twice.ipynb")
    broken = notebook([code_cell("x = 1", "setup")], "validation")
    broken.cells[0].execution_count = "first"  # the schema wants an integer or null
    with pytest.raises(BuildError, match="not a valid notebook"):
        dumps(broken)
    assert not (tmp_path / "twice.ipynb").exists()
    good = write(notebook([code_cell("x = 1", "setup")], "validation"), tmp_path / "good.ipynb")
    assert good.read_text(encoding="utf-8") == dumps(nbformat.read(good, as_version=4))
