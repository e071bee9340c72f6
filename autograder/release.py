"""The student bundle: exercises, public checks and a student README; nothing hidden.

Only files on an allow-list are copied, so a new hidden file can never slip
into the bundle by accident; a test searches the bundle for leaks anyway.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from autograder import PACKAGE_DIR, PROJECT_ROOT
from autograder.api import PROVIDED_MODULES
from autograder.course import config
from autograder.errors import InputError
from autograder.platforms.classroom import CI_FILES

PUBLIC_PACKAGE_FILES = (
    "__init__.py",
    "__main__.py",
    "api.py",
    "cli.py",
    "errors.py",
    "discovery.py",
    "session.py",
    "outputs.py",
    "selfcheck.py",
    "grade.py",
    "notebooks.py",
    "course/*.py",
    "sandbox/*.py",
    "sandbox/runners/*.py",
    "judge/*.py",
    "checks/*.py",
    "checks/pytest.ini",
    "reports/*.py",
    "platforms/__init__.py",
    "platforms/classroom.py",
    "platforms/*.yml",
)
STUDENT_README = PACKAGE_DIR / "student_readme.md"
# matplotlib: the notebooks' demos plot.
STUDENT_REQUIREMENTS = (
    "torch==2.13.0",
    "numpy==2.4.6",
    "scikit-learn==1.9.1",
    "pytest==9.2.0",
    "hypothesis==6.170.17",
    "rich==15.0.0",
    "matplotlib==3.11.2",
)


def public_files(course: config.Course | None = None) -> list[Path]:
    """The package files a student may see, relative to the project root (without the public checks
    when the course file says ``release.public_checks = false``)."""
    course = course or config.Course()
    files = []
    for pattern in PUBLIC_PACKAGE_FILES:
        if pattern.startswith("checks/") and not course.public_checks:
            continue
        files += sorted(PACKAGE_DIR.glob(pattern))
    return [path.relative_to(PROJECT_ROOT) for path in files]


def release(out: Path, course: config.Course | None = None) -> list[Path]:
    """Write the student bundle to ``out`` (which must not exist, or be empty); returns the files written.

    ``course`` (default: the course in force) says which parts go out (``release.parts``, else the
    assigned ones), and whether the public checks and the notebooks go with them.
    """
    course = course or config.active()
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise InputError(f"{out} exists and is not empty: choose a new folder")
    written = []
    exercises = [PROJECT_ROOT / "exercises" / f"{name}.py" for name in (*course.released, *PROVIDED_MODULES)]
    sources = public_files(course) + [p.relative_to(PROJECT_ROOT) for p in exercises if p.is_file()]
    for relative in sources:
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PROJECT_ROOT / relative, target)
        written.append(relative)
    # The plain notebooks (no grading dependency), then the CI files.
    notebooks = [PROJECT_ROOT / "notebooks" / "plain" / f"{name}.ipynb" for name in course.released] if course.notebooks else []
    for notebook in (path for path in notebooks if path.is_file()):
        relative = Path("notebooks") / notebook.name
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook, out / relative)
        written.append(relative)
    for source, target in CI_FILES:  # GitHub Actions' workflow and GitLab's .gitlab-ci.yml (issue 16)
        (out / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, out / target)
        written.append(target)
    (out / "README.md").write_text(STUDENT_README.read_text())
    (out / "requirements.txt").write_text("\n".join(STUDENT_REQUIREMENTS) + "\n")
    return [*written, Path("README.md"), Path("requirements.txt")]


def main(args: argparse.Namespace) -> int:
    """``python -m autograder release OUT``: write the student bundle."""
    files = release(Path(args.out))
    print(f"wrote the student bundle to {args.out} ({len(files)} files)")
    return 0
