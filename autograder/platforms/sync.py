"""The checked-in notebooks under ``notebooks/``, written or compared like ``exercises/``.

- ``notebooks/plain/<part>.ipynb``: the plain student notebooks (also in the student bundle);
- ``notebooks/nbgrader/``: an nbgrader course directory (``nbgrader_config.py``, ``source/<part>/<part>.ipynb``);
- ``notebooks/otter/<part>.ipynb``: the otter-grader master notebooks (their support files are
  written by ``python -m autograder otter OUT``, not checked in).

``python -m autograder notebooks`` rewrites them from ``solutions/`` and the graders;
``--check`` only compares, and a test fails when they are out of date.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from autograder import PROJECT_ROOT, SOLUTIONS_DIR
from autograder.api import GRADED_MODULES
from autograder.course.config import Course
from autograder.platforms.nbgrader_export import NBGRADER_CONFIG, nbgrader_notebook
from autograder.platforms.notebook_builder import dumps, plain_notebook
from autograder.platforms.otter_export import otter_master

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"


def expected(course: Course, solutions: Path = SOLUTIONS_DIR) -> dict[str, str]:
    """Path under ``notebooks/`` -> the text it must hold (with ``course``'s points)."""
    files = {"nbgrader/nbgrader_config.py": NBGRADER_CONFIG}
    for part in GRADED_MODULES:
        files[f"plain/{part}.ipynb"] = dumps(plain_notebook(part, solutions))
        files[f"nbgrader/source/{part}/{part}.ipynb"] = dumps(nbgrader_notebook(part, course, solutions))
        files[f"otter/{part}.ipynb"] = dumps(otter_master(part, course, solutions))
    return files


def sync(course: Course, root: Path = NOTEBOOKS_DIR, check: bool = False, solutions: Path = SOLUTIONS_DIR) -> list[str]:
    """Write (or, with ``check``, only compare) the checked-in notebooks with ``course``'s points; returns the paths that
    differed, stale notebooks included (removed unless ``check``)."""
    wanted = expected(course, solutions)
    differing = []
    for relative, text in wanted.items():
        target = root / relative
        if not target.is_file() or target.read_text() != text:
            differing.append(relative)
            if not check:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text)
    generated = [*root.glob("plain/*.ipynb"), *root.glob("nbgrader/source/*/*.ipynb"), *root.glob("otter/*.ipynb")]
    for stale in sorted(generated):
        relative = stale.relative_to(root).as_posix()
        if relative not in wanted:
            differing.append(relative)
            if not check:
                stale.unlink()
    return differing


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if notebooks/ is out of date")
    parser.add_argument("--out", help="another folder than notebooks/")


def main(args: argparse.Namespace, course: Course) -> int:
    """``python -m autograder notebooks [--check]``: write (or compare) notebooks/ with ``course``'s points; exit 1 when out of date."""
    changed = sync(course, Path(args.out or NOTEBOOKS_DIR), check=args.check)
    if args.check:
        if changed:
            print(f"notebooks/ is out of date for: {', '.join(changed)}. Run: python -m autograder notebooks")
            return 1
        print("notebooks/ matches solutions/ and the graders.")
        return 0
    print(f"wrote {len(changed)} file(s): {', '.join(changed) or 'nothing changed'}")
    return 0
