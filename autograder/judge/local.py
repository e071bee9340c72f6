"""The public checks on the student's own machine (Linux, macOS, Windows): one plain subprocess, no sandbox.

:class:`LocalServer` offers what :class:`~autograder.judge.client.Submission` needs from the fork
server (``work``, ``prepare``, ``spawn``, ``kill``, ``status``, ``notes``, ``close``), but each
"child" is a fresh ``python -m autograder.sandbox.local_child`` started with
:class:`subprocess.Popen` and spoken to over its stdin and stdout: no ``os.fork``, no ``prctl``,
no namespaces, no ``resource`` limits. A call still has its time limit; a call that hangs, or a
process that dies (``os._exit``, ``sys.exit`` at import, a crash), fails that call with the same
message as in hidden grading, and the next call starts a new process. Student code needs no sandbox
on the student's own machine; hidden grading keeps the fork server.

Example::

    submission = LocalSubmission(Path("exercises"), discover(Path("exercises")).modules)
    try:
        outcome = submission.call("backprop.sigmoid", 0.0)
        outcome.ok, outcome.value            # True, {"result": 0.5, "type": "float"}
    finally:
        submission.close()
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from autograder import PROJECT_ROOT
from autograder.errors import InputError
from autograder.judge.client import Servers, Submission
from autograder.sandbox import wire
from autograder.sandbox.local_child import WITHHOLD_OPTION

STARTUP_SECONDS = 180.0  # a first import of torch on a cold laptop (antivirus scanning every file) can be slow
CHILD_MODULE = "autograder.sandbox.local_child"
SETUP_HINT = "install what README.md says under 'Set up' into the Python you run this with"


class PipeSocket:
    """A child's stdin and stdout seen as the socket :mod:`wire` expects (``sendall``, ``recv``, ``settimeout``, ``close``).

    A thread reads the child's stdout into a queue, so that ``recv`` can wait with a time-out on every
    operating system (Windows cannot wait on a pipe with ``select``).
    """

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.timeout: float | None = None
        self.buffer = b""
        self.chunks: queue.Queue[bytes] = queue.Queue()
        self.closed = False
        self.reader = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self.reader.start()

    def _read(self, stream) -> None:
        fd = stream.fileno()
        while True:
            try:
                chunk = os.read(fd, 1 << 20)
            except OSError:
                chunk = b""
            self.chunks.put(chunk)
            if not chunk:
                return

    def settimeout(self, seconds: float | None) -> None:
        self.timeout = seconds

    def recv(self, size: int) -> bytes:
        """Up to ``size`` bytes; ``b""`` once the child has gone; TimeoutError after the time-out."""
        if not self.buffer:
            try:
                self.buffer = self.chunks.get(timeout=self.timeout)
            except queue.Empty:
                raise TimeoutError("the child did not answer in time") from None
            if not self.buffer:
                self.chunks.put(b"")  # stay at the end for later reads
                return b""
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def sendall(self, data: bytes) -> None:
        """Write to the child's stdin (BrokenPipeError, an OSError, when it has gone)."""
        try:
            self.process.stdin.write(data)
            self.process.stdin.flush()
        except ValueError:  # the pipe was closed on our side
            raise BrokenPipeError("the child's pipe is closed") from None

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass


def describe_returncode(code: int | None) -> str:
    """The fork server's words for how a process ended: ``"exit 3"``, ``"signal 9"`` or ``"running"``."""
    if code is None:
        return "running"
    return f"signal {-code}" if code < 0 else f"exit {code}"


class LocalServer:
    """Starts the plain subprocesses that run a submission on the student's machine (the fork server's interface).

    One process is started at once (it imports torch while the judge loads pytest and the checks) and
    handed to the first :meth:`spawn`; a process killed after a hang or a crash is replaced by a new one.
    Its stderr goes to a log file in a private temporary folder, never to the student's terminal.

    ``keep_warm`` (a notebook's kernel, which checks again and again): each :meth:`spawn` starts the next
    process at once, so that it has imported torch by the time the student checks again. Every check still
    gets a process no student code has run in.
    """

    limits_cpu = False  # no `resource` limits: the per-call time-out is the one limit

    def __init__(self, startup_timeout: float = STARTUP_SECONDS, withhold: tuple[str, ...] = (), keep_warm: bool = False) -> None:
        self.withheld = tuple(withhold)  # libraries its processes may not use (a NumPy-only part's: torch, never imported)
        self.keep_warm = keep_warm
        self.base = Path(tempfile.mkdtemp(prefix="autograder-check-"))
        self.work = self.base / "work"
        self.work.mkdir()
        self.startup_timeout = startup_timeout
        self.processes: dict[int, subprocess.Popen] = {}
        self.current: subprocess.Popen | None = None
        self.sock: PipeSocket | None = None
        self.starts = 0
        self._spare_ready = False  # its "ready" frame has been read (by ready())
        self._spare: tuple[subprocess.Popen, PipeSocket] | None = self._launch()

    def _launch(self) -> tuple[subprocess.Popen, PipeSocket]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["OMP_NUM_THREADS"] = "1"
        self.starts += 1
        log = open(self.base / f"child-{self.starts}.log", "wb")
        # Its own session (POSIX) or process group (Windows): Ctrl+C reaches the judge, which ends the child itself.
        options: dict = {"start_new_session": True} if os.name == "posix" else {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
        try:
            withhold = [WITHHOLD_OPTION, *self.withheld] if self.withheld else []
            process = subprocess.Popen(
                [sys.executable, "-m", CHILD_MODULE, *withhold],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                cwd=str(PROJECT_ROOT),
                env=env,
                **options,
            )
        finally:
            log.close()
        self.processes[process.pid] = process
        return process, PipeSocket(process)

    def _log_tail(self) -> str:
        logs = sorted(self.base.glob("child-*.log"), key=lambda path: path.stat().st_mtime)
        lines = [line for line in (logs[-1].read_text(errors="replace").splitlines() if logs else []) if line.strip()]
        return lines[-1].strip()[:300] if lines else "it printed nothing"

    def ready(self) -> None:
        """Wait until the next process has imported torch (at once when it has said so already); raises InputError (one
        line) if it cannot start."""
        if self._spare is None or self._spare_ready:
            return
        process, sock = self._spare
        try:
            self._hello(sock)
        except InputError:
            self._stop(process, sock)
            self._spare = None
            raise
        self._spare_ready = True

    def _hello(self, sock: PipeSocket) -> None:
        try:
            reply = wire.recv(sock, deadline=time.monotonic() + self.startup_timeout)
        except TimeoutError:
            raise InputError(
                f"Python did not start the checks within {self.startup_timeout:.0f} s (importing torch): try again, or {SETUP_HINT}"
            ) from None
        except (EOFError, OSError, wire.WireError):
            time.sleep(0.2)  # let the log reach the disk
            raise InputError(f"Python could not start the checks ({self._log_tail()}): {SETUP_HINT}") from None
        if not (isinstance(reply, dict) and reply.get("value") == "ready"):
            raise InputError(f"Python could not start the checks (an unexpected first message): {SETUP_HINT}")

    @property
    def notes(self) -> list[str]:
        """Nothing for an instructor to know: this runner is for the student's own machine."""
        return []

    def prepare(self, workdir: Path, source: Path) -> None:
        """Nothing to do: the process runs as the student, who owns the copy."""

    def spawn(self, root: Path, limits: dict | None = None) -> tuple[int, PipeSocket]:
        """A process serving the submission copy in ``root``; returns its pid and the pipe to it (``limits`` is ignored)."""
        greeted = self._spare is not None and self._spare_ready
        if self._spare is not None:
            process, sock = self._spare
            self._spare, self._spare_ready = None, False
        else:
            process, sock = self._launch()
        if self.keep_warm:
            self._spare = self._launch()  # the next check's process, importing torch while this one answers
        try:
            if not greeted:
                self._hello(sock)
        except InputError as error:
            self._stop(process, sock)
            raise RuntimeError(str(error)) from None
        wire.send(sock, {"root": str(root)})
        self.current, self.sock = process, sock
        return process.pid, sock

    def status(self, pid: int) -> str:
        process = self.processes.get(pid)
        return describe_returncode(process.poll()) if process is not None else "unknown"

    def _stop(self, process: subprocess.Popen, sock: PipeSocket) -> None:
        if process.poll() is None:
            try:
                if os.name == "posix":
                    os.killpg(process.pid, signal.SIGKILL)  # and whatever it started
                else:
                    process.kill()
            except OSError:
                pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        sock.close()

    def kill(self) -> None:
        """End the current process (the next request starts a new one)."""
        if self.current is not None:
            self._stop(self.current, self.sock)
        self.current, self.sock = None, None

    def close(self) -> None:
        self.kill()
        if self._spare is not None:
            self._stop(*self._spare)
            self._spare = None
        shutil.rmtree(self.base, ignore_errors=True)

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def local_servers(keep_warm: bool = False) -> Servers:
    """The students' runner: a :class:`LocalServer` per set of withheld libraries, each started when first needed
    (a NumPy-only part's never imports torch); ``keep_warm``: each keeps its next process started (a notebook's)."""
    return Servers(lambda withheld: LocalServer(withhold=withheld, keep_warm=keep_warm))


class LocalSubmission(Submission):
    """A :class:`~autograder.judge.client.Submission` whose code runs in plain local subprocesses (its own :func:`local_servers`).

    Same interface and the same failure messages as on the fork server: ``call``, ``scenario``,
    ``request``, ``deadline``, ``cache``, ``modules``, ``broken``, ``close``.
    """

    def __init__(
        self,
        source: Path,
        modules: dict[str, tuple[str, object]],
        call_timeout: float = 5.0,
        load_timeout: float = 20.0,
        server: Servers | LocalServer | None = None,
    ) -> None:
        self.owns_server = server is None
        super().__init__(server or local_servers(), source, modules, call_timeout=call_timeout, load_timeout=load_timeout)

    def close(self) -> None:
        super().close()
        if self.owns_server:
            self.server.close()
