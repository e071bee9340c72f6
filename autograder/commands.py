"""The command table: every subcommand of ``python -m autograder`` declared once, with the module that implements it.

The command line (:mod:`autograder.cli`) lists and binds the commands whose module is here; the student
bundle (:mod:`autograder.release`) copies the modules of the :data:`BUNDLED` group. One table for both,
so the bundle's files and its ``--help`` cannot drift apart.

Example:
    >>> sorted(command.name for command in GROUPS[BUNDLED])
    ['check', 'ci', 'hint']
    >>> Command("ci", "platforms.classroom", "grade in CI").source.as_posix()
    'platforms/classroom.py'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder import PACKAGE_DIR


@dataclass(frozen=True)
class Command:
    """One subcommand: its name, the module (under ``autograder.``) holding its ``options(parser)`` and ``main``,
    a one-line help, and whether it reads the course file (then its ``main`` takes ``(args, course)``)."""

    name: str
    module: str
    help: str
    course: bool = False

    @property
    def source(self) -> Path:
        """Its module's file, relative to the package folder: ``grade.py``, or ``platforms/classroom.py``
        (a package's ``__init__.py``). The student bundle copies this file for each command of :data:`BUNDLED`."""
        base = Path(*self.module.split("."))
        return base / "__init__.py" if (PACKAGE_DIR / base).is_dir() else base.with_suffix(".py")

    @property
    def available(self) -> bool:
        """Whether its module is here, beside this package's files (the student bundle ships only :data:`BUNDLED`'s).

        Looked up as a file, not imported: an editable install elsewhere on the path must not lend the bundle its modules.
        """
        return (PACKAGE_DIR / self.source).is_file()


# The group the student bundle ships (release.py copies its commands' modules): the bundle's command line is this group.
BUNDLED = "student"
GROUPS: dict[str, tuple[Command, ...]] = {
    BUNDLED: (
        Command("check", "selfcheck", "run the public checks on your exercises (all parts, or the ones you name)"),
        Command("hint", "notebook_checks", "print a hint for one of your functions, one step at a time"),
        Command("ci", "platforms.classroom", "grade in CI: score line, summary, JUnit XML (the student repository's workflow runs it)", True),
    ),
    "instructor": (
        Command("grade", "grade", "grade one submission (folder, module file or notebook)", True),
        Command("grade-class", "gradebook", "grade every student's submission in a folder into a gradebook and a dashboard", True),
        Command("collect", "lms.collect", "turn an LMS's bulk download into a class folder and its roster"),
        Command("export", "lms.export", "write a gradebook in an LMS's grade import format", True),
        Command("release", "release", "write the student bundle (no solutions, graders or references)", True),
        Command("dashboard", "dashboard", "draw a graded class's dashboard (index.html) again from its results"),
        Command("serve", "service", "keep a warm grader running, for fast `grade --server`", True),
        Command("demo", "demo", "grade the example students in examples/submissions", True),
        Command("gradescope", "platforms.gradescope", "build a Gradescope autograder zip that runs this grader", True),
        Command("nbgrader", "platforms.nbgrader_export", "write an nbgrader course directory", True),
        Command("otter", "platforms.otter_export", "write otter-grader master notebooks and their support files", True),
        Command("plain", "platforms.notebook_builder", "write the plain student notebooks (no grading dependency)"),
        Command("classroom50", "platforms.classroom50.bundle", "write Classroom 50's autograder.py and the grader beside it", True),
    ),
    "maintainer": (
        Command("references", "reference_check", "check (or --write) the stored reference results of the hidden graders"),
        Command("public-checks", "graders.public_expected", "check (or --write) the public checks' expected results"),
        Command("notebooks", "platforms.sync", "write notebooks/ (plain, nbgrader, otter) from solutions/ (--check: only compare)", True),
        Command("build-exercises", "stubs", "write exercises/ from solutions/ (--check: only compare)"),
        Command("new-part", "scaffold", "write a whole new part: its folder under autograder/parts/ and its solution"),
        Command("bench", "bench", "run the benchmark (make bench) and write the performance page"),
    ),
}
# Older names kept working: `classroom` is `ci` (its name while GitHub Classroom lived).
ALIASES = {"classroom": "ci"}


def commands() -> dict[str, Command]:
    """Every command available here, by name (aliases included)."""
    found = {command.name: command for group in GROUPS.values() for command in group if command.available}
    found.update({alias: found[name] for alias, name in ALIASES.items() if name in found})
    return found
