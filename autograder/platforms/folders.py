"""Which parts a folder of student work provides: module files, notebooks, or both.

Used where a submission arrives as a folder that may hold either kind: Gradescope's
``submission/`` and a GitHub Classroom repository (``exercises/`` or ``notebooks/``).
"""

from __future__ import annotations

from pathlib import Path

from autograder.api import GRADED_MODULES


def folder_modules(folder: Path) -> dict[str, tuple[str, object]]:
    """{part: how the sandboxed child loads it} for ``folder``.

    ``<part>.py`` at the top is loaded as a file; ``exercises/<part>.py`` as the same code; then any
    notebook in the folder (or below it) fills the parts still missing, by its metadata or file name.

    Example:
        >>> folder_modules(Path("exercises"))["training_loop"]
        ('file', None)
    """
    from autograder.notebooks import notebook_modules

    folder = Path(folder)
    modules: dict[str, tuple[str, object]] = {}
    for part in GRADED_MODULES:
        if (folder / f"{part}.py").is_file():
            modules[part] = ("file", None)
        elif (folder / "exercises" / f"{part}.py").is_file():
            modules[part] = ("notebook", [(folder / "exercises" / f"{part}.py").read_text()])
    for notebook in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in notebook.parts:
            continue
        try:
            found = notebook_modules(notebook)
        except (ValueError, OSError):
            continue
        for part, how in found.items():
            modules.setdefault(part, how)
    return modules
