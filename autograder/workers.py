"""Warm grading workers: each pays for torch, the graders and the reference results once, then grades many submissions.

A worker is a separate judge process with its own fork server; every
submission it grades still runs in its own sandboxed child, forked fresh,
isolated from other submissions and from the judge. The pool hands one
submission at a time to each idle worker and collects the reports as plain
dicts (the judge's own data; nothing from a student crosses here unparsed).

If a worker dies (it should not: student code never runs in it), its
submission is reported as not graded and the worker is replaced; if a
submission keeps a worker busy past ``submission_cap`` seconds, the worker is
killed and replaced too. Either way the rest of the class goes on.

On a Dask cluster (``grade-class --cluster``), :class:`autograder.cluster.ClusterPool` takes the pool's place:
each Dask worker hosts one :class:`Worker`, and the results are the same dicts.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from autograder import EXERCISES_DIR
from autograder.course.config import Course
from autograder.errors import InputError
from autograder.judge.results import GradeReport, TestResult

SUBMISSION_CAP = 900.0  # seconds: far above what the per-call and per-function limits allow


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class Worker:
    """A warm judge in the current process, grading under ``course``: fork server started, references computed."""

    def __init__(self, course: Course) -> None:
        from autograder.session import GradingSession  # in the worker's own process, started by spawn: not in the pool's

        self.session = GradingSession.hidden_graders(course)
        self._warm_graders()
        # What exists now (torch, the graders, the references) lives as long as the worker: frozen, the
        # garbage collector stops scanning it, so collecting after every submission costs about 15 ms
        # and keeps the worker's memory flat (matplotlib figures and pytest's objects form cycles that
        # would otherwise pile up between rare full collections).
        gc.collect()
        gc.freeze()

    def _warm_graders(self) -> None:
        """Grade the untouched stubs once: pytest, hypothesis and the grader modules get imported now,
        not during the first real submission (it takes a fraction of a second)."""
        if EXERCISES_DIR.is_dir():
            self.grade(EXERCISES_DIR)

    def grade(
        self,
        path: Path,
        select: str | None = None,
        reports: bool = False,
        show_hidden: bool = False,
        parts: tuple[str, ...] | None = None,
    ) -> dict:
        """Grade one submission (only ``parts``, default all); returns the report as a dict, plus timing and memory figures.

        With ``reports``, also the student's feedback files (HTML, Markdown, figures) under "files",
        drawn here so that a class's pictures are drawn in parallel too.
        """
        started = time.monotonic()
        try:
            report = self.session.grade(Path(path), select=select, parts=parts)
            status = graded_status(report)
        except (InputError, ValueError, OSError) as error:
            report, status = not_gradable(error)
        name = Path(path).stem if Path(path).is_file() else Path(path).name
        return self.result(report, status, started, name, reports, show_hidden)

    def result(self, report: GradeReport, status: str, started: float, name: str, reports: bool = False, show_hidden: bool = False) -> dict:
        """What :meth:`grade` returns for ``report`` (of the student ``name``, begun at ``started``, a monotonic time)."""
        report.seconds = time.monotonic() - started
        result = {"report": report.to_dict(), "status": status}
        if reports:
            from autograder.reports.render import report_files  # matplotlib: only when reports are drawn

            result["files"] = report_files(report, name, show_hidden)
        gc.collect()
        result.update(rss_mb=current_rss_mb(), peak_rss_mb=peak_rss_mb())
        return result

    def close(self) -> None:
        self.session.close()


def not_gradable(error: Exception) -> tuple[GradeReport, str]:
    """The report and status of a submission that could not be graded at all (no submission there, too many files):
    one failed test that says why, and "not gradable: <why>"."""
    report = GradeReport(tests=[TestResult("submission: could not be graded", 0.0, 0.0, False, str(error))])
    return report, f"not gradable: {error}"


def graded_status(report) -> str:
    """The gradebook's status of a graded report: "graded", "graded, not handed in: backprop, validation",
    "not handed in" (nothing of what was graded), or "grader error in N test(s)" (that comes first: it is the instructor's)."""
    if report.grader_errors:
        return f"grader error in {len(report.grader_errors)} test(s)"
    missing = report.not_handed_in
    if missing and all(not test.handed_in for test in report.tests):
        return "not handed in"
    return f"graded, not handed in: {', '.join(missing)}" if missing else "graded"


def _die_with_parent() -> None:
    """Ask Linux to kill this worker if the process that started it dies (even by kill -9)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass  # not Linux: the worker still exits when its pipe closes


def _worker_main(conn: Connection, course: Course) -> None:
    """A pool worker's loop: grade each (key, path) it is sent, under ``course``, until it receives None."""
    _die_with_parent()
    worker = Worker(course)
    conn.send({"ready": True, "pid": os.getpid()})
    try:
        while True:
            job = conn.recv()
            if job is None:
                break
            key, path, options = job
            conn.send({"key": key, "worker": os.getpid(), **worker.grade(Path(path), **options)})
    except (EOFError, KeyboardInterrupt):
        pass
    finally:
        worker.close()


@dataclass
class _Slot:
    process: multiprocessing.Process
    conn: Connection
    job: tuple[str, str, dict] | None = None
    since: float = 0.0
    ready: bool = False


class Pool:
    """``n`` warm workers in their own processes (started with "spawn": fresh interpreters, nothing inherited but the
    ``course`` each is handed, a plain value)."""

    def __init__(self, n: int, course: Course, submission_cap: float = SUBMISSION_CAP) -> None:
        self.context = multiprocessing.get_context("spawn")
        self.course = course
        self.submission_cap = submission_cap
        self.slots = [self._start() for _ in range(max(1, n))]

    def _start(self) -> _Slot:
        ours, theirs = self.context.Pipe()
        process = self.context.Process(target=_worker_main, args=(theirs, self.course), daemon=True)
        process.start()
        theirs.close()
        return _Slot(process, ours)

    def _replace(self, slot: _Slot) -> _Slot:
        slot.process.kill()
        slot.process.join()
        slot.conn.close()
        return self._start()

    def grade(self, jobs: list[tuple[str, str, dict]]) -> Iterator[tuple[str, dict]]:
        """Grade ``(key, path, options)`` jobs (options: keywords of :meth:`Worker.grade`);
        yields ``(key, result)`` as each finishes, in completion order."""
        pending = list(reversed(jobs))
        busy = 0
        while pending or busy:
            for slot in self.slots:
                if slot.ready and slot.job is None and pending:
                    slot.job, slot.since = pending.pop(), time.monotonic()
                    slot.conn.send(slot.job)
                    busy += 1
            waiting = {slot.conn: index for index, slot in enumerate(self.slots)}
            for conn in wait(list(waiting), timeout=1.0):
                index = waiting[conn]
                slot = self.slots[index]
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    job = slot.job
                    self.slots[index] = self._replace(slot)
                    if job is not None:
                        busy -= 1
                        yield job[0], lost(job, "the grading worker stopped unexpectedly")
                    continue
                if "ready" in message:
                    slot.ready = True
                    continue
                slot.job = None
                busy -= 1
                yield message.pop("key"), message
            now = time.monotonic()
            for index, slot in enumerate(self.slots):
                if slot.job is not None and now - slot.since > self.submission_cap:
                    job = slot.job
                    self.slots[index] = self._replace(slot)
                    busy -= 1
                    yield job[0], lost(job, f"grading took more than {self.submission_cap:.0f} s")

    def close(self) -> None:
        for slot in self.slots:
            try:
                slot.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        for slot in self.slots:
            slot.process.join(timeout=15)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()
            slot.conn.close()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def lost(job: tuple[str, str, dict], why: str) -> dict:
    """The result for a submission whose worker was lost: zero, and a status that asks for a regrade."""
    report = GradeReport(tests=[TestResult("submission: could not be graded", 0.0, 0.0, False, f"{why}; grade it again")])
    return {"report": report.to_dict(), "status": f"not graded: {why}", "worker": 0, "rss_mb": 0.0, "peak_rss_mb": 0.0}
