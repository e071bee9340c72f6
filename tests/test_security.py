"""Untrusted submissions (issue 6): no student can read, forge or crash their way to points.

Every attacking student of ``tests/attacks/`` (see :mod:`tests.attacking`) is
graded through ``python -m autograder grade-class``, as an instructor runs it,
with a secret token in the grader's environment and a TCP listener on
127.0.0.1. Each must earn exactly the points of its honest work; the grader
must finish in time with results and a gradebook of its own; no process of a
student may survive the grade; the hidden and trusted files must be intact;
neither the secret nor a connection may reach a student.

The defences differ with who grades (see the security model, docs/security.md), so the
attacks whose defence differs run again: as root without namespaces (the
"user" level, as in a default Docker container, with issue 22's attacks) and as an
ordinary user (in a user namespace). Each run is skipped, saying why, where the
machine cannot offer it. These runs close the project to other users or grade as one,
so they stay in this file, which one pytest-xdist worker runs test after test;
tests/test_security_levels.py holds the runs that need no such care (every attack
in namespaces, issue 22's at the none level).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from autograder import PROJECT_ROOT
from tests import attacking
from tests.attacking import NOBODY, SECRET, Listener, fingerprint, gradebook_problems, leftovers, materialise, problems

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (the grader runs as root on Gradescope)")
# The attacks whose defence depends on who grades and on the kernel: reading, writing, signals, processes, secrets.
STALL_GUARD_S, STALL_GUARD_PER_SUBMISSION_S = 60, 15
# Issue 22's attacks; their honest controls (tampering_control, label_peeking_control) are graded with them.
ISSUE_22 = [
    "frame_walk",
    "gc_objects",
    "class_swap",
    "patch_restore",
    "ctypes_rebind",
    "socket_relay",
    "optimizer_patch",
    "dispatcher_kernel",
    "modules_shadow",
    "label_peeking",
    "autograd_in_backprop",
    "torch_smuggled",
    "global_switches",
    "torch_function",
    "placeholder_dropout_extremes",
    "placeholder_dropout_random",
    "placeholder_three_steps",
    "placeholder_validation_modes",
    "placeholder_verbose",
    "probe_attributes",
    "probe_unarmed",
    "probe_layers",
    "probe_grad_patch",
]
DIFFERING = ["exits_in_functions", "exhaust_processes", "read_hidden", "secrets_network", "victim", "write_trusted"]


def ordinary_uid() -> int | None:
    """The ordinary user the tests grade as: nobody when run as root, else the current user (no change)."""
    return NOBODY if os.geteuid() == 0 else None


def namespaces_refusal(uid: int | None) -> str:
    """Why the sandbox cannot use namespaces for ``uid`` here ("" when it can), as the fork server would find."""
    with tempfile.TemporaryDirectory() as base:
        os.mkdir(os.path.join(base, "work"))
        if uid is not None:
            os.chown(base, uid, uid)
            os.chown(os.path.join(base, "work"), uid, uid)
        code = f"from autograder.sandbox import isolation; print(isolation._probe({{'base': {base!r}, 'hidden': []}}))"
        command = [sys.executable, "-c", code]
        if uid is not None:
            command = attacking.as_user(command, uid)
        process = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
        if process.returncode != 0:
            return process.stderr.strip()[-300:] or "the probe failed"
        return process.stdout.strip()


def grade_attacks(arena: Path, names: list[str] | None, level: str | None = None, uid: int | None = None) -> dict:
    """Grade the attacks in one grade-class run and check everything the issue requires; returns facts for more checks."""
    attacks = attacking.load(names)
    class_dir, out_parent = arena / "class", arena / "graded"
    materialise(attacks, class_dir)
    out_parent.mkdir()
    if uid is not None:
        for path in [class_dir, *class_dir.rglob("*"), out_parent]:
            os.chown(path, uid, uid)
    # The class folder must come out as it went in (the project's own files are probed by write_trusted:
    # hashing them here would race with people editing the project while the tests run).
    before = fingerprint([class_dir])
    with Listener() as listener:
        process, seconds = attacking.grade_class(class_dir, out_parent / "out", level=level, uid=uid)
    out = out_parent / "out"
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    found = {attack.name: problems(attack, out) for attack in attacks}
    assert {name: p for name, p in found.items() if p} == {}
    assert gradebook_problems(out) == []
    assert listener.connections == [], "a student reached the network"
    assert leftovers() == [], "a student's process outlived the grade"
    assert fingerprint([class_dir]) == before, "a student's folder changed"
    texts = [process.stdout, process.stderr] + [p.read_text(errors="replace") for p in out.rglob("*") if p.is_file()]
    assert not any(SECRET in text for text in texts), "the grader's secret reached a student's results"
    probes = [str(p) for p in [*PROJECT_ROOT.glob(".sandbox-probe-*"), *arena.rglob(".sandbox-probe-*")]]
    assert probes == []
    notes = {note for name in found for note in json.loads((out / name / "report.json").read_text())["notes"]}
    # A guard against a stall (an attack that holds the grader past its time limits), not a speed measure: speed is
    # make bench's business, as ratios. Generous, so that a loaded machine never fails it.
    assert seconds < STALL_GUARD_S + STALL_GUARD_PER_SUBMISSION_S * len(attacks), f"grading {len(attacks)} attacks took {seconds:.0f} s"
    return {"out": out, "seconds": seconds, "notes": notes}


@contextlib.contextmanager
def project_modes_kept():
    """Put the project's permissions back after a grade at the "user" level, which closes the project to other users."""
    watched = [PROJECT_ROOT, *PROJECT_ROOT.iterdir(), attacking.ROOT / "autograder"]
    modes = {path: stat.S_IMODE(path.lstat().st_mode) for path in watched if not path.is_symlink()}
    try:
        yield
    finally:
        for path, mode in modes.items():  # the grader closed the project to other users: open it again
            path.chmod(mode)
        for path in set(PROJECT_ROOT.iterdir()) - set(modes):  # made meanwhile (by someone else): as its group
            if not path.is_symlink():
                mode = stat.S_IMODE(path.lstat().st_mode)
                path.chmod(mode | (mode & 0o050) >> 3)


@ROOT_ONLY
def test_attacks_as_root_without_namespaces(arena):
    """The "user" level: an unprivileged user id per fork server, the hidden files and class folder closed by permissions."""
    with project_modes_kept():
        facts = grade_attacks(arena, DIFFERING, level="user")
    assert any("unprivileged user id" in note for note in facts["notes"]), facts["notes"]


def test_attacks_as_an_ordinary_user(arena):
    """An ordinary user in a user namespace: the same defences without root (capabilities dropped instead of the uid)."""
    uid = ordinary_uid()
    refusal = namespaces_refusal(uid)
    if refusal:
        pytest.skip(f"user namespaces are refused here ({refusal}): the sandbox is weak for ordinary users, as documented")
    facts = grade_attacks(arena, DIFFERING, uid=uid)
    assert not any(note.startswith("sandbox:") for note in facts["notes"]), facts["notes"]


def test_weak_isolation_is_reported_and_the_network_still_cut(arena):
    """Without namespaces nor root ("none") the report says plainly that the sandbox is weak; seccomp still cuts the network."""
    uid = ordinary_uid()
    attacks = attacking.load(["secrets_network"])
    materialise(attacks, arena / "class")
    report = arena / "report.json"
    command = [
        sys.executable,
        "-m",
        "autograder",
        "grade",
        str(arena / "class" / "secrets_network"),
        "--json",
        str(report),
        "-k",
        "sigmoid",
    ]
    if uid is not None:
        for path in [arena, *arena.rglob("*")]:
            os.chown(path, uid, uid)
        command = attacking.as_user(command, uid)
    env = {**os.environ, "AUTOGRADER_ISOLATION": "none"}
    with Listener() as listener:
        process = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert process.returncode == 0, process.stderr[-3000:]
    notes = json.loads(report.read_text())["notes"]
    assert any("WEAK ISOLATION" in note and "Network is cut off" in note for note in notes), notes
    assert "WEAK ISOLATION" in process.stdout
    assert listener.connections == []


def test_a_killed_grade_leaves_zero_or_the_judges_own_results(arena):
    """results.json holds zero before any student code runs, then the judge's results as tests finish; kill -9 keeps them."""
    materialise(attacking.load(["exhaust_time"]), arena / "class")
    results = arena / "results.json"
    command = [sys.executable, "-m", "autograder", "grade", str(arena / "class" / "exhaust_time"), "--results", str(results)]
    env = {**os.environ, "GRADER_API_TOKEN": SECRET}
    judge = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    sandbox: list[int] = []
    environments: list[bytes] = []
    try:
        deadline = time.monotonic() + 120
        seen_empty = False
        while time.monotonic() < deadline:
            data = json.loads(results.read_text()) if results.exists() else None
            if data and len(data["tests"]) == 1:
                assert data["score"] == 0 and data["tests"][0]["name"] == "grading: not finished"
                seen_empty = True
            if data and len(data["tests"]) > 4:  # some tests are graded, and the rest under way
                sandbox = descendants(judge.pid)
                environments = [_environ(pid) for pid in sandbox]
                break
            time.sleep(0.05)
        assert seen_empty, "no zero results.json before the first test finished"
    finally:
        os.killpg(judge.pid, signal.SIGKILL)
        judge.wait()
    data = json.loads(results.read_text())
    names = [t["name"] for t in data["tests"]]
    assert names[-1] == "grading: not finished" and "not your score" in data["tests"][-1]["output"]
    assert data["score"] == sum(t["score"] for t in data["tests"]) <= 100
    assert len(sandbox) >= 3, sandbox  # the fork server's waiter, the fork server, the child
    # The scrubbed environment: the grader's token is in no sandbox process's /proc/PID/environ.
    assert all(SECRET.encode() not in text for text in environments)
    assert os.geteuid() != 0 or all(b"PATH=" in text for text in environments), "the environments could not be read"
    deadline = time.monotonic() + 10  # the fork server notices that its judge is gone, and takes every child with it
    while alive(sandbox) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert alive(sandbox) == [] and leftovers() == []


def _environ(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return b""


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, their children, ...)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(_stat(int(entry))[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        children = [child for child, parent in parents.items() if parent == current]
        found += children
        frontier += children
    return found


def alive(pids: list[int]) -> list[int]:
    """Those of ``pids`` still running (zombies waiting to be reaped do not count)."""
    running = []
    for pid in pids:
        try:
            if _stat(pid)[0] != "Z":
                running.append(pid)
        except (OSError, IndexError):
            continue
    return running


@ROOT_ONLY
def test_issue_22_attacks_at_the_user_level(arena):
    """Root without namespaces, as in a default Docker container: an unprivileged user id per fork server."""
    with project_modes_kept():
        facts = grade_attacks(arena, ISSUE_22, level="user")
    assert any("unprivileged user id" in note for note in facts["notes"]), facts["notes"]
