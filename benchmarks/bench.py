"""The grading benchmark: ``make bench`` (or ``python benchmarks/bench.py``).

Times, in one run and on this machine:

1. one submission from the command line, cold (``grade``) and through a warm
   service (``serve`` + ``grade --server``), with the grader's own overhead:
   the wall time minus the time the graded tests themselves took (the
   student's functions and the judge's reference work);
2. a class of N submissions (right, partly right, wrong, untouched) graded
   with ``grade-class`` and W warm workers, with each worker's memory after
   every submission (peak, and growth from the first to the last);
3. ``otter run`` and ``nbgrader autograde`` against our grader on the same
   notebooks (see :mod:`benchmarks.platforms`);
4. cold starts as Gradescope and CI pay them, against the import-torch floor, at full
   and half a CPU, with the peak memory of the process tree (see :mod:`benchmarks.cold`);
5. the warm grade now against the tree before issue 22, interleaved in one run, as a ratio
   (see :mod:`benchmarks.baseline`); ``--baseline-only`` measures just that and merges its row
   into the RESULTS.json already there, keeping every other figure;
6. the student's loop against the floor (see :mod:`benchmarks.loop`): ``check`` of every part, of part 1
   and of each torch part, ``check()`` twice in a real Jupyter kernel, a cold grade with its peak memory and
   a warm one (issue 25); ``--loop-only`` measures just those and merges them the same way;
7. a class of 1,000 (``--dask-n``) on the local pool and on a local Dask cluster of two worker processes,
   with a projection for 50,000 (see :mod:`benchmarks.dask_class`); ``--dask-only`` likewise.

It prints a table and writes the raw figures to ``benchmarks/RESULTS.json``, the one source of every
figure; ``benchmarks/RESULTS.md`` and the documentation's performance page (``docs/performance.md``)
are rendered from it by :mod:`benchmarks.report`. ``--note TEXT`` adds a paragraph about the run's
conditions (a busy machine, a second run); the figures recorded by hand in the previous
RESULTS.json (its ``recorded`` list) are kept.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.baseline import ROUNDS, vs_baseline  # noqa: E402
from benchmarks.cold import cold_rows, grading_service  # noqa: E402
from benchmarks.dask_class import dask_rows  # noqa: E402
from benchmarks.loop import loop_rows  # noqa: E402
from benchmarks.make_class import make_class  # noqa: E402
from benchmarks.report import RESULTS_JSON, RESULTS_MD, render, write_pages  # noqa: E402

PYTHON = sys.executable
DASK_WORKERS = 2  # the row: a local Dask cluster of two worker processes, beside a local pool of two


def cli(*args: str, timeout: float = 3600) -> tuple[float, subprocess.CompletedProcess]:
    """Run ``python -m autograder ...``; returns (wall seconds, process)."""
    started = time.perf_counter()
    process = subprocess.run([PYTHON, "-m", "autograder", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    return time.perf_counter() - started, process


def one_submission(work: Path, repeats: int) -> dict:
    """Cold and warm single grades of the reference solutions, with the grader's overhead."""
    report = work / "one.json"
    cold = []
    for _ in range(repeats):
        seconds, process = cli("grade", "solutions", "--json", str(report))
        assert process.returncode == 0, process.stderr
        cold.append(seconds)
    socket_path = work / "bench.sock"
    with grading_service(socket_path):
        warm, overhead = [], []
        for _ in range(repeats):
            seconds, process = cli("grade", "solutions", "--server", str(socket_path), "--json", str(report))
            assert process.returncode == 0, process.stderr
            tests = sum(t["seconds"] for t in json.loads(report.read_text())["tests"])
            warm.append(seconds)
            overhead.append(seconds - tests)
    return {
        "cold_s": statistics.median(cold),
        "warm_s": statistics.median(warm),
        "warm_overhead_s": statistics.median(overhead),
        "warm_tests_s": statistics.median(warm) - statistics.median(overhead),
    }


def whole_class(work: Path, n: int, workers: int) -> dict:
    """Grade a class of ``n`` submissions with ``workers`` warm workers; memory per worker after each."""
    from autograder.course.config import Course
    from autograder.gradebook import grade_class

    klass = work / "class"
    kinds = make_class(klass, n)
    samples: dict[int, list[tuple[float, float]]] = {}
    per_submission = []

    def progress(student: str, row, result: dict) -> None:
        samples.setdefault(result["worker"], []).append((result["rss_mb"], result["peak_rss_mb"]))
        per_submission.append(result["report"]["seconds"])

    started = time.perf_counter()
    rows = grade_class(klass, work / "graded", Course(), regrade=True, workers=workers, progress=progress)
    seconds = time.perf_counter() - started
    by_kind: dict[str, list[float]] = {}
    for row in rows:
        by_kind.setdefault(kinds[row.student], []).append(row.total)
    return {
        "n": n,
        "workers": workers,
        "class_s": seconds,
        "per_submission_s": statistics.mean(per_submission),
        "mean_score_by_kind": {kind: statistics.mean(scores) for kind, scores in by_kind.items()},
        "peak_rss_mb": max(peak for series in samples.values() for _, peak in series),
        # A leak grows with every submission; caches (hypothesis examples, pictures, torch's allocator)
        # fill during the first few dozen (about 50 measured, then flat up to 400) and then stay: so
        # warm-up (first half) and growth (second half) are reported apart.
        "rss_warmup_mb": max(series[len(series) // 2][0] - series[0][0] for series in samples.values()),
        "rss_growth_mb": max(series[-1][0] - series[len(series) // 2][0] for series in samples.values()),
        "rss_first_middle_last_mb": {
            pid: (round(series[0][0]), round(series[len(series) // 2][0]), round(series[-1][0])) for pid, series in samples.items()
        },
    }


def merge_only(args: argparse.Namespace, key: str, option: str, measure: Callable[[Path], dict | None]) -> int:
    """``--baseline-only``, ``--loop-only``, ``--dask-only``: measure one group of rows and merge it, as ``key``, into
    the RESULTS.json already there (every other figure, its date and machine kept; ``--note`` paragraphs appended),
    then re-render. Only with the default ``--out``: the rows belong beside the run they are merged into."""
    if Path(args.out).resolve() != RESULTS_MD.resolve() or not RESULTS_JSON.exists():
        print(f"{option} merges into benchmarks/RESULTS.json: it needs the default --out and a RESULTS.json", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        row = measure(Path(scratch))
    if row is None:
        return 0  # nothing measured, nothing rewritten
    results = json.loads(RESULTS_JSON.read_text())
    results[key] = row
    results["notes"] = results.get("notes", []) + args.note
    RESULTS_JSON.write_text(json.dumps(results, indent=2, default=str) + "\n")
    write_pages(results)
    print(render(results))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="submissions in the class")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=3, help="single-submission runs to take the median of")
    parser.add_argument("--platform-n", type=int, default=20, help="notebooks for the otter and nbgrader comparison")
    parser.add_argument("--skip-platforms", action="store_true", help="only our grader (no otter, no nbgrader)")
    parser.add_argument("--cold-repeats", type=int, default=5, help="cold runs (each command, full and half CPU) to take the median of")
    parser.add_argument("--cold-only", action="store_true", help="only the cold-start rows (about 10 minutes)")
    parser.add_argument(
        "--baseline-only",
        action="store_true",
        help="only the warm grade against the baseline commit (a couple of minutes), merged into the RESULTS.json there",
    )
    parser.add_argument("--baseline-rounds", type=int, default=ROUNDS, help="interleaved rounds of each tree's warm grade")
    parser.add_argument(
        "--loop-only",
        action="store_true",
        help="only the student's check loop, the cold and the warm grade against the floor (benchmarks/loop.py), merged in",
    )
    parser.add_argument("--loop-rounds", type=int, default=5, help="rounds of the check-loop rows to take the median of")
    parser.add_argument(
        "--dask-only",
        action="store_true",
        help="only the class on a local Dask cluster beside the local pool (benchmarks/dask_class.py), merged in",
    )
    parser.add_argument("--dask-n", type=int, default=1000, help="submissions in the class graded by the pool and by Dask")
    parser.add_argument("--note", action="append", default=[], help="a paragraph about this run's conditions (repeatable)")
    parser.add_argument(
        "--out", default=str(RESULTS_MD), help="the Markdown table; the JSON goes beside it (the docs page only with the default)"
    )
    args = parser.parse_args(argv)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    if args.baseline_only:
        return merge_only(args, "vs_baseline", "--baseline-only", lambda work: vs_baseline(work, args.baseline_rounds))
    if args.loop_only:
        return merge_only(args, "loop", "--loop-only", lambda work: loop_rows(args.loop_rounds))
    if args.dask_only:
        return merge_only(args, "dask", "--dask-only", lambda work: dask_rows(work, args.dask_n, DASK_WORKERS))
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        work = Path(scratch)
        results = {
            "date": date.today().isoformat(),
            "machine": machine,
            "torch": importlib.metadata.version("torch"),
            "notes": args.note,
            "cold": cold_rows(work, args.cold_repeats),
            "loop": loop_rows(args.loop_rounds),
        }
        if not args.cold_only:
            results |= {"one": one_submission(work, args.repeats), "class": whole_class(work, args.n, args.workers)}
            results["dask"] = dask_rows(work, args.dask_n, DASK_WORKERS)
            row = vs_baseline(work, args.baseline_rounds)
            if row is not None:  # None: the baseline commit is not in this clone (said in one line)
                results["vs_baseline"] = row
        if not (args.skip_platforms or args.cold_only):
            from benchmarks.platforms import compare_platforms

            results["platforms"] = compare_platforms(work, args.platform_n)
    if RESULTS_JSON.exists():  # figures measured by hand outside make bench stay until someone updates them
        results["recorded"] = json.loads(RESULTS_JSON.read_text()).get("recorded", [])
    text = render(results)
    print(text)
    out = Path(args.out)
    out.with_suffix(".json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    if out.resolve() == RESULTS_MD.resolve():
        write_pages(results)  # RESULTS.md and docs/performance.md, both from the JSON just written
    else:
        out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
