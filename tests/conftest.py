"""Shared helpers for the project's own tests."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, timeout: float = 600, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run ``python -m autograder ...`` the way a user does, from the project root."""
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def grade(path: Path, tmp_path: Path, *extra: str) -> tuple[dict, subprocess.CompletedProcess]:
    """Grade one submission through the command line; returns Gradescope's results.json and the process."""
    results = tmp_path / f"results-{path.name}.json"
    process = run_cli("grade", str(path), "--results", str(results), *extra)
    assert process.returncode == 0, process.stderr[-3000:]
    return json.loads(results.read_text()), process


def check_gradescope(results: dict) -> dict:
    """Validate ``results`` against the schema written from Gradescope's specification (no unknown key); returns it."""
    import jsonschema  # the dev extra

    from autograder.platforms.gradescope import RESULTS_SCHEMA

    jsonschema.validate(results, json.loads(RESULTS_SCHEMA.read_text()), cls=jsonschema.Draft202012Validator)
    return results


@pytest.fixture
def solution_copy(tmp_path: Path):
    """A fresh copy of solutions/ that a test may break on purpose."""

    def make(name: str = "submission") -> Path:
        target = tmp_path / name
        target.mkdir()
        for path in (ROOT / "solutions").glob("*.py"):
            (target / path.name).write_text(path.read_text())
        return target

    return make


def copy_project(target: Path, tests: bool = False) -> Path:
    """Copy the project's files as a fresh clone holds them (tracked and new, nothing ignored) into ``target``."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True, check=True)
    for relative in listed.stdout.splitlines():
        if (relative.startswith("tests/") and not tests) or not (ROOT / relative).is_file():
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / relative, target / relative)
    return target


@pytest.fixture
def arena():
    """A folder every user can traverse, for the attacks (pytest's own tmp folders are private to root, which would
    hide what tests/test_security.py and tests/test_security_levels.py test)."""
    folder = Path(tempfile.mkdtemp(prefix="attacks-"))
    folder.chmod(0o755)
    yield folder
    subprocess.run(["rm", "-rf", str(folder)], check=False)
