"""The judge's side of the sandbox: start the fork server, run a submission in a child, call it.

Typical use::

    with ForkServer() as server:
        submission = Submission(server, Path("exercises"))
        outcome = submission.call("backprop.sigmoid", 0.0)
        outcome.ok, outcome.value        # True, {"result": 0.5, "type": "float"}

A call that raises, hangs, crashes the child or answers garbage gives an
:class:`Outcome` with ``ok=False`` and an :class:`Failure` saying which; the
child is then replaced by a fresh one on the next call, so one broken
function never costs the points of another.

How far the child is isolated depends on the machine (see
:mod:`autograder.sandbox.isolation`): :attr:`ForkServer.isolation` says what
the fork server reached, and :attr:`ForkServer.notes` says it in words for the
instructor when it is weaker than namespaces.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from autograder import PACKAGE_DIR, PROJECT_ROOT, SOLUTIONS_DIR
from autograder.course.parts import NAMES, part
from autograder.sandbox import wire

SAFE_ENV_KEYS = ("PATH", "LANG", "LC_ALL", "TZ")
MAX_SUBMISSION_BYTES = 20 * 1024 * 1024
COPIED_SUFFIXES = (".py", ".ipynb", ".txt", ".csv", ".json", ".md")
MAX_TIMEOUTS = 2
MAX_REPLY_BYTES = 32 * 1024 * 1024  # a reply larger than this is refused before it is read
ISOLATION_VARIABLE = "AUTOGRADER_ISOLATION"  # "namespaces" (default), "user" or "none": the highest level to try
WEAK_ISOLATION = {
    "user": (
        "sandbox: namespaces are not available here ({reason}), so student code runs as the unprivileged user "
        "id {uid}, with the hidden files and the class folder made unreadable to it; but it shares this machine's "
        "file system (it can write world-writable folders such as /tmp) and sees its processes. Network is {network}."
    ),
    "none": (
        "sandbox: WEAK ISOLATION ({reason}). Student code runs as the grader's own user: it can read the hidden "
        "graders, reference curves and solutions, and signal or overwrite the grader's processes and files. "
        "Network is {network}. Grade untrusted code as root, or where user namespaces are allowed."
    ),
}


def hidden_paths() -> tuple[list[Path], list[Path]]:
    """What a child must not read at the ``user`` level: (paths to close to others, folders to keep traversable).

    Everything in the project except the virtual environment (when it lives there); the
    project folder itself stays traversable then, so that the environment is reachable.
    """
    venv = Path(sys.prefix).resolve()
    inside = venv.is_relative_to(PROJECT_ROOT.resolve())
    closed = [entry for entry in PROJECT_ROOT.iterdir() if not venv.is_relative_to(entry.resolve())]
    closed += [path for path in (PACKAGE_DIR, SOLUTIONS_DIR) if not path.resolve().is_relative_to(PROJECT_ROOT.resolve())]
    return (closed, [PROJECT_ROOT]) if inside else ([*closed, PROJECT_ROOT], [])


TAMPERED_EXIT = "exit 86"  # the child's status when it found the harness modified and could not put it back


@dataclass
class Failure:
    """Why a call gave no value: ``kind`` is exception, import, timeout, crash, missing, protocol or tampering."""

    kind: str
    type: str = ""
    message: str = ""
    where: list = field(default_factory=list)


@dataclass
class Outcome:
    ok: bool
    value: object = None
    failure: Failure | None = None
    stdout: str = ""
    seconds: float = 0.0


class ForkServer:
    """A fresh interpreter that forks sandboxed children on request (see :mod:`autograder.sandbox.forkserver`);
    ``withhold`` names libraries its children may not use (see :mod:`autograder.sandbox.libraries`)."""

    limits_cpu = True  # each request carries a CPU budget (resource limits, Linux)

    def __init__(self, startup_timeout: float = 120.0, level: str | None = None, withhold: tuple[str, ...] = ()) -> None:
        self.withheld = tuple(withhold)  # libraries its children may not use (a NumPy-only part's server: torch)
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {key: os.environ[key] for key in SAFE_ENV_KEYS if key in os.environ}
        env["PYTHONPATH"] = str(PROJECT_ROOT)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["OMP_NUM_THREADS"] = "1"
        # A private folder: the copies of submissions go in work/, the fork server builds its root in root/.
        self.base = Path(tempfile.mkdtemp(prefix="autograder-"))
        self.work = self.base / "work"
        self.work.mkdir()
        config = {
            "level": level or os.environ.get(ISOLATION_VARIABLE, "namespaces"),
            "base": str(self.base),
            "hidden": [str(PROJECT_ROOT), str(PACKAGE_DIR), str(SOLUTIONS_DIR)],
            "withhold": list(self.withheld),
        }
        self.isolation: dict = {}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "autograder.sandbox.forkserver", str(theirs.fileno()), json.dumps(config)],
            pass_fds=[theirs.fileno()],
            env=env,
            cwd="/",
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        theirs.close()
        self.startup_timeout = startup_timeout
        self._ready = False

    def _wait_ready(self) -> None:
        if self._ready:
            return
        self.control.settimeout(self.startup_timeout)
        try:
            packet = self.control.recv(1024)
        except TimeoutError:
            raise RuntimeError("the sandbox's fork server did not start in time") from None
        if not packet:
            raise RuntimeError("the sandbox's fork server failed to start (is torch installed?)")
        self.control.settimeout(None)
        self.isolation = json.loads(packet).get("isolation", {"level": "none", "reason": "unknown"})
        if self.isolation["level"] == "user":
            from autograder.sandbox import isolation  # Linux only (prctl, pwd): never imported by the student's `check`

            closed, traversable = hidden_paths()
            isolation.protect(closed, traversable)
            isolation.reach(Path(sys.prefix))
            for folder in (self.base, self.work):
                folder.chmod(0o711)  # nobody may enter its own copy below, not list the others
        self._ready = True

    @property
    def notes(self) -> list[str]:
        """For the instructor: what the sandbox could not guarantee on this machine (empty at the namespaces level)."""
        self._wait_ready()
        template = WEAK_ISOLATION.get(self.isolation["level"])
        if template is None:
            return []
        network = "cut off by a seccomp filter" if self.isolation.get("network_filter") else "NOT cut off"
        return [template.format(network=network, **self.isolation)]

    def prepare(self, workdir: Path, source: Path) -> None:
        """At the ``user`` level: give the copy of a submission to the child's user, and close the folder
        that holds the original (the class folder: other students' work) to other users."""
        self._wait_ready()
        if self.isolation["level"] == "user":
            from autograder.sandbox import isolation  # Linux only, as above

            isolation.protect_folder(Path(source).resolve().parent)
            uid, gid = self.isolation["uid"], self.isolation["gid"]
            for path in [workdir, *workdir.rglob("*")]:
                os.chown(path, uid, gid, follow_symlinks=False)

    def spawn(self, root: Path, limits: dict | None = None) -> tuple[int, socket.socket]:
        """Fork a child serving the submission copy in ``root``; returns its pid and a socket to it."""
        self._wait_ready()
        self.control.send(json.dumps({"op": "spawn", "root": str(root), "limits": limits or {}}).encode())
        message, fds, _, _ = socket.recv_fds(self.control, 1024, 1)
        if not fds:
            raise RuntimeError("the fork server sent no socket for the new child")
        return json.loads(message)["pid"], socket.socket(fileno=fds[0])

    def status(self, pid: int) -> str:
        self.control.send(json.dumps({"op": "status", "pid": pid}).encode())
        return json.loads(self.control.recv(1024))["status"]

    def kill(self) -> None:
        """End the current child and every process it started (the fork server does it: it can see them all)."""
        self._wait_ready()
        self.control.send(b'{"op": "kill"}')
        self.control.recv(1024)

    def close(self) -> None:
        try:
            self.control.close()
        finally:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> ForkServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def copied_files(source: Path) -> list[Path]:
    """The files of a submission (a folder, or one file) that :func:`copy_submission` copies: its small text files
    (:data:`COPIED_SUFFIXES`, no links, no ``__pycache__``), in order, while they fit in :data:`MAX_SUBMISSION_BYTES`.

    Example: ``copied_files(Path("solutions"))[0]`` is ``Path("solutions/backprop.py")``.
    """
    files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
    chosen = []
    budget = MAX_SUBMISSION_BYTES
    for path in files:
        if path.suffix not in COPIED_SUFFIXES or path.is_symlink() or "__pycache__" in path.parts:
            continue
        size = path.stat().st_size
        if size > budget:
            continue
        budget -= size
        chosen.append(path)
    return chosen


def copy_submission(source: Path, target: Path) -> None:
    """Copy a submission's small text files (a folder, or one file: :func:`copied_files`) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for path in copied_files(source):
        relative = path.name if source.is_file() else path.relative_to(source)
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(path, destination)
        except PermissionError:  # a file the grader may not read: discovery says so once, for its part (when it is one)
            destination.unlink(missing_ok=True)


def withheld_by(module: str) -> tuple[str, ...]:
    """The libraries the part ``module`` may not use (its record's), so the server its child must come from; () for a
    module that is no part of the course."""
    return part(module).withheld if module in NAMES else ()


class Servers:
    """One server per set of withheld libraries, each started when first needed: the parts that use every library
    share one (one process imports torch), a NumPy-only part gets one that never loads torch.

    ``start(withheld)`` makes a server (a :class:`ForkServer`, or the students' :class:`~autograder.judge.local.LocalServer`).
    It offers what a session asks of a server: ``notes``, ``ready()`` (where its servers have it) and ``close()``.

    Example::

        servers = Servers(lambda withheld: ForkServer(withhold=withheld))
        servers.prepare(["backprop", "validation"])   # both start now, side by side
        servers.get(("torch",))                        # the server of a NumPy-only part
    """

    def __init__(self, start: Callable[[tuple[str, ...]], object]) -> None:
        self.start = start
        self.started: dict[tuple[str, ...], object] = {}

    def get(self, withheld: tuple[str, ...]) -> object:
        """The server whose children withhold ``withheld`` (started now if it was not)."""
        if withheld not in self.started:
            self.started[withheld] = self.start(withheld)
        return self.started[withheld]

    def prepare(self, modules: Iterable[str]) -> None:
        """Start now the servers these modules need, so that they warm up side by side."""
        for withheld in sorted({withheld_by(module) for module in modules}):
            self.get(withheld)

    @property
    def notes(self) -> list[str]:
        """What the servers could not guarantee, each said once (two servers at the ``user`` level differ only by
        their user id: the first one's note is kept)."""
        found, seen = [], set()
        for _, server in sorted(self.started.items(), key=lambda item: len(item[0])):
            for note in server.notes:
                if re.sub(r"\d+", "#", note) not in seen:
                    seen.add(re.sub(r"\d+", "#", note))
                    found.append(note)
        return found

    def ready(self) -> None:
        """Wait until every started server can run code (the local runner's: one line if Python cannot start it)."""
        for server in self.started.values():
            if hasattr(server, "ready"):
                server.ready()

    def close(self) -> None:
        for server in self.started.values():
            server.close()
        self.started.clear()

    def __enter__(self) -> Servers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Child:
    """One sandboxed process running some of a submission's modules, replaced whenever it breaks.

    Args:
        server: the server it is forked (or started) from.
        source: the submission (a folder laid out like ``exercises/``, or a single module file).
        modules: the modules this process loads, as for :class:`Submission`.
        load_timeout: wall-clock seconds a module may take to load.
        limits: the sandbox's resource limits.
        needs_look: the submission's list of flags for the instructor, appended to on tampering.
    """

    def __init__(
        self,
        server: object,
        source: Path,
        modules: dict[str, tuple[str, object]],
        load_timeout: float = 20.0,
        limits: dict | None = None,
        needs_look: list[str] | None = None,
    ) -> None:
        self.server = server
        self.source = Path(source)
        self.modules = modules
        self.load_timeout = load_timeout
        self.limits = limits or {}
        self.broken: dict[str, Failure] = {}
        self.notebook_failures: dict[str, list] = {}
        self.pid: int | None = None
        self.sock: socket.socket | None = None
        self.workdir: Path | None = None
        self.spawns = 0
        self.sequence = 0  # request ids: a reply must carry its request's id
        self.needs_look = needs_look if needs_look is not None else []
        self._starting: threading.Thread | None = None
        self._start_error: BaseException | None = None

    # -- lifecycle

    def _start(self) -> None:
        self._discard_workdir()
        self.workdir = Path(tempfile.mkdtemp(prefix="submission-", dir=self.server.work))
        copy_submission(self.source, self.workdir)
        for name, (how, payload) in self.modules.items():
            if how == "file" and payload:  # found under another name or deeper: the child imports `name.py` from its root
                origin = self.source / payload if self.source.is_dir() else self.source
                shutil.copyfile(origin, self.workdir / f"{name}.py")
        self.server.prepare(self.workdir, self.source)
        self.pid, self.sock = self.server.spawn(self.workdir, self.limits)
        self.spawns += 1
        for name, (how, payload) in self.modules.items():
            if name in self.broken:
                continue
            if how == "file":
                request = {"op": "load", "module": name}
            else:
                request = {"op": "load_notebook", "module": name, "cells": payload}
            outcome = self.exchange(request, self.load_timeout)
            if not outcome.ok and outcome.failure.kind == "tampering":  # its tests fail as tampered; the others run clean
                self.broken[name] = outcome.failure
                if self.sock is None:
                    return self._start()
            elif not outcome.ok:
                failure = outcome.failure
                cause = failure.type if failure.kind == "exception" else failure.kind
                self.broken[name] = Failure("import", cause, failure.message, failure.where)
                if self.sock is None:  # the import killed or hung the child: start again without it
                    return self._start()
            elif how == "notebook":
                self.notebook_failures[name] = outcome.value

    def _kill(self) -> None:
        if self.pid is not None:
            self.server.kill()
        if self.sock is not None:
            self.sock.close()
        self.pid, self.sock = None, None

    def _discard_workdir(self) -> None:
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def close(self) -> None:
        self._join(quietly=True)  # closing before a start in the background ends would leave its process behind
        self._kill()
        self._discard_workdir()

    # -- requests

    def start(self) -> None:
        """Start the process now if none is live (it loads every module that is not broken)."""
        self._join()
        if self.sock is None:
            self._start()

    def start_in_background(self) -> None:
        """Start the process in a thread, so that it loads its modules while another child answers; the first
        :meth:`start` (every request makes one) waits for it. The child's own loading runs in its own process."""
        if self.sock is None and self._starting is None:
            self._starting = threading.Thread(target=self._start_catching, name="child-start", daemon=True)
            self._starting.start()

    def _start_catching(self) -> None:
        try:
            self._start()
        except BaseException as error:  # noqa: BLE001 - raised again in the judge's own thread, by _join
            self._start_error = error

    def _join(self, quietly: bool = False) -> None:
        """Wait for a start in the background; raise what it raised, unless ``quietly``."""
        if self._starting is not None:
            self._starting.join()
            self._starting = None
            error, self._start_error = self._start_error, None
            if error is not None and not quietly:
                raise error

    def exchange(self, request: dict, timeout: float) -> Outcome:
        """Send one request to the live child and wait at most ``timeout`` seconds for its reply."""
        started = time.monotonic()
        self.sequence += 1
        request = {**request, "id": self.sequence}
        if self.server.limits_cpu:  # the fork server's children have a CPU budget per call; the local runner's have none
            request["cpu_seconds"] = math.ceil(timeout) + 1
        try:
            self.sock.settimeout(max(timeout, 0.01))
            wire.send(self.sock, request)
            reply = wire.recv(self.sock, MAX_REPLY_BYTES, deadline=started + max(timeout, 0.01))
        except TimeoutError:
            self._kill()
            return Outcome(False, failure=Failure("timeout", message=f"no answer within {timeout:.0f} s"), seconds=timeout)
        except (EOFError, ConnectionError, OSError):
            pid = self.pid
            self._kill()
            status = self._status_after_death(pid)
            if status == TAMPERED_EXIT:
                return self._tampered(request, ["the grader's own code was modified and could not be put back"], started)
            return Outcome(False, failure=Failure("crash", message=status), seconds=time.monotonic() - started)
        except wire.WireError as error:
            self._kill()
            return Outcome(False, failure=Failure("protocol", message=str(error)), seconds=time.monotonic() - started)
        seconds = time.monotonic() - started
        if type(reply) is not dict or type(reply.get("ok")) is not bool or reply.get("id") != self.sequence:
            self._kill()
            return Outcome(False, failure=Failure("protocol", message="malformed reply"), seconds=seconds)
        if reply.get("tampering"):
            changes = reply["tampering"] if type(reply["tampering"]) is list else []
            return self._tampered(request, [str(change)[:300] for change in changes[:20]], started)
        if reply.get("restart") is True:  # the child says it cannot be trusted further (a withheld library was loaded)
            self._kill()
        stdout = reply.get("stdout") if type(reply.get("stdout")) is str else ""
        if reply["ok"]:
            return Outcome(True, value=reply.get("value"), stdout=stdout, seconds=seconds)
        error = reply.get("error") if type(reply.get("error")) is dict else {}
        where = error.get("where") if type(error.get("where")) is list else []
        failure = Failure("exception", type=str(error.get("type", "?"))[:100], message=str(error.get("message", ""))[:2000], where=where)
        return Outcome(False, failure=failure, stdout=stdout, seconds=seconds)

    def _tampered(self, request: dict, changes: list[str], started: float) -> Outcome:
        """The child says the student's code modified the harness during ``request``: nothing it observed is kept,
        the child is replaced (a fresh one is clean) and the submission is flagged for the instructor."""
        self._kill()
        during = (
            f"loading {request.get('module')}.py"
            if request.get("op", "").startswith("load")
            else "calling " + ", ".join([request["target"]] if "target" in request else request.get("targets", []))
        )
        summary = "; ".join(changes[:3]) + (f" (and {len(changes) - 3} more)" if len(changes) > 3 else "")
        flag = f"tampering: the grader's own code was modified while {during}: {summary or 'no detail'}"
        if flag not in self.needs_look:
            self.needs_look.append(flag)
        failure = Failure("tampering", type="Tampering", message=summary)
        return Outcome(False, failure=failure, seconds=time.monotonic() - started)

    def _status_after_death(self, pid: int | None) -> str:
        if pid is None:
            return "the process stopped"
        for _ in range(50):
            status = self.server.status(pid)
            if status != "running":
                return status
            time.sleep(0.01)
        return "the process stopped"


class Submission:
    """One student's code, running in sandboxed children that are replaced whenever they break.

    The parts that use the same libraries share one child (one process: torch is imported once); a part whose
    record withholds a library (a NumPy-only part) runs in a child of a server that never loads it. Within a
    child each part keeps its own process-wide state (:mod:`autograder.sandbox.state`).

    Args:
        server: the servers to run the code on: a :class:`Servers`, or one server for every module (which then
            withholds nothing from any of them).
        source: a folder laid out like ``exercises/``, or a single module file.
        modules: module name -> how to load it: ``("file", None)`` for ``name.py``
            in the folder, ``("file", "relative/path.py")`` for a file found elsewhere or under
            another name (see :mod:`autograder.discovery`; it is loaded as ``name.py``),
            ``("notebook", [cell sources])`` for a notebook's code.
        call_timeout: default wall-clock seconds per call.
    """

    def __init__(
        self,
        server: object,
        source: Path,
        modules: dict[str, tuple[str, object]],
        call_timeout: float = 5.0,
        load_timeout: float = 20.0,
        limits: dict | None = None,
    ) -> None:
        self.server = server
        self.source = Path(source)
        self.modules = modules
        self.call_timeout = call_timeout
        self.deadline: float | None = None
        self.cache: dict[str, Outcome] = {}  # scenario results shared by the tests that look at them
        self.timeouts: dict[str, int] = {}
        self.needs_look: list[str] = []  # for the instructor: "tampering: ..." when the student's code modified the harness
        groups: dict[tuple[str, ...], dict[str, tuple[str, object]]] = {}
        for name, how in modules.items():
            groups.setdefault(withheld_by(name) if isinstance(server, Servers) else (), {})[name] = how
        self.children = {
            withheld: Child(server.get(withheld) if isinstance(server, Servers) else server, source, group, load_timeout, limits, self.needs_look)
            for withheld, group in groups.items()
        }
        self.route = {name: child for child in self.children.values() for name in child.modules}

    def child_of(self, module: str) -> Child:
        """The child that runs ``module``."""
        return self.route[module]

    @property
    def broken(self) -> dict[str, Failure]:
        """The modules that could not be loaded, and why."""
        return {name: failure for child in self.children.values() for name, failure in child.broken.items()}

    @property
    def notebook_failures(self) -> dict[str, list]:
        """Each notebook module's cells that raised when it was loaded."""
        return {name: failures for child in self.children.values() for name, failures in child.notebook_failures.items()}

    def close(self) -> None:
        for child in self.children.values():
            child.close()

    def start_children(self) -> None:
        """With more than one child (part 1's without torch, the others'), start them side by side: each loads its
        modules in its own process while the first one answers, instead of the second starting at its first test."""
        if len(self.children) > 1:
            for child in self.children.values():
                child.start_in_background()

    def request(self, functions: list[str], request: dict, timeout: float | None = None) -> Outcome:
        """Send a request that runs ``functions`` (``module.name``); (re)start the child when needed.

        A function that has run out of time ``MAX_TIMEOUTS`` times is not called again: a hanging
        submission costs a bounded time, not a time-out per test.
        """
        modules = sorted({function.partition(".")[0] for function in functions})
        for module in modules:
            if module not in self.modules:
                return Outcome(False, failure=Failure("missing", message=f"{module} is not part of this submission"))
        children = {id(self.route[module]): self.route[module] for module in modules}
        if len(children) != 1:
            message = "these functions belong to parts that may use different libraries: they cannot run together"
            return Outcome(False, failure=Failure("protocol", message=message))
        hung = [f for f in functions if self.timeouts.get(f, 0) >= MAX_TIMEOUTS]
        if hung:
            return Outcome(
                False, failure=Failure("timeout", message=f"it ran out of time {MAX_TIMEOUTS} times already, so it is not run again")
            )
        child = self.route[modules[0]]
        child.start()
        for module in modules:
            if module in child.broken:
                return Outcome(False, failure=child.broken[module])
        limit = timeout or self.call_timeout
        if self.deadline is not None:
            limit = min(limit, self.deadline - time.monotonic())
            if limit <= 0:
                return Outcome(False, failure=Failure("timeout", message="this test's time budget is used up"))
        outcome = child.exchange(request, limit)
        if not outcome.ok and outcome.failure.kind == "timeout":
            for function in functions:
                self.timeouts[function] = self.timeouts.get(function, 0) + 1
        return outcome

    def call(self, target: str, *args, timeout: float | None = None, return_args: bool = False, **kwargs) -> Outcome:
        """Call ``module.function`` with plain-data arguments."""
        request = {"op": "call", "target": target, "args": list(args), "kwargs": kwargs, "return_args": return_args}
        return self.request([target], request, timeout)

    def scenario(self, runner: str, targets: list[str], spec: dict, timeout: float | None = None) -> Outcome:
        """Run a scenario with the student's ``targets`` (see :mod:`autograder.sandbox.runners`)."""
        request = {"op": "scenario", "runner": runner, "targets": targets, "spec": spec}
        return self.request(targets, request, timeout)
