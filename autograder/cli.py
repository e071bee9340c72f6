"""The command line, ``python -m autograder <command>``: it only binds options; each command's own ``main`` does the work.

Commands:
    check             run the public checks on your own exercises/ (students)
    grade PATH        grade one submission (folder, module file or notebook)
    grade-class DIR   grade every student's submission in DIR into a gradebook
    serve             keep a warm grader running, for fast `grade --server`
    release OUT       write the student bundle (no solutions, graders or references)
    demo              grade the bundled example students and compare with their expected grades
    new-part NAME     scaffold a new part: solution, notebook text, grader folder, registry entry
    build-exercises   write exercises/ from solutions/ (--check: only compare)
    references        check (or --write) the stored reference curves
    public-checks     check (or --write) the public checks' expected results (autograder/checks/expected.json)
    notebooks         write notebooks/ (plain, nbgrader, otter) from solutions/ (--check: only compare)
    plain OUT         write the plain student notebooks, one per part
    nbgrader COURSE   write an nbgrader course directory (source/<part>/<part>.ipynb, nbgrader_config.py)
    otter OUT         write otter-grader master notebooks and the files their autograder needs
    gradescope ZIP    build a Gradescope autograder zip that runs this grader
    ci PATH           grade in CI: score line, summary, JUnit XML (`classroom` is the same command)
    classroom50 OUT   write Classroom 50's autograder.py and the grader beside it
    collect ARCHIVE   turn an LMS's bulk download into a class folder and its roster
    export GRADEBOOK  write a gradebook in an LMS's grade import format

Exit codes: 0 done (for grading: whatever the score), 1 a check found something out of date,
2 a bad command line or input (one line on stderr), 3 a grader itself broke.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from autograder import EXERCISES_DIR, PACKAGE_DIR, SOLUTIONS_DIR, graders_present
from autograder.course.parts import NAMES
from autograder.errors import GRADER_EXIT, USAGE_EXIT, InputError

PART_HELP = f"grade only these parts ({', '.join(NAMES)}); points stay per test, the others are left out"
COURSE_HELP = "this term's course file (default: $AUTOGRADER_COURSE, else course.toml at the project's root)"


def _command(commands, name: str, module: str, help: str, course: bool = False) -> argparse.ArgumentParser:
    """A subcommand whose work is ``<module>.main(args)`` (imported only when it runs); ``course``: it reads the course file."""
    parser = commands.add_parser(name, help=help, description=help)
    parser.set_defaults(module=f"autograder.{module}", reads_course=course)
    if course:
        parser.add_argument("--course", dest="course_file", metavar="FILE", help=COURSE_HELP)
    return parser


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m autograder", description="Autograder for the chapter 'Training Neural Networks'.")
    commands = main.add_subparsers(dest="command", required=True)

    build = _command(commands, "build-exercises", "stubs", "write exercises/ from solutions/")
    build.add_argument("--check", action="store_true", help="only compare; exit 1 if exercises/ is out of date")
    build.add_argument("--solutions", default=str(SOLUTIONS_DIR))
    build.add_argument("--exercises", default=str(EXERCISES_DIR))

    grade = _command(commands, "grade", "grade", "grade one submission", course=True)
    grade.add_argument("path", help="a folder laid out like exercises/, one module file, or a notebook")
    grade.add_argument("--results", help="write Gradescope's results.json here")
    grade.add_argument("--junit", help="write JUnit XML here")
    grade.add_argument("--json", help="write the full report (with grader errors) here")
    grade.add_argument("-k", dest="select", help="only the grader tests matching this pytest expression")
    grade.add_argument("--report", help="write the feedback report (report.html, report.md, figures) into this folder")
    grade.add_argument("--show-hidden", action="store_true", help="show hidden tests' data (curves, values) in the report")
    grade.add_argument(
        "--server", default=os.environ.get("AUTOGRADER_SERVER"), help="use a running `serve` (its socket; or set AUTOGRADER_SERVER)"
    )
    grade.add_argument("--part", nargs="+", choices=NAMES, metavar="PART", help=PART_HELP)

    check = _command(commands, "check", "selfcheck", "run the public checks on your exercises")
    check.add_argument(
        "items",
        nargs="*",
        metavar="[PATH] [PART ...]",
        help=f"your exercises folder, one file or a notebook (default: exercises/), then the parts to check (default: all): {', '.join(NAMES)}",
    )
    check.add_argument("--report", help="also write a feedback report (report.html, report.md) into this folder")

    hint = _command(commands, "hint", "notebook_checks", "print a hint for one of your functions, one step at a time")
    hint.add_argument("name", help="the function, e.g. train_step (or validation.trainer)")
    hint.add_argument("step", nargs="?", type=int, help="which step, from 1 (default: 1)")

    klass = _command(commands, "grade-class", "gradebook", "grade every submission in a folder", course=True)
    klass.add_argument("class_dir", help="one sub-folder (or notebook) per student")
    klass.add_argument("--out", help="where the gradebook and each student's results go (default: DIR-graded)")
    klass.add_argument("--regrade", action="store_true", help="grade again students already graded")
    klass.add_argument("--workers", type=int, default=None, help="parallel warm workers (default: one per core)")
    klass.add_argument("--no-reports", action="store_true", help="skip the HTML/Markdown feedback reports and the class overview")
    klass.add_argument("--show-hidden", action="store_true", help="show hidden tests' data (curves, values) in the reports")
    klass.add_argument("--part", nargs="+", choices=NAMES, metavar="PART", help=PART_HELP)

    service = _command(commands, "serve", "service", "keep a warm grader running for `grade --server`", course=True)
    service.add_argument(
        "--socket", default=f"/tmp/autograder-{os.getuid() if hasattr(os, 'getuid') else 'user'}.sock", help="the Unix socket to listen on"
    )

    rel = _command(commands, "release", "release", "write the student bundle", course=True)
    rel.add_argument("out", help="a new folder")
    rel.add_argument(
        "--zip", action="store_true", help="also write OUT.zip (to hand out; `pip install` of it brings check() to a notebook on Colab)"
    )

    demo = _command(commands, "demo", "demo", "grade the example students in examples/submissions", course=True)
    demo.add_argument("--out", default="build/demo", help="where to write the gradebook")

    new = _command(commands, "new-part", "scaffold", "scaffold a new part: solution, notebook text, grader folder, registry entry")
    new.add_argument("name", help="the part's module name, a Python identifier such as `batch_norm`")
    new.add_argument("--title", help="its title (default: from the name)")
    new.add_argument("--points", type=int, default=5, help="its example test's points (default: 5)")

    refs = _command(commands, "references", "reference_check", "check that the stored reference curves reproduce here")
    refs.add_argument("--write", action="store_true", help="regenerate references/curves.json from solutions/")

    pub = _command(commands, "public-checks", "graders.public_expected", "check (or --write) the public checks' expected results")
    pub.add_argument("--write", action="store_true", help="regenerate autograder/checks/expected.json from solutions/")

    nbs = _command(commands, "notebooks", "platforms.sync", "write notebooks/ (plain, nbgrader, otter) from solutions/", course=True)
    nbs.add_argument("--check", action="store_true", help="only compare; exit 1 if notebooks/ is out of date")
    nbs.add_argument("--out", help="another folder than notebooks/")

    plain = _command(
        commands, "plain", "platforms.notebook_builder", "write the plain student notebooks (no grading dependency)", course=True
    )
    plain.add_argument("out", help="the folder to write <part>.ipynb into")

    nbgrader = _command(commands, "nbgrader", "platforms.nbgrader_export", "write an nbgrader course directory", course=True)
    nbgrader.add_argument("course", help="the course directory (source/<part>/ is written there)")

    otter = _command(
        commands, "otter", "platforms.otter_export", "write otter-grader master notebooks and their support files", course=True
    )
    otter.add_argument("out", help="the folder for <part>.ipynb, autograder/ and solutions/")

    gradescope = _command(
        commands, "gradescope", "platforms.gradescope", "build a Gradescope autograder zip that runs this grader", course=True
    )
    gradescope.add_argument("out", help="the zip to write")
    gradescope.add_argument("--part", action="append", choices=NAMES, help="grade only this part (repeatable; default: all)")

    for name, help in (
        ("ci", "grade in CI and report the score"),
        ("classroom", "the same as `ci` (its name while GitHub Classroom lived)"),
    ):
        ci = _command(commands, name, "platforms.classroom", help, course=True)
        ci.add_argument("path", nargs="?", default=str(EXERCISES_DIR), help="exercises/, a folder of notebooks, or one file")
        ci.add_argument("--summary", help="append a Markdown score summary here ($GITHUB_STEP_SUMMARY)")
        ci.add_argument("--junit", help="write JUnit XML here (one testcase per test)")
        ci.add_argument("--results", help="write Gradescope's results.json here")
        ci.add_argument("--github-output", help="append score=, max-score=, graded-with= and result=<base64> here ($GITHUB_OUTPUT)")
        ci.add_argument(
            "--classroom50", metavar="FILE", help="write Classroom 50's result.json here (identity from its runner's environment)"
        )

    if (PACKAGE_DIR / "platforms" / "classroom50").is_dir():  # instructors' tools, absent from the student bundle
        c50 = _command(
            commands,
            "classroom50",
            "platforms.classroom50.bundle",
            "write Classroom 50's autograder.py and the grader beside it",
            course=True,
        )
        c50.add_argument("out", help="a new folder; copy its content to CLASSROOM/autograders/ASSIGNMENT/ in the classroom50 repository")
        c50.add_argument("--public-only", action="store_true", help="no hidden graders: the student's copy runs the public checks")

    if (PACKAGE_DIR / "lms").is_dir():  # instructors' tools, absent from the student bundle
        from autograder.lms.collect import LMS_CHOICES
        from autograder.lms.export import DEFAULT_ASSIGNMENT, FORMATS

        collect = _command(commands, "collect", "lms.collect", "turn an LMS's bulk download into a class folder and roster.csv")
        collect.add_argument(
            "source", metavar="ARCHIVE_OR_FOLDER", help="the LMS's bulk download: the .zip, or the folder it was extracted to"
        )
        collect.add_argument(
            "--from", dest="lms", required=True, choices=LMS_CHOICES, help="which LMS made the download (folders: one folder per student)"
        )
        collect.add_argument(
            "--out", required=True, metavar="CLASS_DIR", help="the class folder to write (new, or an earlier collect's output)"
        )
        collect.add_argument(
            "--pattern", help="a Python regex for each file's path in the download, with named groups student (required), id, late, file"
        )

        export = _command(commands, "export", "lms.export", "write a gradebook in an LMS's grade import format", course=True)
        export.add_argument("gradebook", metavar="GRADEBOOK", help="the gradebook.csv that grade-class wrote")
        export.add_argument("--to", dest="fmt", required=True, choices=FORMATS, help="the LMS's grade import format (csv: a plain table)")
        export.add_argument("--roster", required=True, help="the roster.csv that collect wrote into the class folder")
        export.add_argument("--out", required=True, metavar="FILE", help="the CSV file to write")
        export.add_argument(
            "--assignment", default=DEFAULT_ASSIGNMENT, help="the assignment's column name in Canvas (its title, or 'Title (id)')"
        )
        export.add_argument(
            "--missing", choices=("empty", "zero"), default="empty", help="grade of a student without submission (default: empty)"
        )
    return main


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv``, run the command's ``main``, and turn a user's mistake into one line and exit code 2."""
    args = parser().parse_args(argv)
    try:
        if args.reads_course:
            from autograder.course import config

            config.use(args.course_file)  # also for the workers and servers this command starts
            if graders_present():  # every test the file names must exist: a typo is an error now, not a silent default
                from autograder.graders.catalog import checked_course

                checked_course()
        return importlib.import_module(args.module).main(args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE_EXIT
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith(("autograder.graders", "autograder.references", "autograder.demo")):
            from autograder.session import BUNDLE_MESSAGE

            print(BUNDLE_MESSAGE.format(args.command), file=sys.stderr)
            return USAGE_EXIT
        raise
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except RuntimeError as error:  # the graders could not load: the instructor's to fix, not the student's
        if "could not be collected" not in str(error) and type(error).__name__ != "MaterialError":
            raise
        print(f"error: the graders could not load: {str(error).splitlines()[0]}", file=sys.stderr)
        return GRADER_EXIT
