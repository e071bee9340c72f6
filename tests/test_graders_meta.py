"""The hidden graders themselves: points, names, reference curves."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder import PACKAGE_DIR, references
from autograder.api import GRADED_MODULES, STUDENT_API
from autograder.course.config import Course
from autograder.course.parts import NAMES
from autograder.graders.catalog import all_tests, part_points
from autograder.graders.material import canary, mistakes, scenarios
from autograder.judge.runner import resolve
from autograder.judge.table import tables
from tests.conftest import copy_project, run_cli

SCENARIOS = scenarios()
MISTAKES = mistakes()
ROWS = tables("hidden")


def graded_marks() -> list[dict]:
    """Every hidden test as plain data: its name, points, hidden flag and id, from the parts' tables."""
    return [{"name": row.name, "points": row.points, "hidden": row.hidden, "id": row.id, "part": row.part} for row in ROWS]


def test_points_add_up_per_part_and_to_100():
    per_part: dict[str, float] = {}
    for row in ROWS:
        per_part[row.part] = per_part.get(row.part, 0) + row.points
    assert per_part == {name: part_points(name, Course()) for name in NAMES}
    assert sum(per_part.values()) == 100
    assert sum(test.points for test in all_tests(Course())) == 100


def test_names_start_with_a_graded_function_and_are_unique():
    names = [row.name for row in ROWS]
    assert len(names) == len(set(names))
    for name in names:
        target, _, words = name.partition(": ")
        module, _, function = target.partition(".")
        assert module in GRADED_MODULES and function in STUDENT_API[module], name
        assert len(words) > 10, name


@pytest.mark.parametrize("side", ["hidden", "public"])
def test_every_row_names_a_check_that_exists_and_takes_what_the_runner_gives(side):
    """A row's check (and its placeholder rule's value check) resolves, and each of its parameters is given."""
    for row in tables(side):
        for reference, args in [(row.check, row.args), *([(row.values_first.check, row.values_first.args)] if row.values_first else [])]:
            function = resolve(reference, row)
            given = {"submission", "scenario", *args} | ({"book"} if side == "hidden" else set())
            for name, parameter in inspect.signature(function).parameters.items():
                assert name in given or parameter.default is not inspect.Parameter.empty, (row.name, reference, name)
            assert set(args) <= set(inspect.signature(function).parameters), (row.name, reference)
            if row.scenario:
                assert row.scenario in SCENARIOS or side == "public", (row.name, row.scenario)


def test_the_catalog_reads_every_table_without_importing_torch():
    process = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from autograder.graders.catalog import all_tests; from autograder.course.config import Course; "
            "from autograder.judge.table import tables; "
            "assert len(all_tests(Course())) > 50 and len(tables('public')) > 40; print(sorted(m for m in sys.modules if m.split('.')[0] == 'torch'))",
        ],
        capture_output=True,
        text=True,
        cwd=PACKAGE_DIR.parent,
    )
    assert process.returncode == 0, process.stderr[-2000:]
    assert process.stdout.strip() == "[]"


def test_reference_curves_reproduce_here():
    process = run_cli("references")
    assert process.returncode == 0, process.stdout
    stored = json.loads(references.CURVES_PATH.read_text())
    assert set(stored["results"]) == set(SCENARIOS)
    # Up to float rounding: another CPU's vector instructions change the last bits of a float32 run.
    assert references.drifted(stored["results"], references.compute(SCENARIOS)) == []


def test_drift_tells_rounding_from_a_changed_result():
    stored = json.loads(references.CURVES_PATH.read_text())["results"]
    key = "training_loop.even"
    rounded = json.loads(json.dumps(stored))
    rounded[key]["returned"][0] *= 1 + 1e-7  # the last bits of a float32 sum
    assert references.drifted(stored, rounded) == [] and references.differing(stored, rounded) == [key]
    for change in (1e-4, -1e-3):
        moved = json.loads(json.dumps(stored))
        moved[key]["returned"][0] *= 1 + change  # a verdict could change
        assert references.drifted(stored, moved) == [key]
    # A weight near 0 after training moves by about 1e-7 on another CPU (seen: 1.6e-7): rounding, within
    # half the graders' absolute weight tolerance; a move the graders could see is drift.
    near_zero = json.loads(json.dumps(stored))
    near_zero[key]["params"]["hidden.bias"]["$nd"][0] = 2e-4
    for move, drift in ((3e-7, []), (-3e-7, []), (2e-6, [key])):
        weights = json.loads(json.dumps(near_zero))
        weights[key]["params"]["hidden.bias"]["$nd"][0] += move
        assert references.drifted(near_zero, weights) == drift
    curve = json.loads(json.dumps(near_zero))
    curve[key]["returned"][0] = 2e-4
    moved_curve = json.loads(json.dumps(curve))
    moved_curve[key]["returned"][0] += 3e-7  # curves keep their stricter absolute part
    assert references.drifted(curve, moved_curve) == [key]
    renamed = json.loads(json.dumps(stored))
    renamed[key]["stdout"] = "something else"
    assert references.drifted(stored, renamed) == [key]


def test_reference_book_recomputes_and_warns_when_curves_do_not_reproduce(tmp_path: Path):
    stored = json.loads(references.CURVES_PATH.read_text())
    key = "training_loop.even"
    stored["results"][key]["returned"][0] += 0.5  # as if made by another torch,
    stored["fingerprint"]["torch"] = "2.0.0"  # which the fingerprint says (a matching one is trusted: test_references_skip)
    forged = tmp_path / "curves.json"
    forged.write_text(json.dumps(stored))
    book = references.ReferenceBook(SCENARIOS, canary(), forged)
    live = references.run(SCENARIOS[key])
    assert book.result(key)["returned"] == live["returned"]
    assert len(book.notes) == 1 and key in book.notes[0] and "recomputed" in book.notes[0]


def backprop_inputs(function: str) -> tuple:
    """Inputs on which every known backprop mistake shows (x != 1, n > 1, d != h)."""
    rng = np.random.default_rng(0)
    params = {k: float(v) for k, v in zip(("w1", "w2", "b1", "b2", "w3", "w4", "b3"), rng.normal(size=7))}
    if function in ("forward_pass", "backward_pass"):
        return (0.7, -1.3, params)
    if function == "network_gradients":
        return (
            rng.normal(size=(4, 3)),
            rng.normal(size=4),
            rng.normal(size=(2, 3)),
            rng.normal(size=2),
            rng.normal(size=(1, 2)),
            rng.normal(size=1),
        )
    if function == "numerical_gradient":
        return (lambda v: float(np.sum(np.sin(v) * v[0])), rng.normal(size=3), 1e-3)
    return ({"w": rng.normal(size=3)}, {"w": rng.normal(size=3)}, 0.1)


def outputs_differ(a, b) -> bool:
    if isinstance(a, dict):
        return any(not np.allclose(a[k], b[k], rtol=1e-9, atol=1e-12) for k in a)
    return not np.allclose(a, b, rtol=1e-9, atol=1e-12)


def test_every_backprop_mistake_changes_the_output():
    for mistake in MISTAKES:
        if mistake.module != "backprop":
            continue
        args = backprop_inputs(mistake.function)
        reference = getattr(references.load_solution("backprop"), mistake.function)(*args)
        patched = getattr(references.load_solution("backprop", mistake.patches), mistake.function)(*args)
        assert outputs_differ(patched, reference), mistake.key


def test_every_trainer_mistake_shows_in_some_scenario():
    """A known trainer mistake that no scenario can tell apart would be a blind spot of the graders."""
    for mistake in MISTAKES:
        if mistake.function not in ("trainer", "train_step"):
            continue
        scenarios = [s for s in SCENARIOS.values() if s.module == mistake.module]
        assert any(
            references.to_jsonable(references.run(s, mistake.patches)) != references.to_jsonable(references.run(s)) for s in scenarios
        ), f"{mistake.module}: {mistake.key}"


def test_the_reference_clears_the_digits_bar_with_room_to_spare():
    """The 90% bar of part 6 must be reachable: the reference gets well above it on every seed tried."""
    from autograder.parts.putting_it_together.hidden.checks import DIGITS_BAR, digits_spec
    from autograder.parts.putting_it_together.runner import run_digits

    solution = references.load_solution("putting_it_together")
    for seed in (0, 1, 2):
        spec, y_test = digits_spec(seed)
        logits = run_digits(spec, solution.classifier, solution.trainer)["test_logits"]
        accuracy = float(np.mean((logits.reshape(-1) > 0) == (y_test == 1)))
        assert accuracy >= DIGITS_BAR + 0.05, (seed, accuracy)


def test_a_known_mistake_whose_patch_no_longer_applies_stops_the_graders_loading(tmp_path: Path):
    """Not a diagnosis silently skipped at grading time: the graders refuse to load, and say which mistake and file."""
    from autograder.graders.material import MaterialError, check_patches
    from autograder.graders.mistakes import Mistake

    stale = Mistake("stale", "training_loop", "train_step", (("this line is in no solution", "x"),), "nothing")
    with pytest.raises(MaterialError, match=r"training_loop\.stale"):
        check_patches(stale)
    copy = copy_project(tmp_path / "project")
    solution = copy / "solutions" / "training_loop.py"
    text = solution.read_text()
    assert text.count("    optimizer.zero_grad()\n    y_hat = model(X).flatten()") == 1
    solution.write_text(
        text.replace(
            "    optimizer.zero_grad()\n    y_hat = model(X).flatten()", "    optimizer.zero_grad()\n    y_hat = model(X).view(-1)"
        )
    )
    process = run_cli("grade", "solutions", cwd=copy)
    assert process.returncode == 3 and "Traceback" not in process.stderr, process.stderr[-2000:]
    assert "training_loop.no_zero_grad" in process.stderr and "mistakes.py" in process.stderr
    assert process.stderr.startswith("error: the graders could not load:") and process.stderr.count("\n") == 1


def test_each_parts_record_declares_the_calls_its_solution_makes():
    """issue 23: who calls whom among a part's functions is declared once (``calls`` in part.toml) and stays true to
    the solution, so that a failure pointed to a failing callee points where the code really goes."""
    from autograder import SOLUTIONS_DIR
    from autograder.course.parts import part
    from autograder.judge.dependencies import student_calls

    for name in NAMES:
        record = part(name)
        solution = student_calls([(SOLUTIONS_DIR / f"{name}.py").read_text()], record.functions)
        declared = {function: set(record.calls.get(function, ())) for function in record.functions}
        assert declared == solution, name
