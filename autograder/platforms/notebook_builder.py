"""One part's notebook, built from ``solutions/<part>.py`` and its narrative, and the plain student flavour.

:func:`part_cells` lays the part out as platform-neutral :class:`Cell` s (Markdown, provided code,
solution code with its ``### BEGIN SOLUTION`` fences, checks, demos); each flavour renders them
its own way. Checks and demos are wrapped in ``if __name__ == "__main__":`` so that they run in
Jupyter but not when the grader loads the notebook (a hanging trainer called by a demo would
otherwise cost the student every test, not only the hanging ones).

Notebooks are built with nbformat's version-4 constructors, validated against nbformat's schema before
they are written, and written by nbformat as 4.5 JSON with stable cell ids (the keys of :class:`Cell`),
sources kept whole (not split into lines) and no outputs, so that the same sources always give the same bytes.
"""

from __future__ import annotations

import argparse
import ast
import json
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

from autograder import SOLUTIONS_DIR
from autograder.api import GRADED_MODULES, STUDENT_API
from autograder.platforms import narrative
from autograder.stubs import BEGIN, make_stub

GUARD = 'if __name__ == "__main__":  # runs in Jupyter; the grader skips it\n'
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "version": "3.11"}


class BuildError(ValueError):
    """A narrative that does not match its solution file."""


@dataclass
class Cell:
    """A platform-neutral cell.

    ``role`` is "markdown", "provided", "solution", "check" or "demo"; ``source`` is Markdown or code
    (a solution cell holds the solution with its fences; checks and demos are unguarded here);
    ``key`` is a stable, unique identifier within the notebook; ``names`` the functions a solution
    cell defines.
    """

    role: str
    source: str
    key: str
    names: tuple[str, ...] = ()
    metadata: dict = field(default_factory=dict)

    @property
    def is_code(self) -> bool:
        return self.role != "markdown"


def _definitions(path: Path) -> tuple[dict[str, str], str]:
    """Top-level definitions of a module (name -> source) and its import lines (no ``__future__``)."""
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    found: dict[str, str] = {}
    imports: list[str] = []
    for node in tree.body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        end = node.end_lineno
        while end < len(lines) and lines[end].strip().startswith("#") and len(lines[end]) - len(lines[end].lstrip()) > node.col_offset:
            end += 1  # comments that close the body, such as "### END SOLUTION"
        text = "\n".join(lines[start - 1 : end])
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            imports.append(text)
        elif isinstance(node, ast.FunctionDef | ast.ClassDef):
            found[node.name] = text
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    found[target.id] = text
    return found, "\n".join(imports)


def guarded(code: str) -> str:
    """Wrap code so that it runs in Jupyter (where ``__name__`` is "__main__") but not in the grader.

    Example:
        >>> print(guarded("print(1)"), end="")
        if __name__ == "__main__":  # runs in Jupyter; the grader skips it
            print(1)
    """
    return GUARD + textwrap.indent(code.strip("\n"), "    ") + "\n"


def part_cells(part: str, solutions: Path = SOLUTIONS_DIR, narratives: Path | None = None) -> list[Cell]:
    """The cells of one part's notebook, solutions included (each flavour hides them its own way)."""
    if part not in GRADED_MODULES:
        raise BuildError(f"unknown part {part!r}")
    definitions, imports = _definitions(solutions / f"{part}.py")
    chapter, chapter_imports = _definitions(solutions / "chapter.py")
    blocks = narrative.load(part, narratives)
    cells: list[Cell] = []
    placed: list[str] = []
    counts: dict[str, int] = {}

    def key(role: str, names: tuple[str, ...] = ()) -> str:
        counts[role] = counts.get(role, 0) + 1
        return f"{role}-{'-'.join(names)}" if names else f"{role}-{counts[role]}"

    for block in blocks:
        if block.kind == "markdown":
            cells.append(Cell("markdown", block.text, key("markdown")))
        elif block.kind in ("check", "demo"):
            cells.append(Cell(block.kind, block.text, key(block.kind)))
        elif block.kind == "chapter":
            missing = [name for name in block.names if name not in chapter]
            if missing:
                raise BuildError(f"{part}: chapter.py defines no {', '.join(missing)}")
            code = "\n\n\n".join([chapter_imports, *(chapter[name] for name in block.names)])
            cells.append(Cell("provided", code, key("chapter", block.names)))
        else:
            texts = []
            for name in block.names:
                if name == "imports" and block.kind == "provided":
                    texts.append(imports)
                    continue
                if name not in definitions:
                    raise BuildError(f"{part}: solutions/{part}.py defines no {name}")
                has_solution = BEGIN in definitions[name]
                if has_solution != (block.kind == "solution"):
                    want = "solution" if has_solution else "provided"
                    raise BuildError(f"{part}: {name} must be placed with <!-- {want}: ... -->")
                texts.append(definitions[name])
                placed.append(name)
            role = "solution" if block.kind == "solution" else "provided"
            names = tuple(n for n in block.names if n != "imports")
            cells.append(Cell(role, "\n\n\n".join(texts), key(role, names or ("imports",)), names=names))
    required = set(STUDENT_API[part]) | {name for name, text in definitions.items() if BEGIN in text}
    unplaced = sorted(required - set(placed))
    twice = sorted({name for name in placed if placed.count(name) > 1})
    if unplaced or twice:
        raise BuildError(f"{part}: the narrative must place each solution function once (missing {unplaced}, twice {twice})")
    return cells


def notebook(cells: list[NotebookNode], part: str, extra_metadata: dict | None = None) -> NotebookNode:
    """An nbformat 4.5 notebook holding ``cells``, with metadata naming its part.

    ``metadata.autograder.module`` is what ``python -m autograder grade`` reads to know which part a
    submitted notebook is.

    Example:
        >>> notebook([code_cell("x = 1", "setup")], "validation").metadata.autograder.module
        'validation'
    """
    metadata = {"autograder": {"module": part}, "kernelspec": KERNELSPEC, "language_info": LANGUAGE_INFO}
    metadata.update(extra_metadata or {})
    _refuse_repeated_ids(cells, part)  # before new_notebook, whose validation would replace a repeated id by a random one
    return new_notebook(cells=cells, metadata=metadata)


# Each cell gets its id from the caller (a key of the layout), never nbformat's random one: the same sources, the same bytes.
def markdown_cell(source: str, cell_id: str, metadata: dict | None = None) -> NotebookNode:
    """A Markdown cell with id ``cell_id`` (checked against nbformat's schema as it is made)."""
    return new_markdown_cell(source, id=cell_id, metadata=metadata or {})


def code_cell(source: str, cell_id: str, metadata: dict | None = None) -> NotebookNode:
    """A code cell with id ``cell_id``, never run (no outputs, no execution count)."""
    return new_code_cell(source, id=cell_id, metadata=metadata or {})


def raw_cell(source: str, cell_id: str, metadata: dict | None = None) -> NotebookNode:
    """A raw cell with id ``cell_id`` (otter's question and test markers)."""
    return new_raw_cell(source, id=cell_id, metadata=metadata or {})


def _refuse_repeated_ids(cells: list[NotebookNode], part: str) -> None:
    """Raise BuildError when two cells share an id: nbformat's validation would replace one by a random id, not refuse it."""
    ids = [cell.id for cell in cells]
    repeated = sorted({cell_id for cell_id in ids if ids.count(cell_id) > 1})
    if repeated:
        raise BuildError(f"{part}: repeated cell ids {repeated}")


def validated(nb: NotebookNode) -> NotebookNode:
    """``nb`` once its cell ids are unique and nbformat's schema accepts it; raises BuildError otherwise."""
    _refuse_repeated_ids(nb.cells, nb.metadata.autograder.module)
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as error:
        raise BuildError(f"{nb.metadata.autograder.module}: not a valid notebook: {getattr(error, 'message', error)}") from None
    return nb


def dumps(nb: NotebookNode) -> str:
    """The notebook as the text of its file, once validated: nbformat's JSON (one-space indent, sorted keys), each
    source as one string, and a final newline.

    Example:
        >>> dumps(notebook([markdown_cell("# Title", "intro")], "validation")).count('"source": "# Title"')
        1
    """
    return nbformat.writes(validated(nb), split_lines=False) + "\n"


def write(nb: NotebookNode, path: Path) -> Path:
    """Validate ``nb`` and write it to ``path`` (the text of :func:`dumps`); returns ``path``."""
    nbformat.write(validated(nb), path, split_lines=False)
    return path


CHECKS_INTRO = (
    "**Checking your work.** After each function, a cell runs `check(...)`: the course's public checks on the\n"
    "function you just wrote, with the same diagnoses as `python -m autograder check`. Stuck? `hint(...)` gives that\n"
    "function's hints one step at a time (call it again for the next step). Passing the checks does not promise full\n"
    "marks: the grader tries many more inputs. If this notebook was opened on its own (on Colab, say), the next cell\n"
    "says how to install the checks: one line, with the student bundle your instructor handed out."
)
MISSING_CHECKS = (
    "The course's checks are not installed in this Python. On Colab (or a notebook on its own): run %pip install "
    "followed by the student bundle's zip (the file or the link your instructor gave you; on Colab, upload the zip "
    "first), then run this cell again. On your own machine: follow the Notebooks section of the bundle's README "
    "(its first command installs the checks into .venv) and use .venv's Python as the kernel."
)


def checks_setup(part: str) -> str:
    """The plain notebook's cell that brings ``check`` and ``hint`` in (or says, once, how to install them)."""
    return guarded(
        "try:\n"
        "    from autograder.notebook_checks import checks_for\n"
        f"    check, hint = checks_for({json.dumps(part)})\n"
        "except ImportError:  # opened on its own: install the course's checks, then run this cell again\n"
        f"    def check(*args, **kwargs):\n        print({MISSING_CHECKS!r})\n\n"
        "    hint = check\n"
        "    check()"
    ).rstrip("\n")


def check_cell(names: tuple[str, ...]) -> str:
    """The plain notebook's check cell after a solution cell defining ``names``."""
    lines = [f"check({json.dumps(name)})" for name in names]
    return guarded("\n".join([*lines, f"# stuck? hint({json.dumps(names[0])}) gives a hint, one step at a time"])).rstrip("\n")


def plain_notebook(part: str, solutions: Path = SOLUTIONS_DIR) -> NotebookNode:
    """The student notebook with no grading dependency: stubs instead of solutions, checks and demos to run.

    Each solution cell is followed by a ``check(...)`` cell running the public checks of its functions
    (:mod:`autograder.notebook_checks`); a cell after the provided imports brings ``check`` and ``hint`` in.

    Example:
        >>> nb = plain_notebook("validation")
        >>> nb["metadata"]["autograder"]["module"]
        'validation'
    """
    cells = []
    for cell in part_cells(part, solutions):
        if cell.role == "markdown":
            cells.append(markdown_cell(cell.source, cell.key))
            if len(cells) == 1:  # after the introduction: how to check, and the cell that brings check() in
                cells.append(markdown_cell(CHECKS_INTRO, "markdown-checks"))
                cells.append(code_cell(checks_setup(part), "checks-setup"))
        elif cell.role == "solution":
            cells.append(code_cell(make_stub(cell.source + "\n").rstrip("\n"), cell.key))
            cells.append(code_cell(check_cell(cell.names), f"check-{'-'.join(cell.names)}"))
        elif cell.role in ("check", "demo"):
            cells.append(code_cell(guarded(cell.source).rstrip("\n"), cell.key))
        else:
            cells.append(code_cell(cell.source, cell.key))
    return notebook(cells, part)


def write_plain(out: Path, solutions: Path = SOLUTIONS_DIR) -> list[Path]:
    """Write ``<part>.ipynb`` for every part into ``out``; returns the files."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for part in GRADED_MODULES:
        written.append(write(plain_notebook(part, solutions), out / f"{part}.ipynb"))
    return written


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", help="the folder to write <part>.ipynb into")


def main(args: argparse.Namespace) -> int:
    """``python -m autograder plain OUT``: the plain student notebooks."""
    written = write_plain(Path(args.out))
    print(f"wrote {len(written)} plain notebooks to {args.out}")
    return 0
