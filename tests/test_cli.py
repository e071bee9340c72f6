"""The command line in three groups (issue 21, point 4): student, instructor, maintainer; each command's options beside
its ``main``; the student bundle's command line lists only what it can run."""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import re
import subprocess
import sys

import pytest

from autograder.cli import ABSENT, main
from autograder.commands import ALIASES, BUNDLED, GROUPS, commands
from tests.conftest import ROOT, run_cli

STUDENT = {"check", "hint", "ci"}
INSTRUCTOR = {"grade", "grade-class", "collect", "export", "release", "dashboard"}
MAINTAINER = {"references", "notebooks", "build-exercises", "new-part", "bench"}


def test_the_groups_hold_the_issues_commands():
    names = {group: {command.name for command in members} for group, members in GROUPS.items()}
    assert list(GROUPS) == ["student", "instructor", "maintainer"]
    assert names["student"] == STUDENT
    assert INSTRUCTOR <= names["instructor"] and MAINTAINER <= names["maintainer"]
    every = [command.name for members in GROUPS.values() for command in members]
    assert len(every) == len(set(every)) and set(ALIASES.values()) <= set(every)


def test_help_shows_the_groups_in_order_with_every_command():
    process = run_cli("--help")
    assert process.returncode == 0
    text = process.stdout
    positions = [text.index(f"{group} commands:") for group in GROUPS]
    assert positions == sorted(positions)
    for group, members in GROUPS.items():
        section = text[text.index(f"{group} commands:") :].split("\n\n")[0]
        assert all(f"  {command.name} " in section for command in members), (group, section)


def test_each_command_keeps_its_options_beside_its_main(capsys):
    """Every command's module has ``options(parser)`` and ``main``; a command that reads the course takes it as an argument."""
    for name, command in commands().items():
        module = importlib.import_module(f"autograder.{command.module}")
        parser = argparse.ArgumentParser(prog=name)
        module.options(parser)
        parameters = list(inspect.signature(module.main).parameters)
        assert parameters == (["args", "course"] if command.course else ["args"]), (name, parameters)
        with pytest.raises(SystemExit) as done:
            main([name, "--help"])
        text = capsys.readouterr().out
        assert done.value.code == 0 and command.help in " ".join(text.split()), name
        assert ("--course" in text) == command.course, name


def test_a_bad_course_file_is_one_line_before_any_work(tmp_path):
    bad = tmp_path / "course.toml"
    bad.write_text("[limits]\ncall_second = 1\n")
    process = run_cli("grade", str(ROOT / "solutions"), "--course", str(bad))
    assert process.returncode == 2 and process.stderr.count("\n") == 1 and "limits.call_second" in process.stderr, process.stderr


def listed_commands(help_text: str) -> list[str]:
    """The command names ``--help`` lists under its "... commands:" headings (two spaces, then the name)."""
    groups = help_text[help_text.index(" commands:\n") :]
    return re.findall(r"^  (\S+) ", groups, re.MULTILINE)


def test_the_student_bundle_runs_every_command_it_lists(tmp_path):
    """The released bundle alone (PYTHONPATH the bundle only, from its folder, as its README runs it): ``--help`` lists
    the bundled group, every listed command's ``--help`` runs (no ModuleNotFoundError for a module left out), and
    every other command's name is one ``error:`` line and exit 2, not a traceback."""
    bundle = tmp_path / "bundle"
    assert run_cli("release", str(bundle)).returncode == 0
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"} | {"PYTHONPATH": str(bundle)}

    def in_bundle(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=bundle, env=env, capture_output=True, text=True, timeout=300)

    where = subprocess.run([sys.executable, "-c", "import autograder; print(autograder.__file__)"], cwd=bundle, env=env, capture_output=True, text=True)
    assert where.stdout.strip() == str(bundle / "autograder" / "__init__.py"), where.stdout + where.stderr
    shown = in_bundle("--help")
    assert shown.returncode == 0 and "student commands:" in shown.stdout, shown.stdout + shown.stderr
    listed = listed_commands(shown.stdout)
    assert listed == [command.name for command in GROUPS[BUNDLED]], shown.stdout
    aliases = [alias for alias, name in ALIASES.items() if name in listed]
    for name in [*listed, *aliases]:
        helped = in_bundle(name, "--help")
        assert helped.returncode == 0 and helped.stderr == "", f"{name}: {helped.stderr[-2000:]}"
        assert helped.stdout.startswith(f"usage: python -m autograder {name} "), (name, helped.stdout)
    others = [command.name for group in GROUPS.values() for command in group if command.name not in listed]
    others += [alias for alias in ALIASES if alias not in aliases]
    assert {"grade", "grade-class", "collect", "export", "release", "new-part", "references"} <= set(others)
    for args in [(name, "--help") for name in others] + [("grade", "exercises", "--course", "course.toml"), ("new-part",)]:
        refused = in_bundle(*args)
        assert refused.returncode == 2 and refused.stdout == "", (args, refused.stdout)
        assert refused.stderr == f"error: {ABSENT.format(args[0])}\n", (args, refused.stderr)
