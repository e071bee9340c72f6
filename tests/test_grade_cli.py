"""Grading through the command line, as an instructor or CI runs it (issue: graders and engine)."""

from __future__ import annotations

import time
from xml.etree import ElementTree

from autograder.api import GRADED_MODULES
from tests.conftest import ROOT, check_gradescope, grade, run_cli


def points_by_module(results: dict) -> dict[str, float]:
    parts: dict[str, float] = {}
    for test in results["tests"]:
        module = test["name"].partition(".")[0]
        parts[module] = parts.get(module, 0) + test["score"]
    return parts


def max_by_module(results: dict) -> dict[str, float]:
    parts: dict[str, float] = {}
    for test in results["tests"]:
        module = test["name"].partition(".")[0]
        parts[module] = parts.get(module, 0) + test["max_score"]
    return parts


def test_solutions_score_full_marks_with_junit(tmp_path):
    junit = tmp_path / "junit.xml"
    results, process = grade(ROOT / "solutions", tmp_path, "--junit", str(junit))
    assert results["score"] == 100
    assert sum(t["max_score"] for t in results["tests"]) == 100
    assert all(t["status"] == "passed" for t in results["tests"])
    suite = ElementTree.parse(junit).getroot()
    assert suite.get("failures") == "0" and suite.get("errors") == "0"
    assert int(suite.get("tests")) == len(results["tests"])
    assert "100 / 100" in process.stdout


def test_untouched_exercises_score_zero(tmp_path):
    results, _ = grade(ROOT / "exercises", tmp_path)
    assert results["score"] == 0
    assert all("not written yet" in t["output"] for t in results["tests"])


def test_a_wrong_submission_loses_exactly_its_parts(tmp_path, solution_copy):
    submission = solution_copy()
    path = submission / "backprop.py"
    path.write_text(path.read_text().replace('"w1": d_z1 * x,', '"w1": d_z1,').replace('"w2": d_z2 * x,', '"w2": d_z2,'))
    results, _ = grade(submission, tmp_path)
    failed = {t["name"] for t in results["tests"] if t["score"] < t["max_score"]}
    assert failed == {"backprop.backward_pass: random points and parameters, x other than 1"}
    message = next(t["output"] for t in results["tests"] if t["name"] in failed)
    assert "factor x" in message and "section 1.1" in message
    assert results["score"] == 94


def test_crashing_hanging_and_exiting_submissions_are_graded_in_time(tmp_path, solution_copy):
    submission = solution_copy()
    broken = {
        # a syntax error: the whole module scores zero, the others are untouched
        "validation.py": lambda s: s.replace("def trainer(", "def trainer(((", 1),
        # an endless loop in one function
        "regularization.py": lambda s: s.replace(
            "    if not 0.0 <= p <= 1.0:\n", "    while True:\n        pass\n    if not 0.0 <= p <= 1.0:\n"
        ),
        # the process ends itself in the middle of a call
        "training_loop.py": lambda s: s.replace("    optimizer.zero_grad()\n    y_hat", "    import os\n    os._exit(0)\n    y_hat"),
        # sys.exit inside a function is only an exception
        "early_stopping.py": lambda s: s.replace(
            '            print(f"Stopped early', '            raise SystemExit(0)\n            print(f"Stopped early'
        ),
    }
    for name, change in broken.items():
        path = submission / name
        path.write_text(change(path.read_text()))
    started = time.monotonic()
    results, _ = grade(submission, tmp_path)
    elapsed = time.monotonic() - started
    earned, maximum = points_by_module(results), max_by_module(results)
    assert earned["validation"] == 0
    assert earned["backprop"] == maximum["backprop"] == 30
    assert earned["putting_it_together"] == maximum["putting_it_together"]
    assert earned["training_loop"] == 0
    assert 0 < earned["regularization"] < maximum["regularization"]  # l2_penalty and network still count
    assert 0 < earned["early_stopping"] < maximum["early_stopping"]  # runs that never stop still count
    outputs = {t["name"]: t["output"] for t in results["tests"]}
    assert "could not be loaded" in outputs["validation.trainer: training and validation losses match the reference"]
    assert "did not finish in time" in outputs["regularization.dropout: zeroes each element with probability p"]
    assert "stopped" in outputs["training_loop.train_step: one step matches the reference"]
    assert "SystemExit" in outputs["early_stopping.trainer: stops once patience consecutive increases are reached"]
    assert elapsed < 120, f"grading took {elapsed:.0f} s"


def test_same_submission_same_score(tmp_path, solution_copy):
    submission = solution_copy()
    path = submission / "early_stopping.py"
    path.write_text(path.read_text().replace("if consecutive_increases == patience:", "if consecutive_increases > patience:"))
    first, _ = grade(submission, tmp_path)
    second, _ = grade(submission, tmp_path)
    assert [t["score"] for t in first["tests"]] == [t["score"] for t in second["tests"]]
    assert [t["output"] for t in first["tests"]] == [t["output"] for t in second["tests"]]
    assert first["score"] < 100
    assert any("one epoch late" in t["output"] for t in first["tests"])


def test_one_module_file_grades_only_that_part(tmp_path):
    results, _ = grade(ROOT / "solutions" / "regularization.py", tmp_path)
    earned = points_by_module(results)
    assert earned["regularization"] == 17
    assert sum(earned.values()) == 17
    others = [t for t in results["tests"] if not t["name"].startswith("regularization.")]
    # each other part is one line, "not handed in", worth its points (issue 15), not a failure per test
    assert [t["name"] for t in others] == [f"{m}: not handed in" for m in GRADED_MODULES if m != "regularization"]
    assert all(t["output"] == "not handed in" and t["score"] == 0 and t["max_score"] > 0 for t in others)


def test_results_json_is_gradescope_shaped(tmp_path):
    """results.json holds only what Gradescope's specification names (the schema in autograder/platforms: one place)."""
    results, _ = grade(ROOT / "solutions" / "backprop.py", tmp_path)
    check_gradescope(results)
    for test in results["tests"]:
        assert set(test) >= {"name", "score", "max_score", "output", "visibility", "status"}, test


def test_warnings_and_stderr_never_cost_points(tmp_path, solution_copy):
    submission = solution_copy()
    path = submission / "training_loop.py"
    noisy = (
        "    import sys, warnings\n"
        '    warnings.warn("a warning the student never asked for")\n'
        '    print("noise on stderr", file=sys.stderr)\n'
        "    optimizer.zero_grad()\n    y_hat = model(X).flatten()"
    )
    path.write_text(path.read_text().replace("    optimizer.zero_grad()\n    y_hat = model(X).flatten()", noisy))
    path = submission / "validation.py"
    path.write_text(
        path.read_text().replace(
            "valid_batch_loss += criterion(model(X).flatten(), y).item()", "valid_batch_loss += float(criterion(model(X).flatten(), y))"
        )
    )
    results, _ = grade(submission, tmp_path)
    assert results["score"] == 100, [t["output"] for t in results["tests"] if t["score"] < t["max_score"]]


def test_bad_paths_get_one_line_and_exit_2(tmp_path):
    (tmp_path / "broken.ipynb").write_text("{ not json")
    (tmp_path / "empty_class").mkdir()
    cases = [
        ("grade", str(tmp_path / "missing")),
        ("grade", str(tmp_path / "broken.ipynb")),
        ("grade-class", str(tmp_path / "no_class"), "--out", str(tmp_path / "out1")),
        ("grade-class", str(tmp_path / "empty_class"), "--out", str(tmp_path / "out2")),
    ]
    for case in cases:
        process = run_cli(*case)
        assert process.returncode == 2, (case, process.stderr)
        assert len(process.stderr.strip().splitlines()) == 1 and "Traceback" not in process.stderr, (case, process.stderr)
    assert not (tmp_path / "out1").exists() and not (tmp_path / "out2").exists()


def test_pytest_settings_in_the_environment_do_not_reach_the_graders(tmp_path, monkeypatch):
    """An instructor's PYTEST_ADDOPTS (a JUnit file, -x) or PYTEST_PLUGINS change nothing in a grade: the graders' run is the same."""
    monkeypatch.setenv("PYTEST_ADDOPTS", f"-x --junitxml={tmp_path / 'nowhere' / 'x.xml'} --maxfail=1")
    monkeypatch.setenv("PYTEST_PLUGINS", "a_plugin_that_does_not_exist")
    results, process = grade(ROOT / "solutions" / "backprop.py", tmp_path)
    earned = points_by_module(results)
    assert earned["backprop"] == max_by_module(results)["backprop"] > 0, process.stderr[-2000:]
    assert not (tmp_path / "nowhere").exists()
