"""What a submission holds: which parts, and how the sandboxed child loads each (a module file, or code cells).

The one place that looks at a submission's files before grading: ``grade``,
``check``, ``grade-class``'s workers, the CI command and the Gradescope runner
all call :func:`discover`. Nothing is run here; notebooks are read as JSON.

- a folder: ``<part>.py`` at its top is loaded as a file; ``exercises/<part>.py``
  as the same code; then any notebook in the folder (or below it) fills the parts
  still missing, by its metadata or its file name;
- one module file ``<part>.py``; one notebook.

Example:
    >>> sorted(discover(Path("solutions")).modules)[:2]
    ['backprop', 'early_stopping']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from autograder.course.parts import NAMES
from autograder.errors import InputError
from autograder.notebooks import notebook_modules

Modules = dict[str, tuple[str, object]]


@dataclass
class Found:
    """A submission's parts (part -> how the child loads it, see :class:`autograder.judge.client.Submission`)
    and notes for the instructor about what was found where, or skipped."""

    modules: Modules
    notes: list[str] = field(default_factory=list)


def _folder(folder: Path) -> Found:
    found = Found({})
    for part in NAMES:
        if (folder / f"{part}.py").is_file():
            found.modules[part] = ("file", None)
        elif (folder / "exercises" / f"{part}.py").is_file():
            found.modules[part] = ("notebook", [(folder / "exercises" / f"{part}.py").read_text(errors="replace")])
    for notebook in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in notebook.parts:
            continue
        try:
            parts = notebook_modules(notebook)
        except (ValueError, OSError) as error:
            found.notes.append(f"skipped {notebook.relative_to(folder)}: {error}")
            continue
        for part, how in parts.items():
            found.modules.setdefault(part, how)
    return found


def discover(path: Path) -> Found:
    """The parts the submission at ``path`` provides; raises :class:`InputError` for a path that is no submission."""
    path = Path(path)
    if path.is_dir():
        return _folder(path)
    if path.suffix == ".py" and path.stem in NAMES:
        return Found({path.stem: ("file", None)})
    if path.suffix == ".ipynb":
        try:
            return Found(notebook_modules(path))
        except (ValueError, OSError) as error:
            raise InputError(str(error)) from None
    raise InputError(
        f"{path} is not a submission: give a folder with {', '.join(m + '.py' for m in NAMES)}, one of those files, or a notebook"
    )
