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
from autograder.commands import BUNDLED, GROUPS
from autograder.course import environment
from autograder.course.config import Course
from autograder.course.parts import NAMES, part
from autograder.errors import InputError
from autograder.outputs import check_output
from autograder.platforms.classroom import CI_FILES, GRADING_REQUIREMENTS
from autograder.platforms.gradescope import pinned_requirements

# The engine's files a student may have, besides the modules of the CLI's bundled commands (`check`, `hint`, `ci`:
# each command's own module comes from commands.GROUPS, so the bundle and its command line cannot drift): what they import.
PUBLIC_PACKAGE_FILES = (
    "__init__.py",
    "__main__.py",
    "api.py",
    "cli.py",
    "commands.py",
    "errors.py",
    "discovery.py",
    "session.py",
    "outputs.py",
    "notebook_checks.py",  # check() and hint() in the notebooks (also `hint`'s module)
    "notebooks.py",
    "course/*.py",
    "sandbox/*.py",
    "sandbox/runners/*.py",
    "judge/*.py",
    "judge/suite/*.py",
    "judge/suite/pytest.ini",
    "checks/*.py",
    "reports/*.py",
    "reports/templates/*",
    "platforms/__init__.py",
    "platforms/*.yml",
    "parts/__init__.py",
)
# Of each part: its record and runner (every part, so the registry is whole), and its public side (released parts only).
PART_FILES = ("__init__.py", "part.toml", "runner.py")
PUBLIC_SIDE = ("public/*.py", "public/*.json", "public/hints.toml")
STUDENT_README = PACKAGE_DIR / "student_readme.md"
BUNDLE_PACKAGE = "training-nn-checks"  # the name `pip` knows the installed bundle by
STUDENT_REQUIREMENTS = environment.STUDENT_REQUIREMENTS  # ranges; the grading environment (pyproject.toml) keeps exact pins
TESTED = (
    "These commands were run as written (macOS and Linux) on Linux with Python 3.11, torch 2.13.0 CPU and "
    "NumPy 2.4.6; macOS and Windows follow the same steps (Colab has its own line, below) but were not tried by "
    "us: tell your instructor if a step fails."
)


def _block(lines: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"    {line}" for line in lines)


def parts_table(course: Course) -> str:
    """The README's table of the parts ``course`` releases, from their records: file, what the student writes, chapter section."""
    rows = [f"| `{name}.py` | {part(name).summary} | {part(name).chapter} |" for name in course.released]
    return "\n".join(["| file | what you write | chapter |", "| --- | --- | --- |", *rows])


def student_readme(course: Course, zip_name: str) -> str:
    """The bundle's README.md: ``student_readme.md`` with the parts ``course`` releases, the versions and each
    shell's commands from :mod:`autograder.course.environment` (one place for them), and ``zip_name``, the zip's name
    in its Colab line (``release OUT --zip`` writes ``OUT.zip``)."""
    setup = "\n\n".join(f"{shell}:\n\n{_block(commands)}" for shell, commands in environment.SETUP.items())
    check = "\n\n".join(f"{shell}:\n\n{_block(commands[-1:])}" for shell, commands in environment.SETUP.items())
    notebooks = "\n\n".join(
        f"{shell}:\n\n"
        + _block([f"{_python(commands)} -m pip install -r requirements-notebooks.txt", f"{_python(commands)} -m jupyter lab"])
        for shell, commands in environment.SETUP.items()
    )
    pins = environment.GRADING_PINS
    replacements = {
        "{{PYTHON}}": " to ".join((environment.SUPPORTED_PYTHON[0], environment.SUPPORTED_PYTHON[-1])),
        "{{OLDEST}}": environment.SUPPORTED_PYTHON[0],
        "{{PINS}}": f"Python {pins['python']}, torch {pins['torch']} CPU, NumPy {pins['numpy']}",
        "{{SETUP}}": setup,
        "{{CHECK}}": check,
        "{{ZIP}}": zip_name,
        "{{NOTEBOOKS}}": notebooks,
        "{{TESTED}}": TESTED,
    }
    text = STUDENT_README.read_text()
    replacements["{{PARTS}}"] = parts_table(course)
    for marker, value in replacements.items():
        text = text.replace(marker, value)
    return text


def bundle_pyproject() -> str:
    """The bundle's ``pyproject.toml``: ``pip install`` of the bundle (its folder or its zip) brings the checks to any
    Python, e.g. a notebook opened on its own on Colab; the dependencies are the students' ranges, so a suitable
    torch already there is kept."""
    dependencies = "".join(f'    "{requirement}",\n' for requirement in STUDENT_REQUIREMENTS)
    return (
        "# `pip install` of this folder or its zip installs the course's checks: check() and hint() in a notebook opened\n"
        "# on its own (on Colab, say). It never reinstalls a torch that meets the range below.\n"
        '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "{BUNDLE_PACKAGE}"\nversion = "1.0"\n'
        f'requires-python = ">={environment.SUPPORTED_PYTHON[0]}"\ndependencies = [\n{dependencies}]\n\n'
        '[tool.setuptools.packages.find]\ninclude = ["autograder*"]\n\n'
        '[tool.setuptools.package-data]\n"*" = ["*.json", "*.ini", "*.toml", "*.yml", "*.md"]\nautograder = ["reports/templates/*"]\n'
    )


def _python(commands: tuple[str, ...]) -> str:
    """The environment's interpreter as a shell's commands call it (``.venv/bin/python``)."""
    return commands[-1].split(" -m ")[0]


def public_files(course: Course) -> list[Path]:
    """The package files a student may see, relative to the project root: the modules of the CLI's bundled commands,
    the engine's student side, every part's record and runner, and the public side of the parts ``course`` releases
    (none when the course file says ``release.public_checks = false``; no hints with ``release.hints = false``)."""
    files = [PACKAGE_DIR / command.source for command in GROUPS[BUNDLED]]
    for pattern in PUBLIC_PACKAGE_FILES:
        if pattern.startswith("checks/") and not course.public_checks:
            continue
        files += sorted(PACKAGE_DIR.glob(pattern))
    for name in NAMES:
        folder = part(name).folder
        files += sorted(path for pattern in PART_FILES for path in folder.glob(pattern))
        if course.public_checks and name in course.released:
            side = sorted(path for pattern in PUBLIC_SIDE for path in folder.glob(pattern))
            files += [path for path in side if course.hints or path.name != "hints.toml"]
    return [path.relative_to(PROJECT_ROOT) for path in dict.fromkeys(files)]  # once each (a command's module may be listed too)


GRADING_HEADER = (
    "# The exact versions grading uses (the instructor's pyproject.toml): the CI files install these, so CI grades as\n"
    "# the instructor does. For your own machine, requirements.txt (ranges) is enough.\n"
)

# What a student's `git add .` must leave out: the virtual environment the README has them make (torch alone is
# hundreds of MB), caches, notebook checkpoints and the metadata `pip install -e .` (requirements-notebooks.txt) writes.
STUDENT_GITIGNORE = """\
.venv/
venv/
__pycache__/
*.pyc
.ipynb_checkpoints/
.pytest_cache/
*.egg-info/
"""


def release(out: Path, course: Course) -> list[Path]:
    """Write the student bundle to ``out`` (which must not exist, or be empty); returns the files written.

    ``course`` says which parts go out (``release.parts``, else the assigned ones), and whether the public
    checks and the notebooks go with them.
    """
    out = Path(out)
    check_output("", out, folder=True)
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
    (out / "README.md").write_text(student_readme(course, zipped_name(out)), encoding="utf-8")
    (out / "requirements.txt").write_text("\n".join(STUDENT_REQUIREMENTS) + "\n")
    (out / GRADING_REQUIREMENTS).write_text(GRADING_HEADER + "\n".join(pinned_requirements()) + "\n")
    (out / "requirements-notebooks.txt").write_text("\n".join(environment.NOTEBOOK_REQUIREMENTS) + "\n")
    (out / "pyproject.toml").write_text(bundle_pyproject())
    (out / ".gitignore").write_text(STUDENT_GITIGNORE)
    extra = ["README.md", "requirements.txt", str(GRADING_REQUIREMENTS), "requirements-notebooks.txt", "pyproject.toml", ".gitignore"]
    return [*written, *(Path(name) for name in extra)]


def zipped_name(folder: Path) -> str:
    """The name of :func:`zipped`'s zip of ``folder``: ``student.zip`` for ``build/student``."""
    return f"{Path(folder).name}.zip"


def zipped(folder: Path) -> Path:
    """``folder`` as ``<folder>.zip`` beside it (what an instructor uploads; ``pip install`` takes it as it is)."""
    folder = Path(folder)
    return Path(shutil.make_archive(str(folder), "zip", root_dir=folder.parent, base_dir=folder.name))  # adds ".zip"


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", help="a new folder")
    parser.add_argument(
        "--zip", action="store_true", help="also write OUT.zip (to hand out; `pip install` of it brings check() to a notebook on Colab)"
    )


def main(args: argparse.Namespace, course: Course) -> int:
    """``python -m autograder release OUT``: write the student bundle of ``course``."""
    files = release(Path(args.out), course)
    print(f"wrote the student bundle to {args.out} ({len(files)} files)")
    if args.zip:
        print(f"and its zip, {zipped(Path(args.out))} (students install the checks from it with: pip install <the zip>)")
    return 0
