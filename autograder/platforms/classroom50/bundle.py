"""``python -m autograder classroom50 OUT``: the files an instructor copies to Classroom 50's ``CLASSROOM/autograders/ASSIGNMENT/``.

``OUT/autograder.py`` is the entry point Classroom 50's runner calls (see that file for the contract,
from foundation50/classroom50 ``wiki/Advanced-Autograding.md``). ``OUT/grader/`` is a copy of this
project's package, ``solutions/*.py`` and this term's ``course.toml``: the hidden graders, which the
runner unpacks beside ``autograder.py`` (Classroom 50 bundles "anything else under
``CLASSROOM/autograders/ASSIGNMENT/``"). With ``--public-only`` there is no ``grader/`` and the
student's own copy of the package runs the public checks.

Classroom 50 publishes the bundle on the organisation's GitHub Pages site and its runner fetches it
without authentication (``runner.py``: ``bundle_url``, ``fetch_bundle``), so the hidden graders in it are
as readable as that site. Use it for feedback; grade the marks that count centrally (``grade-class``).

Example::

    python -m autograder classroom50 build/classroom50
    cp -r build/classroom50/. ../classroom50/nn-2026/autograders/training/   # then commit and push
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from autograder import graders_present
from autograder.course.config import Course
from autograder.errors import InputError
from autograder.platforms.gradescope import grader_files

ENTRY_POINT = Path(__file__).with_name("autograder.py")
MAX_BUNDLE_BYTES = 10 * 1024 * 1024  # runner.py's MAX_FETCH_BYTES for a bundle (compressed there; a bound here)


def write_bundle(out: Path, course: Course, hidden: bool = True) -> list[Path]:
    """Write ``autograder.py`` (and, when ``hidden``, ``grader/`` with ``course``'s file) into ``out``; returns the files
    written, relative to ``out``.

    ``out`` must not exist or be empty. Example: ``write_bundle(Path("build/c50"), Course())[0] == Path("autograder.py")``.
    """
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(f"{out} exists and is not an empty folder: choose a new folder")
    if hidden and not graders_present():
        raise InputError("the hidden graders are not here (a student bundle?): run this in the instructor's project, or add --public-only")
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ENTRY_POINT, out / "autograder.py")
    written = [Path("autograder.py")]
    if hidden:
        files = list(grader_files())
        if course.source is not None:  # this term's points and visibility travel with the grader
            files.append((Path("course.toml"), course.source))
        for relative, source in files:
            target = out / "grader" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.append(Path("grader") / relative)
    return written


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", help="a new folder; copy its content to CLASSROOM/autograders/ASSIGNMENT/ in the classroom50 repository")
    parser.add_argument("--public-only", action="store_true", help="no hidden graders: the student's copy runs the public checks")


def main(args: argparse.Namespace, course: Course) -> int:
    """Write the Classroom 50 files (with ``course``'s file) and say where they go."""
    out = Path(args.out)
    files = write_bundle(out, course, hidden=not args.public_only)
    size = sum((out / f).stat().st_size for f in files)
    print(f"wrote {len(files)} files ({size / 1e6:.1f} MB) to {out}")
    print("copy them to CLASSROOM/autograders/ASSIGNMENT/ in your organisation's classroom50 repository, then commit and push")
    if size > MAX_BUNDLE_BYTES:
        print(f"warning: over {MAX_BUNDLE_BYTES // 2**20} MB before compression; Classroom 50's runner refuses larger bundles")
    return 0
