"""Read a submitted notebook: which part it is, and its code cells (nothing is run here).

The notebook's code cells run in the sandboxed child, in order; a cell that
raises is reported and skipped, so a notebook that was reordered, partly
deleted or left with errors is still graded on what it defines.

Cells that belong to a grading platform, not to the student, are left out:
the hidden test cells of our nbgrader notebooks (they call
``autograder.platforms.kernel``) and otter-grader's own cells (``import otter``,
``grader = otter.Notebook(...)``, ``grader.check(...)``, ``grader.export(...)``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from autograder.api import GRADED_MODULES

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
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def notebook_part(path: Path, notebook: dict) -> str:
    """The graded module a notebook belongs to: from its metadata, else from its file name."""
    metadata = notebook.get("metadata", {})
    declared = metadata.get("autograder", {}).get("module") if isinstance(metadata, dict) else None
    if declared in GRADED_MODULES:
        return declared
    for module in sorted(GRADED_MODULES, key=len, reverse=True):
        if module in Path(path).stem:
            return module
    raise ValueError(
        f"{Path(path).name}: cannot tell which part this notebook is; name it after the part "
        f"({', '.join(GRADED_MODULES)}) or keep the metadata of the notebook you were given"
    )


def notebook_modules(path: Path) -> dict[str, tuple[str, object]]:
    """{module: ("notebook", [code cell sources])} for a submitted notebook."""
    path = Path(path)
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"{path.name} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB")
    try:
        notebook = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path.name} is not a readable notebook: {error}") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError(f"{path.name} is not a notebook (no list of cells)")
    cells = [_source(cell) for cell in notebook["cells"] if isinstance(cell, dict) and cell.get("cell_type") == "code"]
    cells = [source for source in cells if not platform_cell(source)]
    return {notebook_part(path, notebook): ("notebook", cells)}
