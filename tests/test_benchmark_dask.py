"""The Dask rows of the benchmark (issue 25, :mod:`benchmarks.dask_class`): the projection's arithmetic and the
rendered rows on hand-made figures, and one real small run of a class graded by the local pool and on a real
Dask ``LocalCluster`` of two worker processes, which must give the same gradebook."""

from __future__ import annotations

import csv

import pytest

from autograder.gradebook import Row
from benchmarks.dask_class import CAVEAT, PROJECTED_N, dask_rows, duration, projected_seconds, render_dask_rows, same_grades

FIGURES = ("class_s", "startup_s", "per_submission_worker_s", "per_submission_wall_s")


def test_the_projection_is_the_start_up_then_the_submissions_shared_by_the_workers():
    assert projected_seconds(10.0, 1.0, 50_000, 100) == pytest.approx(510.0)
    assert projected_seconds(10.0, 1.0, 50_000, 1000) == pytest.approx(60.0)
    assert projected_seconds(7.5, 1.2, 1000, 2) == pytest.approx(607.5)
    assert projected_seconds(3.0, 0.0, 50_000, 100) == 3.0  # free submissions: only the start-up


def test_durations_are_in_a_unit_read_at_a_glance():
    assert duration(42.04) == "42.0 s"
    assert duration(510.0) == "8.5 min"
    assert duration(4 * 3600 + 720) == "4.2 h"


def test_a_class_graded_differently_on_the_cluster_gives_no_figure():
    rows = [Row("ann", {"backprop": 10.0}, 10.0, "graded"), Row("ben", {"backprop": 0.0}, 0.0, "graded")]
    same_grades(rows, list(rows), "book", "book")  # the same: no error
    other = [rows[0], Row("ben", {"backprop": 5.0}, 5.0, "graded")]
    with pytest.raises(RuntimeError, match=r"graded the class differently: \['ben'\]"):
        same_grades(rows, other, "book", "book")
    with pytest.raises(RuntimeError, match=r"graded the class differently: \['ben'\]"):
        same_grades(rows, rows[:1], "book", "book")  # a student missing on one side
    with pytest.raises(RuntimeError, match=r"their gradebook\.csv files"):
        same_grades(rows, list(rows), "book", "another book")


# A hand-made result, as dask_rows gives it: 1000 submissions, 2 workers.
RESULT = {
    "n": 1000,
    "workers": 2,
    "pool": {"class_s": 604.0, "startup_s": 4.0, "per_submission_worker_s": 1.2012, "per_submission_wall_s": 0.6006},
    "dask": {"class_s": 664.4, "startup_s": 6.0, "per_submission_worker_s": 1.318, "per_submission_wall_s": 0.659},
    "cluster_start_s": 2.34,
    "projection": {
        "n": 50_000,
        "from": "dask",
        "rows": [{"workers": w, "seconds": projected_seconds(6.0, 1.318, 50_000, w)} for w in (2, 100, 1000)],
    },
}


def test_the_rows_carry_the_figures_the_ratio_and_the_projection_with_its_caveat():
    rows = render_dask_rows(RESULT)
    assert all(row.startswith("| ") and row.endswith(" |") and row.count(" | ") == 2 for row in rows), rows  # what | measured | target
    pool, dask, start, *projected = rows
    assert "a class of 1000 submissions, local pool of 2 workers" in pool
    for phrase in ("10.1 min", "start-up (first result) 4.0 s", "1.20 s of one worker per submission", "0.60 s of wall time"):
        assert phrase in pool, phrase
    assert "local Dask cluster of 2 worker processes, one thread each" in dask
    for phrase in ("11.1 min", "6.0 s", "1.32 s of one worker", "1.10x the local pool's time", "reported beside the local pool"):
        assert phrase in dask, phrase
    assert "own start" in start and "not counted above" in start and "2.3 s" in start
    # 50,000 x 1.318 s / W + 6 s: 9.2 h on 2 workers, 11.1 min on 100, 71.9 s on 1000
    assert [row.split(" | ")[1] for row in projected] == ["9.2 h", "11.1 min", "71.9 s"]
    assert "50,000 submissions on 2 Dask workers (this machine's number)" in projected[0]
    assert "50,000 submissions on 1,000 Dask workers" in projected[2]
    assert CAVEAT in projected[0] and "not a measurement" in CAVEAT and "scheduler" in CAVEAT
    assert all("arithmetic" in row for row in projected)


def test_a_real_small_class_on_the_pool_and_a_local_dask_cluster_grades_the_same(tmp_path):
    result = dask_rows(tmp_path, n=6, workers=2)
    assert (result["n"], result["workers"]) == (6, 2)
    for how in ("pool", "dask"):
        assert set(result[how]) == set(FIGURES)
        assert all(result[how][key] > 0 for key in FIGURES), result[how]
        assert result[how]["startup_s"] < result[how]["class_s"]
        assert result[how]["per_submission_worker_s"] == pytest.approx(2 * result[how]["per_submission_wall_s"])
    assert result["cluster_start_s"] > 0
    projection = result["projection"]
    assert projection["n"] == PROJECTED_N and [row["workers"] for row in projection["rows"]] == [2, 100, 1000]
    dask = result["dask"]
    assert projection["rows"][1]["seconds"] == pytest.approx(
        projected_seconds(dask["startup_s"], dask["per_submission_worker_s"], PROJECTED_N, 100)
    )
    # both gradebooks on disk, the same, every submission graded
    books = [(tmp_path / folder / "gradebook.csv").read_text() for folder in ("graded_pool", "graded_dask")]
    assert books[0] == books[1]
    rows = list(csv.DictReader(books[0].splitlines()))
    assert len(rows) == 6 and {row["status"] for row in rows} <= {"graded", "not handed in"} and "graded" in {r["status"] for r in rows}
    assert len(render_dask_rows(result)) == 6
