"""The benchmark's own pieces, fast (the benchmark itself is ``make bench``, about 20 minutes).

What could silently rot: a "wrong" submission that is no longer wrong because
the solution it patches was reworded, the table's targets, and the pages drawn
from ``benchmarks/RESULTS.json`` (``benchmarks/RESULTS.md`` and the documentation's
``docs/performance.md``): they must be exactly what the renderer gives from the
committed JSON, checked here without running the benchmark.
"""

from __future__ import annotations

import json
import re

import pytest

from autograder import SOLUTIONS_DIR
from benchmarks.baseline import BASELINE, LIMIT, BaselineMissing, baseline_tree, per_test_changes, render_row, verdict, vs_baseline
from benchmarks.cold import render_rows
from benchmarks.make_class import KINDS, MISTAKES, make_class
from benchmarks.report import GENERATED, LATEST_RUN, PAGE, PAGE_TEMPLATE, RECORDED, RESULTS_JSON, RESULTS_MD, ROOT, pages, render


def test_every_benchmark_mistake_still_patches_the_solution():
    for name, old, new in MISTAKES:
        text = (SOLUTIONS_DIR / name).read_text()
        assert old in text, f"{name}: the benchmark's mistake no longer applies; update benchmarks/make_class.py"
        assert old != new


def test_the_class_mixes_every_kind_and_each_wrong_one_differs(tmp_path):
    kinds = make_class(tmp_path / "class", 4 * len(MISTAKES))
    assert sorted(set(kinds.values())) == sorted(KINDS)
    solutions = {p.name: p.read_text() for p in SOLUTIONS_DIR.glob("*.py")}
    for student, kind in kinds.items():
        files = {p.name: p.read_text() for p in (tmp_path / "class" / student).glob("*.py")}
        assert set(files) == set(solutions)
        changed = [name for name in files if files[name] != solutions[name]]
        expected = {"right": 0, "wrong": 1, "partly_right": 3, "untouched": 6}[kind]
        assert len(changed) == expected, (student, changed)


def test_the_table_states_each_target():
    results = {
        "machine": "x86_64, 2 cores, Python 3.11",
        "one": {"cold_s": 6.0, "warm_s": 0.8, "warm_overhead_s": 0.2, "warm_tests_s": 0.6},
        "class": {
            "n": 200,
            "workers": 2,
            "class_s": 60.0,
            "per_submission_s": 0.5,
            "peak_rss_mb": 370.0,
            "rss_warmup_mb": 10.0,
            "rss_growth_mb": 0.0,
            "mean_score_by_kind": {"right": 100.0},
        },
        "platforms": ["| the same 20 notebooks, `otter run` one by one | 250 s | ours at least 5x faster: 21.0x |"],
    }
    table = render(results)
    for phrase in ("at most 1.5 s", "at most 0.3 s", "at most 120 s for 200", "no growth", "0.80 s", "60.0 s", "21.0x"):
        assert phrase in table, phrase


# Cold rows as a run from before the notebook rows gives them (no otter, no notebook through our zip).
COLD_BEFORE_NOTEBOOKS = {
    "floor": {"s": 1.4, "peak_mb": 200.0},
    "grade": {"s": 3.5, "peak_mb": 500.0},
    "gradescope": {"s": 3.6, "peak_mb": 510.0},
    "floor_half": {"s": 5.6, "peak_mb": 200.0},
    "grade_half": {"s": 14.0, "peak_mb": 520.0},
    "gradescope_half": {"s": 14.5, "peak_mb": 530.0},
}


def test_the_cold_rows_give_ratios_to_the_floor_and_the_memory_limit():
    cold = COLD_BEFORE_NOTEBOOKS
    table = "\n".join(render_rows(cold))
    for phrase in ("1.40 s", "2.5x the floor", "at most 2.5x the floor", "half a CPU", "530 MB", "at most 768 MB"):
        assert phrase in table, phrase
    assert "otter" not in table  # a run from before the notebook rows has none


def test_the_cold_rows_put_otter_beside_our_gradescope_zip_on_the_same_notebook():
    cold = {
        **COLD_BEFORE_NOTEBOOKS,
        "gradescope_notebook": {"s": 3.0, "peak_mb": 480.0},
        "otter": {"s": 15.0, "peak_mb": 700.0},
        "gradescope_notebook_half": {"s": 12.0, "peak_mb": 540.0},
        "otter_half": {"s": 60.0, "peak_mb": 720.0},
        "scores": {"gradescope": [100.0], "gradescope_notebook": [12.0], "otter": [12.0]},
    }
    table = "\n".join(render_rows(cold))
    otter_rows = [row for row in table.splitlines() if "otter run" in row]
    assert len(otter_rows) == 2
    assert "15.00 s = 10.7x the floor" in otter_rows[0] and "ours 5.0x faster" in otter_rows[0]
    assert "ours 5.0x faster" in otter_rows[1]
    assert "540 MB | at most 768 MB" in table  # the notebook run counts for Gradescope's memory too
    assert "[12.0]" in table


def test_the_committed_pages_are_what_the_committed_results_give():
    """One fact in one place: RESULTS.json is the source; RESULTS.md and docs/performance.md are its renderings."""
    rendered = pages(json.loads(RESULTS_JSON.read_text()))
    assert set(rendered) == {RESULTS_MD, PAGE}
    for path, text in rendered.items():
        assert path.read_text() == text, f"{path.relative_to(ROOT)} is stale or edited by hand: run python -m benchmarks.report"


def test_the_page_holds_the_run_its_notes_and_the_figures_recorded_by_hand():
    results = json.loads(RESULTS_JSON.read_text())
    template = PAGE_TEMPLATE.read_text()
    assert template.count(LATEST_RUN) == 1 and template.count(RECORDED) == 1
    page = PAGE.read_text()
    assert page.startswith(GENERATED) and "{{" not in page
    assert f"Benchmark of {results['date']}" in page
    for note in results["notes"]:
        assert note in page
    for row in results["recorded"]:
        assert set(row) == {"what", "measured", "when"}, row
        assert f"| {row['what']} | {row['measured']} | {row['when']} |" in page
    assert f"{results['one']['warm_s']:.2f} s" in page and f"{results['class']['class_s']:.1f} s" in page


def test_a_run_without_date_notes_or_recorded_figures_still_renders():
    text = render({"machine": "x86_64, 2 cores, Python 3.11", "cold": COLD_BEFORE_NOTEBOOKS})
    assert text.startswith("Benchmark on x86_64, 2 cores, Python 3.11.")
    assert "by hand" not in text and "1.40 s" in text


def test_the_baseline_verdict_is_the_ratio_of_the_medians_against_the_limit():
    row = verdict([1.30, 1.00, 1.05, 1.10, 2.00], [1.00, 0.90, 1.00, 1.00, 1.50], baseline="abc")
    assert (row["current_s"], row["baseline_s"], row["rounds"]) == (1.10, 1.00, 5)
    assert row["ratio"] == pytest.approx(1.10) and row["limit"] == LIMIT == 1.10
    assert row["holds"]  # 10 % slower is still "no more than 10 % slower", float rounding aside
    assert not verdict([1.2], [1.0])["holds"]
    assert verdict([0.9], [1.0])["holds"]
    with pytest.raises(ValueError):
        verdict([1.0, 1.0], [1.0])  # interleaved rounds come in pairs


def test_the_baseline_is_one_full_commit_hash():
    assert re.fullmatch(r"[0-9a-f]{40}", BASELINE)


def test_the_baseline_row_renders_in_the_table_and_the_cold_only_table():
    row = verdict([1.20, 1.25, 1.22], [1.10, 1.12, 1.11], baseline=BASELINE) | {"current": "ae919ee", "date": "2026-12-07"}
    results = {
        "machine": "x86_64, 2 cores, Python 3.11",
        "one": {"cold_s": 6.0, "warm_s": 0.8, "warm_overhead_s": 0.2, "warm_tests_s": 0.6},
        "class": {
            "n": 200,
            "workers": 2,
            "class_s": 60.0,
            "per_submission_s": 0.5,
            "peak_rss_mb": 370.0,
            "rss_warmup_mb": 10.0,
            "rss_growth_mb": 0.0,
            "mean_score_by_kind": {"right": 100.0},
        },
        "vs_baseline": row,
    }
    lines = [line for line in render(results).splitlines() if "against before issue 22" in line]
    assert len(lines) == 1, lines
    for phrase in (
        "now (ae919ee)",
        "`7e5de6d`",
        "medians of 3 rounds",
        "2026-12-07",
        "1.22 s against 1.11 s: 1.10x",
        "at most 1.10x: holds",
    ):
        assert phrase in lines[0], phrase
    # the row comes right after the warm grade it qualifies
    table = render(results).splitlines()
    assert table.index(lines[0]) == 1 + next(i for i, line in enumerate(table) if "grader's own overhead" in line)
    cold_only = render({"machine": "x", "cold": COLD_BEFORE_NOTEBOOKS, "vs_baseline": verdict([1.5], [1.0])})
    assert "1.50 s against 1.00 s: 1.50x | at most 1.10x: **exceeded** |" in cold_only
    assert render_row({}) == [] and "issue 22" not in render({"machine": "x", "cold": COLD_BEFORE_NOTEBOOKS})


def test_the_committed_baseline_row_is_on_the_page():
    results = json.loads(RESULTS_JSON.read_text())
    if "vs_baseline" not in results:
        pytest.skip("no baseline row recorded")
    row = results["vs_baseline"]
    assert row["holds"] == (round(row["current_s"] / row["baseline_s"], 6) <= row["limit"])
    assert render_row(row)[0] in PAGE.read_text()


def test_the_per_test_changes_name_the_slower_tests_and_the_renamed_ones():
    now = [{"tests": [{"name": "a", "seconds": s}, {"name": "new", "seconds": 0.45}]} for s in (0.5, 0.6, 0.7)]
    before = [{"tests": [{"name": "a", "seconds": s}, {"name": "old", "seconds": 0.5}]} for s in (0.1, 0.2, 0.9)]
    changes = per_test_changes(now, before)
    assert [c["test"] for c in changes] == ["new", "a", "old"]
    assert changes[1] == {"test": "a", "current_s": 0.6, "baseline_s": 0.2, "change_s": 0.4}
    assert changes[0]["baseline_s"] is None and changes[2]["current_s"] is None
    assert [c["test"] for c in per_test_changes(now, before, top=2)] == ["new", "old"]  # the largest either way


def test_a_clone_without_the_baseline_commit_says_so_and_gives_no_row(tmp_path, capsys):
    missing = "0" * 40
    with pytest.raises(BaselineMissing, match="not in this clone"):
        with baseline_tree(missing):
            pass
    assert vs_baseline(tmp_path, rounds=1, commit=missing) is None
    assert capsys.readouterr().out.strip().count("\n") == 0  # one line


def _loop(**seconds: float) -> dict:
    """Loop figures as :func:`benchmarks.loop.loop_rows` gives them: every command at ``default`` s unless given."""
    from benchmarks.loop import commands

    names = [*commands(), "grade_warm", "notebook_first", "notebook_second", "notebook_second_at_once"]
    loop = {name: {"s": seconds.get(name, 1.0), "runs_s": [seconds.get(name, 1.0)]} for name in names}
    loop["grade_cold"]["peak_mb"] = seconds.get("peak_mb", 400.0)
    loop["rounds"] = 3
    return loop


def test_the_loop_rows_are_ratios_to_the_same_runs_floor_with_each_target_and_verdict():
    from benchmarks.loop import render_loop_rows

    loop = _loop(floor=2.0, check=2.8, check_backprop=0.8, check_validation=2.6, check_training_loop=2.2,
                 notebook_second=0.2, grade_cold=5.0, grade_warm=1.0, peak_mb=520.0)
    rows = render_loop_rows(loop)
    table = "\n".join(rows)
    row = {line.split(" | ")[0]: line for line in rows}
    assert "2.80 s = 1.40x the floor | at most 1.5x the floor: holds" in row["| `check`, every part (the student's loop)"]
    assert "0.40x the floor | at most 0.5x the floor: holds" in table  # check backprop
    # the slowest torch part carries the target (1.30x: missed); the others are reported without one
    validation = next(line for line in rows if "`check validation`" in line)
    assert "1.30x the floor | at most 1.2x the floor: misses" in validation
    assert next(line for line in rows if "`check training_loop`" in line).endswith("1.10x the floor |  |")
    assert "0.20 s | at most 0.5 s: holds" in table
    assert "2.50x the floor, 520 MB peak PSS (process tree) | at most 2x the floor: misses; at most 500 MB: misses" in table
    assert "0.50x the floor | at most 0.6x the floor: holds" in table
    assert "medians of 3 rounds" in rows[0] and "2.00 s" in rows[0]


def test_the_loop_rows_render_in_the_table():
    table = render({"machine": "x86_64", "loop": _loop(floor=2.0)})
    assert "`check backprop` (part 1: NumPy only, torch never imported)" in table
    assert "its second `check()`, once the kernel's check runner has its next process ready" in table
