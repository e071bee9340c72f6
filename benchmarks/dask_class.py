"""A class on a local Dask cluster beside the local pool, and what 50,000 submissions would take: issue 25.

Measured in one run, on one synthetic class of ``n`` submissions (:mod:`benchmarks.make_class`), graded twice
with ``--regrade``:

1. by the local pool of ``workers`` warm workers (``grade-class --workers W``);
2. on a fresh ``distributed.LocalCluster`` of ``workers`` worker processes, one thread each
   (``grade-class --cluster ADDRESS``), into another folder.

For each: the whole class's wall time; its start-up, the time until the first submission's result arrives
(workers started, torch and the references loaded, one submission graded); and the steady-state cost of a
submission, ``(wall - start-up) / (n - 1)`` of wall time, times ``workers`` for the seconds of one worker it
takes. The cluster's own start (``LocalCluster``: scheduler and worker processes) is timed apart: a real
cluster is up before the class is sent. The two gradebooks must be the same, row for row, or no figure is given.

From the Dask figures, :func:`projected_seconds` gives 50,000 submissions on 2 (this machine), 100 and 1,000
Dask workers: arithmetic on what was measured here, assuming each worker costs what one costs here and that
the scheduler and the client (which writes every result and the gradebook) keep up. Not a measurement.

Alone: ``python -m benchmarks.dask_class --n 20`` prints the rows (in the table format of
:mod:`benchmarks.report`); the JSON-able figures are :func:`dask_rows`'s.

Example::

    result = dask_rows(Path("/tmp/bench"), n=20)
    result["dask"]["per_submission_worker_s"]   # 1.1: seconds of one Dask worker per submission
    render_dask_rows(result)                    # ["| a class of 20 submissions, local pool ... |", ...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: python benchmarks/dask_class.py
    sys.path.insert(0, str(ROOT))

from benchmarks.make_class import make_class  # noqa: E402

PROJECTED_N = 50_000
PROJECTED_WORKERS = (100, 1000)  # besides this run's own number of workers
CAVEAT = (
    "arithmetic, not a measurement: the start-up and the per-worker cost measured here on the Dask cluster, "
    "and a scheduler and a client (which writes every result and the gradebook) that keep up"
)


def projected_seconds(startup_s: float, per_submission_worker_s: float, n_submissions: int, workers: int) -> float:
    """Seconds to grade ``n_submissions`` on ``workers`` workers: the start-up, then each submission costing
    ``per_submission_worker_s`` seconds of one worker, the workers sharing them evenly.

    Example: ``projected_seconds(10.0, 1.0, 50_000, 100)`` is ``10 + 50_000 * 1.0 / 100 = 510.0``.
    """
    return startup_s + n_submissions * per_submission_worker_s / workers


def _timed_class(klass: Path, out: Path, workers: int, cluster: str | None) -> tuple[dict, list]:
    """Grade ``klass`` into ``out`` (local pool of ``workers``, or the Dask cluster at ``cluster``); its figures and rows."""
    from autograder.course.config import Course
    from autograder.gradebook import grade_class

    arrivals: list[float] = []
    started = time.perf_counter()
    rows = grade_class(
        klass,
        out,
        Course(),
        regrade=True,
        workers=None if cluster else workers,
        cluster=cluster,
        progress=lambda student, row, result: arrivals.append(time.perf_counter()),
    )
    class_s = time.perf_counter() - started
    n = len(rows)
    if len(arrivals) != n:
        raise RuntimeError(f"{n} submissions but {len(arrivals)} results arrived")
    startup_s = arrivals[0] - started
    # The steady state: the n - 1 submissions after the first, the workers busy side by side.
    per_submission_wall_s = (class_s - startup_s) / (n - 1)
    figures = {
        "class_s": class_s,
        "startup_s": startup_s,
        "per_submission_wall_s": per_submission_wall_s,
        "per_submission_worker_s": per_submission_wall_s * workers,
    }
    return figures, rows


def same_grades(pool_rows: list, dask_rows: list, pool_book: str, dask_book: str) -> None:
    """Raise RuntimeError unless the local pool and the Dask cluster gave the same rows (student, parts, total,
    status) and the same ``gradebook.csv`` text: a benchmark that grades differently must not report a figure.

    Example: ``same_grades(rows, rows, book, book)`` returns None.
    """
    if pool_rows == dask_rows and pool_book == dask_book:
        return
    differ = sorted({row.student for row in pool_rows} ^ {row.student for row in dask_rows})
    differ += [a.student for a, b in zip(pool_rows, dask_rows) if a != b and a.student == b.student]
    raise RuntimeError(f"the local pool and the Dask cluster graded the class differently: {differ or 'their gradebook.csv files'}")


def dask_rows(work: Path, n: int = 1000, workers: int = 2) -> dict:
    """Grade one class of ``n`` submissions with the local pool and on a fresh local Dask cluster of ``workers``
    processes (one thread each); the figures of both, the cluster's start, and the projection for 50,000.

    Raises RuntimeError when the two gradebooks differ (a benchmark that grades differently gives no figure),
    ValueError when ``n`` < 2 (the steady state needs a submission after the first).
    """
    import distributed  # the cluster extra: pip install '.[cluster]'

    if n < 2 or workers < 1:
        raise ValueError(f"a class of at least 2 submissions and at least 1 worker (got n={n}, workers={workers})")
    klass = work / "dask_class"
    make_class(klass, n)
    pool, pool_graded = _timed_class(klass, work / "graded_pool", workers, None)
    started = time.perf_counter()
    with distributed.LocalCluster(n_workers=workers, processes=True, threads_per_worker=1, dashboard_address=":0") as local:
        local.wait_for_workers(workers, timeout=300)  # every worker process up and known to the scheduler
        cluster_start_s = time.perf_counter() - started
        dask, dask_graded = _timed_class(klass, work / "graded_dask", workers, local.scheduler_address)
    same_grades(pool_graded, dask_graded, *((work / out / "gradebook.csv").read_text() for out in ("graded_pool", "graded_dask")))
    return {
        "n": n,
        "workers": workers,
        "pool": pool,
        "dask": dask,
        "cluster_start_s": cluster_start_s,
        "projection": {
            "n": PROJECTED_N,
            "from": "dask",
            "rows": [
                {"workers": w, "seconds": projected_seconds(dask["startup_s"], dask["per_submission_worker_s"], PROJECTED_N, w)}
                for w in (workers, *PROJECTED_WORKERS)
            ],
        },
    }


def duration(seconds: float) -> str:
    """A duration in the unit a reader takes in at a glance: ``42.0 s``, ``8.5 min``, ``3.2 h``."""
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _class_figures(figures: dict) -> str:
    return (
        f"{duration(figures['class_s'])}: start-up (first result) {duration(figures['startup_s'])}, "
        f"then {figures['per_submission_worker_s']:.2f} s of one worker per submission "
        f"({figures['per_submission_wall_s']:.2f} s of wall time)"
    )


def render_dask_rows(result: dict) -> list[str]:
    """Markdown rows of the ``| what | measured | target |`` table (:mod:`benchmarks.report`): the class on the local
    pool, the same class on the local Dask cluster with its ratio to the pool, the cluster's own start, and the
    projection for 50,000 submissions (said to be arithmetic, not a measurement)."""
    n, workers, pool, dask = result["n"], result["workers"], result["pool"], result["dask"]
    projection = result["projection"]
    rows = [
        f"| a class of {n} submissions, local pool of {workers} workers (`grade-class --workers {workers}`) | {_class_figures(pool)} | reported |",
        f"| the same class on a local Dask cluster of {workers} worker processes, one thread each (`grade-class --cluster`) "
        f"| {_class_figures(dask)}; {dask['class_s'] / pool['class_s']:.2f}x the local pool's time | reported beside the local pool |",
        f"| the local Dask cluster's own start (scheduler and {workers} worker processes), not counted above "
        f"| {duration(result['cluster_start_s'])} | reported |",
    ]
    for index, row in enumerate(projection["rows"]):
        here = " (this machine's number)" if row["workers"] == workers else ""
        said = CAVEAT if index == 0 else "arithmetic, as above"  # said in full once
        rows.append(
            f"| projected: {projection['n']:,} submissions on {row['workers']:,} Dask workers{here} | {duration(row['seconds'])} | {said} |"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    """``python -m benchmarks.dask_class``: measure, print the rows. Bad input or no Dask: one line, exit 2."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="submissions in the class (at least 2)")
    parser.add_argument("--workers", type=int, default=2, help="local workers, and Dask worker processes")
    args = parser.parse_args(argv)
    if args.n < 2 or args.workers < 1:
        print(f"error: --n {args.n} --workers {args.workers}: give a class of at least 2 and at least 1 worker", file=sys.stderr)
        return 2
    try:
        import distributed  # noqa: F401 - only to say so in one line when it is missing
    except ImportError:
        print("error: this benchmark needs Dask, which is not installed here: pip install '.[cluster]'", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-dask-") as scratch:
        result = dask_rows(Path(scratch), args.n, args.workers)
    print("\n".join(["| what | measured | target |", "| --- | --- | --- |", *render_dask_rows(result)]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
