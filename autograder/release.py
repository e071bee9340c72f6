"""The student bundle: exercises, public checks and a student README; nothing hidden.

Only files on an allow-list are copied, so a new hidden file can never slip
into the bundle by accident; a test searches the bundle for leaks anyway.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder import PACKAGE_DIR, PROJECT_ROOT

PUBLIC_PACKAGE_FILES = (
    "__init__.py",
    "__main__.py",
    "api.py",
    "cli.py",
    "grade.py",
    "notebooks.py",
    "sandbox/*.py",
    "sandbox/runners/*.py",
    "judge/*.py",
    "checks/*.py",
    "checks/pytest.ini",
    "platforms/__init__.py",
    "platforms/classroom.py",
    "platforms/classroom.yml",
    "platforms/folders.py",
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


def public_files() -> list[Path]:
    """The package files a student may see, relative to the project root."""
    files = []
    for pattern in PUBLIC_PACKAGE_FILES:
        files += sorted(PACKAGE_DIR.glob(pattern))
    return [path.relative_to(PROJECT_ROOT) for path in files]


def release(out: Path) -> list[Path]:
    """Write the student bundle to ``out`` (which must not exist, or be empty); returns the files written."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not empty: choose a new folder")
    written = []
    sources = public_files() + sorted(p.relative_to(PROJECT_ROOT) for p in (PROJECT_ROOT / "exercises").glob("*.py"))
    for relative in sources:
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PROJECT_ROOT / relative, target)
        written.append(relative)
    # The plain notebooks (no grading dependency) and GitHub Classroom's workflow (issue 5).
    for notebook in sorted((PROJECT_ROOT / "notebooks" / "plain").glob("*.ipynb")):
        relative = Path("notebooks") / notebook.name
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(notebook, out / relative)
        written.append(relative)
    workflow = Path(".github") / "workflows" / "classroom.yml"
    (out / workflow).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PACKAGE_DIR / "platforms" / "classroom.yml", out / workflow)
    written.append(workflow)
    (out / "README.md").write_text(STUDENT_README.read_text())
    (out / "requirements.txt").write_text("\n".join(STUDENT_REQUIREMENTS) + "\n")
    return [*written, Path("README.md"), Path("requirements.txt")]
