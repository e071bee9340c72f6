"""Attacking submissions (issue 6): the tools to build and grade them through the command line.

Each folder of ``tests/attacks/`` is one attacking student. Its ``attack.json`` says::

    {"about": "what it does",
     "base": "solutions" | "exercises",   # what the rest of the submission is
     "fails": [...] | "all",              # the tests its honest work fails
     "tampering": true,                   # optional: it rewrites the grader's code in the child
     "control": "tampering_control",      # optional: the attack that is its honest work, graded alongside
     "screened": ["gc", ...]}             # optional: the constructs the screen of the source must name

where each entry of ``fails`` is an exact test name, or a module or
``module.function`` all of whose tests fail.

A tampering attack must be flagged ("tampering: ..." in its results' ``needs_look``) and earn no more
than its honest work: the tests its honest work fails still fail, every other test it loses says that
the grader's own code was modified, and its score is at most its control's. Every other attack must
earn exactly its honest points and never be flagged for tampering.

The screen of the source (:mod:`autograder.screen`) must flag exactly the constructs ``screened`` names
(each a line "screen: <construct> (<where>)" of ``needs_look``), and no attack without ``screened`` may be
screened. A flag takes no points and gives none back: a screened attack, too, earns exactly its honest
points (issue 22: no attack earns more than its control, flagged or not).

Its module files are *appended* to the base's module of the same name (so an
attack can wrap or replace the honest functions, or act at import); any other
file is copied as it is (``NAME.attack`` as ``NAME``: a conftest.py or pytest.ini
stored under its own name would be read by this project's pytest); ``attack_kit.py``
joins every submission. The
outcome required is the issue's: exactly the points of the honest work, the
grader alive and on time, and the results and gradebook the judge's own.

``python -m tests.attacking [NAMES...]`` grades them (all, or those named) as
the current user and prints each outcome; ``tests/test_security.py`` runs
them as root and as an ordinary user at each isolation level, and
``tests/test_security_levels.py`` runs issue 22's at every level.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.reports.dashboard import load_looks
from autograder.sandbox import isolation

ROOT = Path(__file__).resolve().parents[1]
ATTACKS = ROOT / "tests" / "attacks"
KIT = ATTACKS / "attack_kit.py"
SECRET = "s3cret-grader-token-" + os.urandom(8).hex()
PORTS = range(47811, 47821)
LEFTOVER_MARKS = ("ag-forkbomb", "ag-leftover", "sleep 7777")
NOBODY = 65534


@dataclass
class Attack:
    name: str
    folder: Path
    about: str
    base: str
    fails: list[str] | str
    tampering: bool = False
    control: str | None = None
    screened: tuple[str, ...] = ()


def load(names: list[str] | None = None) -> list[Attack]:
    """The attacks named (default: all), with the honest controls they are compared with."""
    if names:
        controls = [json.loads((ATTACKS / name / "attack.json").read_text()).get("control") for name in names]
        names = [*names, *(control for control in controls if control)]
    found = []
    for folder in sorted(p for p in ATTACKS.iterdir() if (p / "attack.json").is_file()):
        if names and folder.name not in names:
            continue
        spec = json.loads((folder / "attack.json").read_text())
        attack = Attack(
            folder.name,
            folder,
            spec["about"],
            spec["base"],
            spec["fails"],
            spec.get("tampering", False),
            spec.get("control"),
            tuple(spec.get("screened", ())),
        )
        found.append(attack)
    return found


def materialise(attacks: list[Attack], class_dir: Path) -> None:
    """One submission folder per attack: the base's modules with the attack's code appended, plus its other files."""
    class_dir.mkdir(parents=True, exist_ok=True)
    for attack in attacks:
        target = class_dir / attack.name
        target.mkdir()
        for path in (ROOT / attack.base).glob("*.py"):
            shutil.copyfile(path, target / path.name)
        shutil.copyfile(KIT, target / KIT.name)
        for path in sorted(attack.folder.rglob("*")):
            relative = path.relative_to(attack.folder)
            if path.is_dir() or path.name == "attack.json":
                continue
            if relative.suffix == ".attack":  # conftest.py and pytest.ini are stored so that pytest never reads them here
                relative = relative.with_suffix("")
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            if destination.exists() and relative.parent == Path("."):
                destination.write_text(destination.read_text() + path.read_text())
            else:
                shutil.copyfile(path, destination)


def expected_failures_of(entry: str, names: set[str]) -> set[str]:
    """The tests one ``fails`` entry stands for: an exact test name ("module.function: words"), or a module
    or ``module.function`` whose every test fails (so that a test the graders add later is covered too)."""
    if ": " in entry:
        return {entry} & names
    return {name for name in names if name.partition(":")[0] == entry or name.partition(".")[0] == entry}


def expected_failures(attack: Attack, names: set[str]) -> set[str]:
    if attack.fails == "all":
        return set(names)
    return set().union(*(expected_failures_of(entry, names) for entry in attack.fails))


def problems(attack: Attack, out: Path) -> list[str]:
    """How the graded outcome differs from the attack's honest points (empty: exactly as required)."""
    folder = out / attack.name
    results = json.loads((folder / "results.json").read_text())
    report = json.loads((folder / "report.json").read_text())
    found = []
    if report.get("status") != "graded":
        found.append(f"status is {report.get('status')!r}, not 'graded'")
    tests = {t["name"]: t for t in results["tests"]}
    if len(tests) < 40 or abs(sum(t["max_score"] for t in tests.values()) - 100) > 1e-9:
        found.append(f"only {len(tests)} tests, worth {sum(t['max_score'] for t in tests.values()):g}")
    expected = expected_failures(attack, set(tests))
    unknown = [entry for entry in (attack.fails if attack.fails != "all" else []) if not expected_failures_of(entry, set(tests))]
    if unknown:
        found.append(f"attack.json names tests that do not exist: {unknown}")
    failed = {name for name, t in tests.items() if t["score"] < t["max_score"]}
    honest = sum(t["max_score"] for name, t in tests.items() if name not in expected)
    if expected - failed:
        found.append(f"passed but its honest work fails: {sorted(expected - failed)}")
    found += screen_problems(attack, flags_of(results))
    if attack.tampering:
        return found + tampering_problems(attack, out, results, failed - expected, honest)
    flags = [flag for flag in flags_of(results) if not flag.startswith(SCREEN)]
    if flags:
        found.append(f"flagged although it tampers with nothing: {flags}")
    if failed - expected:
        found.append(f"failed but its honest work passes: {sorted(failed - expected)}")
    partial = [name for name, t in tests.items() if 0 < t["score"] < t["max_score"]]
    if partial:
        found.append(f"partial points: {partial}")
    if abs(results["score"] - honest) > 1e-9:
        found.append(f"score {results['score']:g}, honest work earns {honest:g}")
    return found


def flags_of(results: dict) -> list[str]:
    """The needs-a-look flags of a results.json: under ``extra_data``, Gradescope's place for data of one's own."""
    return list((results.get("extra_data") or {}).get("needs_look") or [])


SCREEN = "screen: "  # the screen of the source's lines in needs_look: "screen: <construct> (<file>, line <n>)"


# "screen: <construct> (<file>, line 3)" or "(<file>, lines 3, 9 and 2 more)" (autograder.screen's places in one file).
SCREEN_LINE = re.compile(r"^screen: (?P<construct>.+) \((?P<file>[^,()]+), lines? (?P<lines>\d+(?:, \d+)*)(?: and \d+ more)?\)$")


def attack_lines(attack: Attack) -> dict[str, range]:
    """Where the attack's own code lies in its materialised submission: file name -> the lines it wrote there
    (after the base's module, for a module appended to it)."""
    lines: dict[str, range] = {}
    for path in attack.folder.glob("*.py"):
        base = ROOT / attack.base / path.name
        start = len(base.read_text().splitlines()) if base.is_file() else 0
        lines[path.name] = range(start + 1, start + len(path.read_text().splitlines()) + 1)
    return lines


def screen_problems(attack: Attack, flags: list[str]) -> list[str]:
    """The screen must name exactly the constructs ``attack.screened`` lists, each at a line of the attack's own code."""
    found = []
    screened = [flag for flag in flags if flag.startswith(SCREEN)]
    own = attack_lines(attack)
    for flag in screened:
        where = SCREEN_LINE.match(flag)
        lines = [int(n) for n in where["lines"].split(", ")] if where else []
        if where is None or not all(line in own.get(where["file"], range(0)) for line in lines):
            found.append(f"a screen flag that does not point into the attack's own code ({sorted(own)}): {flag!r}")
    missing = [c for c in attack.screened if not any(flag.startswith(f"{SCREEN}{c} (") for flag in screened)]
    if missing:
        found.append(f"the screen did not name {missing}: needs_look is {flags!r}")
    unexpected = [flag for flag in screened if not any(flag.startswith(f"{SCREEN}{c} (") for c in attack.screened)]
    if unexpected:
        found.append(f"screened for what attack.json does not list: {unexpected}")
    return found


TAMPERING_MESSAGE = "The grader's own code was modified"


def tampering_problems(attack: Attack, out: Path, results: dict, lost: set[str], honest: float) -> list[str]:
    """A tampering attack: flagged, no more than its honest work, and every extra test lost for the tampering."""
    found = []
    if not any(flag.startswith("tampering: ") for flag in flags_of(results)):
        found.append(f"not flagged for tampering: needs_look is {flags_of(results)!r}")
    messages = {t["name"]: t["output"] for t in results["tests"]}
    unexplained = sorted(name for name in lost if TAMPERING_MESSAGE not in messages[name])
    if unexplained:
        found.append(f"failed without saying the grader's code was modified, though its honest work passes: {unexplained}")
    if results["score"] > honest + 1e-9:
        found.append(f"score {results['score']:g}, more than its honest work's {honest:g}")
    if attack.control is not None:
        control = json.loads((out / attack.control / "results.json").read_text())["score"]
        if results["score"] > control + 1e-9:
            found.append(f"score {results['score']:g}, more than its honest control {attack.control}'s {control:g}")
    return found


def gradebook_problems(out: Path) -> list[str]:
    """The gradebook must be the judge's own: each row's total equal to that student's results.json, its needs_look
    the files that could not be loaded (report.json's load_errors) and then results.json's flags."""
    found = []
    rows = list(csv.DictReader((out / "gradebook.csv").open()))
    if not rows:
        return ["the gradebook is empty"]
    for row in rows:
        results = json.loads((out / row["student"] / "results.json").read_text())
        report = json.loads((out / row["student"] / "report.json").read_text())
        flags = "; ".join([*load_looks(report.get("load_errors") or {}), *flags_of(results)])
        if abs(float(row["total"]) - results["score"]) > 1e-9 or row["status"] != "graded" or row["needs_look"] != flags:
            found.append(f"gradebook row {row} does not match results.json (score {results['score']:g})")
    return found


def fingerprint(paths: list[Path]) -> dict[str, str]:
    """Content hashes of every file under ``paths``: what must be intact after grading."""
    prints = {}
    for path in paths:
        for file in sorted([path] if path.is_file() else path.rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts:
                prints[str(file)] = hashlib.sha256(file.read_bytes()).hexdigest()
    return prints


def leftovers() -> list[str]:
    """Processes left behind by the attacks (by name or command line), anywhere on this machine."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        with contextlib.suppress(OSError):
            comm = Path(f"/proc/{entry}/comm").read_text().strip()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if any(mark in comm or mark in cmdline for mark in LEFTOVER_MARKS):
                found.append(f"{entry} {comm} {cmdline.strip()}")
    return found


class Listener:
    """A TCP server on 127.0.0.1 (first free port of PORTS) that records every connection it accepts."""

    def __init__(self) -> None:
        self.connections: list[str] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        for port in PORTS:
            try:
                self.sock.bind(("127.0.0.1", port))
                break
            except OSError:
                continue
        self.port = self.sock.getsockname()[1]
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, address = self.sock.accept()
            except OSError:
                continue
            self.connections.append(str(address))
            connection.close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.sock.close()

    def __enter__(self) -> Listener:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def python_runs_as(uid: int) -> bool:
    """Whether this interpreter can be started by ``uid`` (a home folder closed to others may prevent it)."""
    return subprocess.run([*_drop(uid), sys.executable, "-c", "pass"], capture_output=True).returncode == 0


def _drop(uid: int) -> list[str]:
    """setpriv to ``uid`` with no capabilities left (setpriv alone would let root's capabilities through exec)."""
    return ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "env", "HOME=/tmp"]


def as_user(command: list[str], uid: int) -> list[str]:
    """``command`` run as ``uid`` (from root). If the interpreter's folders are closed to ``uid`` (this machine's
    Python lives under /root), it runs in a private mount namespace where only those folders are opened."""
    drop = _drop(uid)
    isolation.reach(Path(sys.prefix))  # a project cloned into a private folder: its environment, as the sandbox does
    if python_runs_as(uid):
        return [*drop, *command]
    prefix = Path(sys.base_prefix).resolve()
    closed = next(p for p in [*reversed(prefix.parents), prefix] if p != Path("/") and not os.stat(p).st_mode & 0o001)
    inner = f"""set -e
hold=$(mktemp -d)
mount --bind {prefix} "$hold"
mount -t tmpfs -o mode=0755 tmpfs {closed}
mkdir -p {prefix}
mount --bind "$hold" {prefix}
exec "$@"
"""
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", inner, "sh", *drop, *command]


def grade_class(
    class_dir: Path, out: Path, level: str | None = None, uid: int | None = None, workers: int = 2, timeout: float = 600
) -> tuple[subprocess.CompletedProcess, float]:
    """``python -m autograder grade-class`` as an instructor runs it, with a secret in the environment."""
    command = [sys.executable, "-m", "autograder", "grade-class", str(class_dir), "--out", str(out), "--regrade", "--no-reports"]
    command += ["--workers", str(workers)]
    env = {**os.environ, "AUTOGRADER_TEST_SECRET": SECRET, "GRADER_API_TOKEN": SECRET}
    env.pop("AUTOGRADER_ISOLATION", None)
    if level:
        env["AUTOGRADER_ISOLATION"] = level
    if uid is not None:
        command = as_user(command, uid)
    started = time.monotonic()
    process = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    return process, time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m tests.attacking", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these attacks")
    parser.add_argument("--level", help="the highest isolation level to try (namespaces, user, none)")
    parser.add_argument("--out", help="keep the graded class here")
    args = parser.parse_args(argv)
    attacks = load(args.names or None)
    with tempfile.TemporaryDirectory() as tmp, Listener() as listener:
        class_dir, out = Path(tmp) / "class", Path(args.out or Path(tmp) / "out")
        materialise(attacks, class_dir)
        process, seconds = grade_class(class_dir, out, args.level)
        print(process.stdout[-4000:], process.stderr[-4000:])
        for attack in attacks:
            found = problems(attack, out)
            score = json.loads((out / attack.name / "results.json").read_text())["score"]
            print(f"{'ok ' if not found else 'BAD'} {attack.name:22s} {score:6g}")
            for problem in found:
                print(f"      {problem}")
        print(f"{seconds:.1f} s; connections: {listener.connections}; leftovers: {leftovers()}")
        print("gradebook:", gradebook_problems(out) or "the judge's own")
    return 0


if __name__ == "__main__":
    sys.exit(main())
