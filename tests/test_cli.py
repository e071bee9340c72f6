"""The command line in three groups (issue 21, point 4): student, instructor, maintainer; each command's options beside
its ``main``; the student bundle's command line lists only what it can run."""

from __future__ import annotations

import argparse
import importlib
import inspect

import pytest

from autograder.cli import ALIASES, GROUPS, commands, main
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


def test_the_student_bundle_lists_and_runs_only_the_student_group(tmp_path):
    bundle = tmp_path / "bundle"
    assert run_cli("release", str(bundle)).returncode == 0
    process = run_cli("--help", cwd=bundle)
    assert process.returncode == 0 and "student commands:" in process.stdout, process.stdout
    assert "instructor commands:" not in process.stdout and "maintainer commands:" not in process.stdout, process.stdout
    for command in ("grade", "grade-class", "release", "new-part"):
        refused = run_cli(command, "x", cwd=bundle)
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "not part of the student bundle" in refused.stderr, command
