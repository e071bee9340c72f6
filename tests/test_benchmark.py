"""The benchmark's own pieces, fast (the benchmark itself is ``make bench``, about 20 minutes).

What could silently rot: a "wrong" submission that is no longer wrong because
the solution it patches was reworded, the table's targets, and the pages drawn
from ``benchmarks/RESULTS.json`` (``benchmarks/RESULTS.md`` and the documentation's
``docs/performance.md``): they must be exactly what the renderer gives from the
committed JSON, checked here without running the benchmark.
"""

from __future__ import annotations

import json

from autograder import SOLUTIONS_DIR
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
