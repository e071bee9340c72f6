"""``grade-class --cluster ADDRESS`` (issue 25): a class graded on a real Dask ``LocalCluster`` of two worker processes
gives the files ``--workers 2`` gives; a Dask worker killed mid-run loses no submission; without ``--cluster`` Dask is
never imported; no Dask, or no scheduler at the address, is one line and exit 2."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import distributed  # the cluster extra, which `make test` installs
import pytest

from autograder.cluster import CONNECT_SECONDS, STUCK_EXIT, materialise, pack
from autograder.discovery import content_digest
from autograder.resume import WHY_UNFINISHED
from tests.conftest import ROOT, run_cli
from tests.test_workers import gradebook, make_class, student_files

CLASS = ["ada_all_right", "ben_partly_done", "cleo_typical_mistakes", "dan_untouched", "eve_syntax_error_and_endless_loop"]
PART = ("--part", "backprop")  # where one part proves the same (a worker lost, Dask absent): a fraction of the time


@pytest.fixture(scope="module")
def cluster():
    """A real Dask cluster on this machine: a scheduler and two worker processes of one thread each (with nannies,
    which restart a worker that dies, as on a real cluster)."""
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0") as local:
        with distributed.Client(local) as client:
            yield local, client


def test_a_class_on_a_local_dask_cluster_gives_the_files_of_two_local_workers(cluster, tmp_path):
    local, _client = cluster
    klass = make_class(tmp_path, CLASS[:4])
    pool, dask = tmp_path / "pool", tmp_path / "dask"
    assert run_cli("grade-class", str(klass), "--out", str(pool), "--workers", "2").returncode == 0
    # A relative class folder, from a folder the Dask workers are not in: the workers are sent the files, they
    # never read the client's path (no shared file system is needed).
    process = run_cli("grade-class", "class", "--out", str(dask), "--cluster", local.scheduler_address, cwd=tmp_path)
    assert process.returncode == 0, process.stderr[-3000:]
    assert (dask / "gradebook.csv").read_text() == (pool / "gradebook.csv").read_text()
    assert student_files(dask) == student_files(pool) and len(student_files(dask)) == 4
    assert sorted(path.name for path in (dask / "ada_all_right").iterdir()) == sorted(
        path.name for path in (pool / "ada_all_right").iterdir()
    )
    assert all((dask / name / "report.md").read_text() == (pool / name / "report.md").read_text() for name in CLASS[:4])
    assert "graded" in {row["status"] for row in gradebook(dask).values()}

    # A rerun is resumed by the client before anything is sent: the same files, nothing graded again.
    stamps = {path: path.stat().st_mtime_ns for path in dask.glob("*/report.json")}
    again = run_cli("grade-class", "class", "--out", str(dask), "--cluster", local.scheduler_address, cwd=tmp_path)
    assert again.returncode == 0 and "4 already graded" in again.stdout, again.stdout
    assert {path: path.stat().st_mtime_ns for path in dask.glob("*/report.json")} == stamps


def test_a_dask_worker_killed_mid_run_loses_no_submission(cluster, tmp_path):
    local, client = cluster
    client.wait_for_workers(2, timeout=120)  # both workers up, to see one of them lost
    klass = make_class(tmp_path, CLASS)
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "autograder",
        "grade-class",
        str(klass),
        "--out",
        str(out),
        "--cluster",
        local.scheduler_address,
        *PART,
    ]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    killed = _kill_when_grading(client, process)
    stdout, stderr = process.communicate(timeout=600)
    assert killed is not None, "no worker was seen grading"
    assert process.returncode == 0, stderr[-3000:]
    rows = list(csv.DictReader((out / "gradebook.csv").open()))
    assert sorted(row["student"] for row in rows) == sorted(CLASS)  # every submission, once
    assert not [row for row in rows if row["status"].startswith("not graded")], rows
    printed = [line.split()[0] for line in stdout.splitlines() if line.split() and line.split()[0] in CLASS]
    assert sorted(printed) == sorted(CLASS)  # each one graded (and written) exactly once


def _kill_when_grading(client: distributed.Client, process: subprocess.Popen) -> int | None:
    """Kill (SIGKILL) the first Dask worker seen with a submission to grade, while ``process`` runs; its pid."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and process.poll() is None:
        busy = [address for address, keys in client.processing().items() if any(str(key).startswith("grade-") for key in keys)]
        if busy:  # grading (or warming up for) a submission now: killed, as a batch system or the OOM killer would
            pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
            os.kill(pid, signal.SIGKILL)
            return pid
        time.sleep(0.05)
    return None


def test_a_submission_that_keeps_killing_its_workers_ends_not_graded_and_a_rerun_grades_it(tmp_path):
    """With the scheduler's allowed-failures at 0, one death is "keeps killing": the submission comes back lost (0,
    "not graded: ..."), the run ends, and a rerun grades it (its last grading did not finish)."""
    import dask

    klass = make_class(tmp_path, CLASS[:2])
    out = tmp_path / "out"
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with distributed.LocalCluster(n_workers=1, processes=True, threads_per_worker=1, dashboard_address=":0") as local:
            with distributed.Client(local) as client:
                command = [sys.executable, "-m", "autograder", "grade-class", str(klass), "--out", str(out)]
                command += ["--cluster", local.scheduler_address, *PART]
                process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                assert _kill_when_grading(client, process) is not None, "no worker was seen grading"
                stdout, stderr = process.communicate(timeout=600)
                assert process.returncode == 0, stderr[-3000:]
                lost = {name for name, row in gradebook(out).items() if row["status"].startswith("not graded: it stopped")}
                assert lost and all(gradebook(out)[name]["total"] == "0" for name in lost), stdout
                client.wait_for_workers(1, timeout=120)  # the nanny's new worker
                again = run_cli("grade-class", str(klass), "--out", str(out), "--cluster", local.scheduler_address, *PART)
    assert again.returncode == 0, again.stderr[-3000:]
    assert {row["status"] for row in gradebook(out).values()} == {"graded"}
    assert all(f"{name}: {WHY_UNFINISHED}" in again.stdout for name in lost), again.stdout


def test_what_is_sent_to_a_worker_holds_what_grading_reads(tmp_path):
    """The files discovery looks at, links as links, and the small text files the sandbox copies for the student's
    code (a data file), under the same paths; nothing else."""
    student = tmp_path / "class" / "ann"
    (student / "exercises").mkdir(parents=True)
    (student / "exercises" / "backprop.py").write_text("def sigmoid(z):\n    return z\n")
    (student / "data.csv").write_text("1,2\n")
    (student / "notes.bin").write_bytes(b"\0" * 10)  # neither read nor copied: not sent
    (student / "work.rar").write_bytes(b"Rar!" * 100)  # named ("not opened"), never read: sent empty
    (student / "training_loop.py").symlink_to("/etc/hostname")
    packed = pack(student)
    assert set(packed.files) == {"exercises/backprop.py", "data.csv", "work.rar"} and packed.files["work.rar"] == b""
    assert packed.links == {"training_loop.py": "/etc/hostname"}
    (tmp_path / "worker").mkdir()
    copy = materialise(packed, tmp_path / "worker")
    assert copy == tmp_path / "worker" / "ann" and (copy / "training_loop.py").is_symlink()
    assert (copy / "exercises" / "backprop.py").read_bytes() == (student / "exercises" / "backprop.py").read_bytes()
    (student / "work.rar").write_bytes(b"")  # the archive's bytes are the one thing left out: the fingerprint is the same
    assert content_digest(copy) == content_digest(student)


def test_a_dask_worker_stuck_with_one_submission_ends_itself():
    """As the local pool kills a worker busy past its cap, a Dask worker ends itself (its nanny starts another, the
    scheduler retries the task); a block that finishes in time leaves the process alone."""
    script = (
        "import time\n"
        "from autograder.cluster import stop_if_stuck\n"
        "with stop_if_stuck(5):\n    pass\n"
        "time.sleep(0.1)\n"
        "with stop_if_stuck(0.2):\n    time.sleep(30)\n"
        "raise SystemExit(0)\n"
    )
    started = time.monotonic()
    process = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert process.returncode == STUCK_EXIT, process.stderr
    assert time.monotonic() - started < 20


def _without_dask(tmp_path: Path) -> dict[str, str]:
    """The environment of a machine without Dask: ``dask`` and ``distributed`` cannot be imported (for the command
    and every process it starts)."""
    shadow = tmp_path / "no-dask"
    for name in ("dask", "distributed"):
        (shadow / name).mkdir(parents=True)
        (shadow / name / "__init__.py").write_text(f"raise ImportError('{name} is not installed here')\n")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(shadow), os.environ.get("PYTHONPATH", str(ROOT))])}


def test_without_cluster_dask_is_never_imported_and_with_it_missing_is_one_line(tmp_path):
    klass = make_class(tmp_path, CLASS[:1])
    env = _without_dask(tmp_path)
    base = [sys.executable, "-m", "autograder", "grade-class", str(klass), *PART]
    local = subprocess.run(
        [*base, "--out", str(tmp_path / "out"), "--workers", "1"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert local.returncode == 0, local.stderr[-3000:]
    assert gradebook(tmp_path / "out")["ada_all_right"]["status"] == "graded"
    missing = subprocess.run(
        [*base, "--out", str(tmp_path / "elsewhere"), "--cluster", "tcp://127.0.0.1:8786"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line for line in missing.stderr.splitlines() if line.strip()]
    assert missing.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "), missing.stderr
    assert "pip install '.[cluster]'" in lines[0]
    assert not (tmp_path / "elsewhere").exists()  # refused before anything is written


def test_an_address_where_no_scheduler_answers_is_one_line_soon(tmp_path):
    """Nothing listens there: one line, exit 2, after the connection's short timeout, nothing written. (A value that
    is no address at all is a row of tests/test_bad_input.py.)"""
    klass = make_class(tmp_path, CLASS[:1])
    started = time.monotonic()
    process = run_cli("grade-class", str(klass), "--out", str(tmp_path / "out"), "--cluster", "tcp://127.0.0.1:1", timeout=120)
    lines = [line for line in process.stderr.splitlines() if line.strip()]
    assert process.returncode == 2 and len(lines) == 1, process.stderr
    assert lines[0].startswith(f"error: --cluster tcp://127.0.0.1:1: no Dask scheduler answered there within {CONNECT_SECONDS} s")
    assert time.monotonic() - started < CONNECT_SECONDS + 30  # the command's start, then the connection's timeout
    assert not (tmp_path / "out").exists()


def test_workers_with_another_copy_of_the_grader_are_one_line(tmp_path):
    """A Dask worker that imports another copy of the project (an older checkout first on its path, say) cannot load
    the grader: grade-class says so in one line, exit 2, before anything is written (it was Dask's traceback)."""
    stale = tmp_path / "stale"
    (stale / "autograder").mkdir(parents=True)
    (stale / "autograder" / "__init__.py").write_text('"""An older copy of the project: no autograder.cluster here."""\n')
    klass = make_class(tmp_path, CLASS[:1])
    with distributed.LocalCluster(n_workers=0, processes=False, protocol="tcp", host="127.0.0.1", dashboard_address=":0") as local:
        worker = subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", local.scheduler_address, "--nthreads", "1", "--no-nanny"],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(stale)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            with distributed.Client(local) as client:
                client.wait_for_workers(1, timeout=120)
            process = run_cli("grade-class", str(klass), "--out", str(tmp_path / "out"), "--cluster", local.scheduler_address)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
    lines = [line for line in process.stderr.splitlines() if line.strip()]
    assert process.returncode == 2 and len(lines) == 1, process.stderr[-3000:]
    assert "the Dask workers could not load this grader" in lines[0] and "same commit of the project" in lines[0]
    assert not (tmp_path / "out").exists()
