"""Grade a class on a Dask distributed cluster: ``grade-class CLASS --cluster ADDRESS``.

Only where :meth:`autograder.workers.Pool.grade` runs changes. The grade-class process is the Dask client:
it decides what to grade (the resume logic, before anything is sent), sends each submission's files as bytes,
and does with each result exactly what a local run does (the student's files, the gradebook after each one,
the reports, the dashboard), so the output is the same as ``--workers N``'s. Each Dask worker hosts one warm
grading worker of our own (:class:`autograder.workers.Worker`: torch and the references loaded once, its fork
server, the same isolation level), started by its first submission and closed when the run ends
(:class:`GradingPlugin`) or the Dask worker does.

No shared file system is assumed: :func:`pack` reads on the client the files grading reads (discovery's, and
what the sandbox copies), :func:`materialise` writes them into a temporary folder on the worker, deleted after
grading. Grading a submission is idempotent (nothing is written on the worker that outlives the task), so a
Dask worker lost mid-run costs nothing: the scheduler gives its tasks to another worker. A submission that
keeps killing its workers (the scheduler's ``distributed.scheduler.allowed-failures``, 3 by default) comes
back as "not graded: ..." (:func:`autograder.workers.lost`), like a lost local worker's, and the class goes on.

Dask is an optional extra (``pip install '.[cluster]'``); nothing else imports this module, so a run
without ``--cluster`` never imports Dask.

Example::

    with ClusterPool("tcp://scheduler:8786", Course()) as pool:
        for student, result in pool.grade([("ann", "class/ann", {"reports": True})]):
            result["status"]                     # "graded", as Pool.grade gives it
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import CancelledError
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course.config import Course
from autograder.discovery import ARCHIVES, MAX_ARCHIVE_BYTES, looked_at
from autograder.errors import InputError
from autograder.judge.client import copied_files
from autograder.workers import SUBMISSION_CAP, Worker, lost, not_gradable

try:
    import distributed
    from distributed.comm import parse_address, parse_host_port
    from distributed.comm.registry import get_backend
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError as error:  # the optional extra is not installed: one line for the user, never a traceback
    raise InputError("--cluster needs Dask, which is not installed here: pip install '.[cluster]' (in the project's folder)") from error

CONNECT_SECONDS = 10  # an address where no scheduler answers is said within this time, not waited on
RETRIES = 2  # a task that raised (say, the warm worker could not start on that machine) is tried again, maybe elsewhere
IN_FLIGHT_PER_THREAD = 2  # submissions sent ahead per Dask worker thread: busy workers, but not the whole class in memory
MIN_IN_FLIGHT = 4  # sent ahead while the cluster has few or no workers yet (a batch queue still starting them)
PLUGIN_NAME = "autograder-grading"
STUCK_EXIT = 75  # a Dask worker's exit status when one submission held it past SUBMISSION_CAP


@dataclass(frozen=True)
class Packed:
    """A submission's files as bytes, to grade where its folder is not: what :func:`pack` read.

    ``name``: the file's or folder's name (a student's name, or ``ann.ipynb``); ``is_file``: one file (a notebook,
    a module) rather than a folder; ``files``: path relative to the folder (posix) -> bytes; ``links``: relative path
    -> where the link points (discovery names a link, never follows it); ``refused``: why discovery refuses the
    folder (more than its number of files), said as it was said here, with this machine's path.
    """

    name: str
    is_file: bool
    files: dict[str, bytes] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    refused: str = ""


def _read(file: Path, relative: Path) -> bytes | None:
    """The bytes to send of ``file``: None when it cannot be read here. An archive other than a zip small enough for
    discovery to look into goes empty: only its name is read (:func:`autograder.discovery.looked_at`)."""
    try:
        if relative.suffix.lower() in ARCHIVES and (relative.suffix.lower() != ".zip" or file.stat().st_size > MAX_ARCHIVE_BYTES):
            return b""
        return file.read_bytes()
    except OSError:
        return None


def pack(path: Path) -> Packed:
    """The submission at ``path`` (a folder or one file) as :class:`Packed`: the files discovery reads or names
    (:func:`~autograder.discovery.looked_at`) and those the sandbox copies for the student's code
    (:func:`~autograder.judge.client.copied_files`), with the same paths. A file that cannot be read here is left out.

    Example: ``pack(Path("class/ann")).files["backprop.py"]`` is the bytes of ``class/ann/backprop.py``.
    """
    path = Path(path)
    if path.is_file():
        data = _read(path, Path(path.name))
        return Packed(path.name, True, {path.name: data} if data is not None else {})
    try:
        chosen = looked_at(path)
    except (InputError, OSError) as error:  # more than MAX_FILES entries (or unreadable): "not gradable", with this message
        return Packed(path.name, False, refused=str(error))
    chosen += [file.relative_to(path) for file in copied_files(path)]
    files, links = {}, {}
    for relative in sorted(set(chosen)):
        file = path / relative
        if file.is_symlink():
            links[relative.as_posix()] = os.readlink(file)
        elif (data := _read(file, relative)) is not None:
            files[relative.as_posix()] = data
    return Packed(path.name, False, files, links)


def materialise(packed: Packed, into: Path) -> Path:
    """Write ``packed`` under the folder ``into`` as ``into/<name>`` and return that path (what grading is given).

    Example: ``materialise(pack(Path("class/ann")), Path("/tmp/x"))`` is ``Path("/tmp/x/ann")``, holding ann's files.
    """
    root = Path(into) / packed.name
    if packed.is_file:
        root.write_bytes(packed.files.get(packed.name, b""))
        return root
    root.mkdir()
    for relative, target in [*packed.files.items(), *packed.links.items()]:
        destination = root / relative
        if Path(relative).is_absolute() or ".." in Path(relative).parts:
            raise ValueError(f"{relative}: not a path inside the submission")  # pack never makes one
        destination.parent.mkdir(parents=True, exist_ok=True)
        if relative in packed.links:
            destination.symlink_to(target)
        else:
            destination.write_bytes(target)
    return root


# On a Dask worker: its one warm grading worker, under the course it was started for.
_LOCK = threading.Lock()
_WARM: dict[str, Worker] = {}


def _warm_worker(course: Course) -> Worker:
    """This Dask worker's warm grading worker for ``course``, started on first use (a new course replaces it)."""
    if course.digest not in _WARM:
        close_warm()
        _WARM[course.digest] = Worker(course)
    return _WARM[course.digest]


def close_warm() -> None:
    """Close this process's warm grading worker, if it has one (its fork servers stop with it)."""
    while _WARM:
        _WARM.popitem()[1].close()


@contextmanager
def stop_if_stuck(seconds: float) -> Iterator[None]:
    """End this whole process (exit status :data:`STUCK_EXIT`) if the block is still running after ``seconds``.

    The local pool kills a worker busy with one submission past :data:`~autograder.workers.SUBMISSION_CAP`;
    on a Dask worker, the worker ends itself: its nanny starts a new one, the scheduler gives the task to another
    worker, and after its ``allowed-failures`` the client writes the submission as lost. A thread cannot be stopped.

    Example: ``with stop_if_stuck(900): worker.grade(path)``.
    """
    timer = threading.Timer(seconds, os._exit, args=(STUCK_EXIT,))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def grade_packed(packed: Packed, options: dict, course: Course) -> dict:
    """The task run on a Dask worker: grade ``packed`` under ``course`` (``options``: keywords of
    :meth:`autograder.workers.Worker.grade`) in a temporary folder; returns what :meth:`Pool.grade` yields for it."""
    with _LOCK:  # one warm grading worker per Dask worker: a second thread's submission waits for it
        worker = _warm_worker(course)
        if packed.refused:  # discovery refused the folder on the client: graded as a local run grades it
            report, status = not_gradable(InputError(packed.refused))
            reports, hidden = options.get("reports", False), options.get("show_hidden", False)
            result = worker.result(report, status, time.monotonic(), packed.name, reports, hidden)
        else:
            with tempfile.TemporaryDirectory(prefix="autograder-cluster-") as folder, stop_if_stuck(SUBMISSION_CAP):
                result = worker.grade(materialise(packed, Path(folder)), **options)
    return {**result, "worker": os.getpid()}


class GradingPlugin(WorkerPlugin):
    """Registered by the client for the run: closes the Dask worker's warm grading worker when the run ends (the
    client unregisters it) or the Dask worker stops."""

    name = PLUGIN_NAME

    def teardown(self, worker: object) -> None:
        close_warm()


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def check_address(address: str) -> None:
    """An :class:`InputError` (one line) unless ``address`` reads as a Dask scheduler's address, ``tcp://HOST:PORT``
    or another scheme Dask knows, checked before connecting (a malformed one would leave Dask's client half made)."""
    try:
        scheme, where = parse_address(address)
        parse_host_port(where)
        get_backend(scheme)
    except ValueError as error:
        raise InputError(
            f"--cluster {address}: that is not a Dask scheduler's address ({_first_line(error)}): give it as tcp://HOST:PORT, "
            "as the scheduler prints it when it starts (tcp://10.0.0.5:8786)"
        ) from None


def connect(address: str) -> distributed.Client:
    """A Dask client of the scheduler at ``address``; an :class:`InputError` (one line) when none answers there soon."""
    check_address(address)
    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # Dask's own log lines about the failed connection: the error below says it once
    try:
        return distributed.Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, ValueError, TypeError) as error:  # TimeoutError is an OSError
        raise InputError(
            f"--cluster {address}: no Dask scheduler answered there within {CONNECT_SECONDS} s ({_first_line(error)}): "
            "give the scheduler's address (tcp://HOST:8786), and check that the scheduler runs and this machine may reach it"
        ) from None
    finally:
        quiet.setLevel(level)


class ClusterPool:
    """:class:`autograder.workers.Pool` on the Dask cluster at ``address``: :meth:`grade` takes the same jobs and yields
    the same ``(key, result)`` pairs, in completion order."""

    def __init__(self, address: str, course: Course) -> None:
        self.course = course
        self.client = connect(address)
        try:
            self.client.register_plugin(GradingPlugin(), name=PLUGIN_NAME)
        except Exception as error:  # noqa: BLE001 - raised on a worker (an import there): one line, never Dask's traceback
            self.client.close()
            raise InputError(
                f"--cluster {address}: the Dask workers could not load this grader ({type(error).__name__}: {_first_line(error)}): "
                "every worker needs the same commit of the project as this machine, installed with pip install '.[cluster]'"
            ) from None

    def in_flight(self) -> int:
        """How many submissions to have on the cluster at once: a few per worker thread, as many as there are now."""
        return max(MIN_IN_FLIGHT, IN_FLIGHT_PER_THREAD * sum(self.client.nthreads().values()))

    def grade(self, jobs: list[tuple[str, str, dict]]) -> Iterator[tuple[str, dict]]:
        """Grade ``(key, path, options)`` jobs on the cluster; yields ``(key, result)`` as each finishes. Each
        submission's files are read (:func:`pack`) only when it is sent."""
        waiting = list(reversed(jobs))
        sent: dict[distributed.Future, tuple[str, str, dict]] = {}
        done = distributed.as_completed(loop=self.client.loop)  # this client's: it is not set as the default one

        def send_more() -> None:
            while waiting and len(sent) < self.in_flight():
                job = waiting.pop()
                key, path, options = job
                future = self.client.submit(
                    grade_packed, pack(Path(path)), options, self.course, key=f"grade-{key}-{uuid.uuid4().hex}", retries=RETRIES, pure=False
                )
                sent[future] = job
                done.add(future)

        send_more()
        for future in done:
            job = sent.pop(future)
            yield job[0], self._result(future, job)
            future.release()
            send_more()

    def _result(self, future: distributed.Future, job: tuple[str, str, dict]) -> dict:
        """The future's result, or a lost one (zero, "not graded: ...", graded again by a rerun) saying why."""
        try:
            return future.result()
        except distributed.KilledWorker:
            return lost(job, f"it stopped (or held over {SUBMISSION_CAP:.0f} s) every Dask worker that graded it")
        except CancelledError:
            return lost(job, "the Dask scheduler cancelled it (was the cluster shut down?)")
        except Exception as error:  # noqa: BLE001 - raised on every try on the cluster: this submission is lost, the class goes on
            return lost(job, f"grading on the Dask cluster failed ({type(error).__name__}: {_first_line(error)})")

    def close(self) -> None:
        try:
            self.client.unregister_worker_plugin(PLUGIN_NAME)  # each worker's teardown closes its warm grading worker
        except (OSError, ValueError, KeyError):
            pass  # the cluster is gone or never had it: nothing left to close there
        finally:
            self.client.close()

    def __enter__(self) -> ClusterPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
