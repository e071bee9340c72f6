"""The command line, ``python -m autograder <command>``: it only binds each command to its module's ``options`` and ``main``.

Commands come in three groups (``--help`` shows them): what a student runs, what an
instructor runs, what a maintainer of the course runs. Each command's options live beside
its ``main``, in its own module; this module imports only the module of the command asked
for. A command that reads the course file gets ``--course FILE`` here (default:
``$AUTOGRADER_COURSE``, else ``course.toml`` at the project's root); the :class:`Course` is
read once, checked against the graders' tables, and handed to ``main(args, course)``.
The commands are declared once, in :mod:`autograder.commands`; the student bundle holds only the modules of its
``BUNDLED`` group's commands, and a command is listed only where its module's file is, so the bundle's ``--help``
lists only what it can run; any other command's name is one line and exit 2.

Exit codes: 0 done (for grading: whatever the score), 1 a check found something out of date,
2 a bad command line or input (one line on stderr), 3 the graders themselves broke or cannot load.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from autograder import graders_present
from autograder.commands import ALIASES, GROUPS, Command, commands
from autograder.course.config import Course, resolve
from autograder.errors import GRADER_EXIT, USAGE_EXIT, GraderLoadError, InputError

PROG = "python -m autograder"
ABSENT = "`{}` is not part of the student bundle: it needs the instructor's project. Use `python -m autograder check`."
COURSE_HELP = "this term's course file (default: $AUTOGRADER_COURSE, else course.toml at the project's root)"
INTERRUPTED_EXIT = 130


def overview() -> str:
    """The commands by group, for ``--help``."""
    available = commands()
    lines = []
    for group, members in GROUPS.items():
        shown = [command for command in members if command.name in available]
        if shown:
            lines.append(f"{group} commands:")
            lines += [f"  {command.name:16s}{command.help}" for command in shown]
            lines.append("")
    lines.append(f"`{PROG} COMMAND --help` shows a command's options.")
    return "\n".join(lines)


def parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; only the ``chosen`` command gets its options (its module is imported for them)."""
    top = argparse.ArgumentParser(
        prog=PROG,
        description="Autograder for the chapter 'Training Neural Networks'.",
        epilog=overview(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND", help="one of the commands below")
    for name, command in commands().items():
        one = sub.add_parser(name, description=command.help)
        one.set_defaults(chosen=command)
        if name == chosen:
            importlib.import_module(f"autograder.{command.module}").options(one)
            if command.course:
                one.add_argument("--course", dest="course_file", metavar="FILE", default=os.environ.get("AUTOGRADER_COURSE"), help=COURSE_HELP)
    return top


def _chosen(argv: Sequence[str]) -> str | None:
    """The command named on the command line (the first word that is one), before parsing."""
    available = commands()
    return next((word for word in argv if word in available), None)


def course_for(command: Command, args: argparse.Namespace) -> Course:
    """The course ``command`` runs under: read once from ``--course`` (or the default), checked against the tables."""
    course = resolve(args.course_file)
    if graders_present():  # every test the file names must exist: a typo is an error now, not a silent default
        from autograder.graders.catalog import check_course  # the hidden graders' catalog: absent from the student bundle

        check_course(course)
    return course


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv``, run the command's ``main``; a user's mistake is one line and exit 2, a grader that cannot load exit 3."""
    argv = list(sys.argv[1:] if argv is None else argv)
    first = next((word for word in argv if not word.startswith("-")), None)
    known = {command.name for group in GROUPS.values() for command in group} | set(ALIASES)
    if first in known and first not in commands():  # an instructor's command, asked for in the student bundle
        print(f"error: {ABSENT.format(first)}", file=sys.stderr)
        return USAGE_EXIT
    args = parser(_chosen(argv)).parse_args(argv)
    command: Command = args.chosen
    try:
        module = importlib.import_module(f"autograder.{command.module}")
        if command.course:
            return module.main(args, course_for(command, args))
        return module.main(args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return USAGE_EXIT
    except GraderLoadError as error:  # the graders could not load: the instructor's to fix, not the student's
        print(f"error: the graders could not load: {str(error).splitlines()[0]}", file=sys.stderr)
        return GRADER_EXIT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return INTERRUPTED_EXIT
