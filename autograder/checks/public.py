"""The public checks' own scenarios and inputs, their stored expected results, and how a check compares and diagnoses.

Every input here is public and differs from the hidden graders' (other data,
seeds, sizes, scripts; or the chapter's own worked examples). For each public
scenario and call, ``expected.json`` (beside this file) holds what
``solutions/`` gives AND what each known mistake of that function gives on the
same inputs; ``python -m autograder public-checks --write`` writes it and
``python -m autograder public-checks`` checks that it is current. Only numbers
and the diagnosis sentences are stored, never a solution line or a patch.

A check runs the student's function on a public scenario and compares the
result with the stored reference, with tolerances that hold across torch
versions and CPUs (float32 training runs: relative 1e-4 on curves and weights;
float64 NumPy functions: relative 1e-6). On a mismatch it names the known
mistake whose stored results match the student's in every scenario of the check
(:func:`autograder.checks.compare.all_matches`, the graders' own rule; several
that match are named together), else it gives a hint.

Example:
    >>> SCENARIOS["early_stopping.docstring"].spec["script"]
    [5.0, 4.0, 3.0, 4.0, 5.0, 6.0, 7.0]
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from autograder.checks.behaviour import STOPPING_RULE
from autograder.checks.compare import (
    all_matches,
    curves,
    first_difference,
    name_candidates,
    optimizer_steps,
    params,
    params_match,
    readable,
)
from autograder.judge import values
from autograder.judge.client import Submission
from autograder.judge.grading import GradingFailure, fail, record, result_of

EXPECTED_PATH = Path(__file__).with_name("expected.json")

# Tolerances (relative, absolute). Float32 training runs differ in their last bits between torch builds and
# CPUs (up to about 1e-5 relative measured); every known mistake differs by far more (the generator refuses
# to store one closer than 10 times these).
CURVE_TOL = (1e-4, 1e-6)
PARAM_TOL = (1e-4, 1e-5)
CALL_TOL = (1e-6, 1e-9)  # float64 NumPy: the same on every machine up to rounding


@dataclass(frozen=True)
class PublicScenario:
    """A harness runner, the student functions it needs (``module.function``), and its plain-data spec."""

    runner: str
    targets: tuple[str, ...]
    spec: dict

    @property
    def target(self) -> str:
        return self.targets[0]


@dataclass(frozen=True)
class PublicCall:
    """A direct call of a student function on public arguments."""

    target: str
    args: tuple


def _regression(n_train: int, batch: int, seed: int, n_valid: int = 0, valid_batch: int | None = None, **extra) -> dict:
    data = {"kind": "regression", "seed": seed, "n_train": n_train, "n_valid": n_valid, "features": 2, "batch_size": batch}
    if valid_batch is not None:
        data["valid_batch_size"] = valid_batch
    return {**data, **extra}


def _images(n_train: int, batch: int, n_valid: int, valid_batch: int, seed: int, **extra) -> dict:
    data = {"kind": "images", "seed": seed, "side": 3, "n_train": n_train, "n_valid": n_valid}
    return {**data, "batch_size": batch, "valid_batch_size": valid_batch, **extra}


def _trainer(target: str, data: dict, model: dict, optimizer: dict, kwargs: dict, criterion: str = "mse", **extra) -> PublicScenario:
    spec = {"data": data, "model": model, "optimizer": optimizer, "criterion": criterion, "shuffle_seed": 5, "kwargs": kwargs}
    return PublicScenario("trainer", (target,), {**spec, "validation": extra.pop("validation", True), **extra})


_SGD = {"name": "sgd", "lr": 0.05}
_ADAM = {"name": "adam", "lr": 0.02}
# Scripted validation: targets 0 make the judge's scripted outputs give exactly the scripted losses.
# Two training batches and three validation batches, so dividing by the other loader's length shows.
_SCRIPTED = _regression(6, 3, 26, n_valid=6, valid_batch=2, valid_targets="zeros")
_SCRIPTED_MODEL = {"hidden": 3, "seed": 36}
_ES = "early_stopping.trainer"
_PIT = "putting_it_together.trainer"


def _es(script: list[float], epochs: int, patience: int) -> PublicScenario:
    return _trainer(_ES, _SCRIPTED, _SCRIPTED_MODEL, _SGD, {"epochs": epochs, "patience": patience}, script=script)


def _pit_scripted(script: list[float], epochs: int, patience: int, seed: int) -> PublicScenario:
    model = {"hidden": 3, "seed": seed + 1, "activation": "leaky_relu"}
    data = _images(8, 4, 8, 2, seed, valid_targets="zeros")  # two training and four validation batches
    return _trainer(_PIT, data, model, {"name": "adam", "lr": 0.01}, {"epochs": epochs, "patience": patience}, "bce", script=script)


SCENARIOS: dict[str, PublicScenario] = {
    # part 2: three steps on batches of 3; three epochs over 11 samples in batches of 4, 4 and 3
    "train_step.public": PublicScenario(
        "train_step",
        ("training_loop.train_step",),
        {
            "data": _regression(12, 3, 21),
            "model": {"hidden": 3, "seed": 31},
            "optimizer": {"name": "sgd", "lr": 0.1},
            "criterion": "mse",
            "steps": 3,
        },
    ),
    "training_loop.public": _trainer(
        "training_loop.trainer", _regression(11, 4, 22), {"hidden": 5, "seed": 32}, _SGD, {"epochs": 3}, validation=False
    ),
    # part 3: two training batches, three validation batches; then a model with dropout handed over in eval mode
    "validation.public_plain": _trainer(
        "validation.trainer", _regression(10, 5, 23, n_valid=5, valid_batch=2), {"hidden": 3, "seed": 33}, _SGD, {"epochs": 3}
    ),
    "validation.public_dropout": _trainer(
        "validation.trainer",
        _regression(12, 6, 24, n_valid=9, valid_batch=4),
        {"hidden": 5, "seed": 34, "dropout": 0.5, "handed_over": "eval"},
        _ADAM,
        {"epochs": 3},
    ),
    # part 4: a real run with dropout, and scripted validation losses (the docstring's two examples among them)
    "early_stopping.public_real": _trainer(
        _ES,
        _regression(10, 5, 25, n_valid=6, valid_batch=4),
        {"hidden": 5, "seed": 35, "dropout": 0.3, "handed_over": "eval"},
        _ADAM,
        {"epochs": 3, "patience": 5},
    ),
    "early_stopping.docstring": _es([5.0, 4.0, 3.0, 4.0, 5.0, 6.0, 7.0], 7, 3),  # stops at 6
    "early_stopping.docstring_reset": _es([5.0, 4.0, 5.0, 6.0, 5.0, 6.0, 7.0, 8.0, 9.0], 9, 3),  # stops at 8
    "early_stopping.equal_steps": _es([1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0], 8, 2),  # never stops
    "early_stopping.rising": _es([2.0, 3.0, 4.0, 5.0, 6.0], 5, 1),  # stops at 2
    # never stops; tells "best so far, strictly worse" (never stops) from "best so far, not better" (stops at 4)
    "early_stopping.flat_after_drop": _es([3.0, 2.0, 2.0, 2.0, 1.5, 1.5, 1.5, 1.5], 8, 2),
    # part 6: four curves (a last validation batch of one image), then scripted BCE losses with patience 3 and 2
    "putting_it_together.public_curves": _trainer(
        _PIT,
        _images(12, 5, 7, 3, 41),
        {"hidden": 5, "seed": 42, "dropout": 0.25, "activation": "leaky_relu", "handed_over": "eval"},
        {"name": "adam", "lr": 0.05},
        {"epochs": 3, "patience": 10, "verbose": True},
        "bce",
    ),
    "putting_it_together.public_stop_p3": _pit_scripted([0.95, 0.62, 0.66, 0.72, 0.64, 0.68, 0.74, 0.78, 0.82], 9, 3, 43),  # stops at 8
    "putting_it_together.public_stop_p2": _pit_scripted([0.62, 0.66, 0.64, 0.68, 0.68, 0.72, 0.76, 0.78, 0.82], 9, 2, 45),  # stops at 7
    # part 1: numerical gradients on public functions (C order, integers, a transposed matrix)
    "numerical_gradient.public": PublicScenario(
        "numerical_gradient", ("backprop.numerical_gradient",), {"function": "log_sum_exp", "x": [0.3, -0.8, 1.1], "h": 0.001}
    ),
    "numerical_gradient.public_default_h": PublicScenario(
        "numerical_gradient", ("backprop.numerical_gradient",), {"function": "coupled_quadratic", "x": [0.7, -0.2, 0.4, 1.3], "h": None}
    ),
    "numerical_gradient.public_integers": PublicScenario(
        "numerical_gradient",
        ("backprop.numerical_gradient",),
        {"function": "coupled_quadratic", "x": [2, 0, -1, 1], "h": None, "dtype": "int64"},
    ),
    "numerical_gradient.public_transposed": PublicScenario(
        "numerical_gradient",
        ("backprop.numerical_gradient",),
        {"function": "matrix", "x": [[0.2, -0.4], [0.9, 0.1], [-0.6, 0.5]], "h": None, "order": "F"},
    ),
}

CHAPTER = {"w1": 1.0, "w2": -1.0, "b1": 1.0, "b2": 2.0, "w3": 1.0, "w4": 2.0, "b3": -1.0}
OTHER_POINT = (2.0, -1.0, {"w1": 0.5, "w2": -1.5, "b1": 0.25, "b2": 1.0, "w3": -0.75, "w4": 1.25, "b3": 0.5})


def _network_case() -> tuple:
    rng = np.random.default_rng(2026)
    n, d, h = 4, 2, 3
    return (
        rng.normal(size=(n, d)),
        rng.normal(size=n),
        rng.normal(size=(h, d)),
        rng.normal(size=h),
        rng.normal(size=(1, h)),
        rng.normal(size=1),
    )


CHAPTER_GRADS = {"w1": 0.0, "w2": 0.0, "b1": 0.0, "b2": 0.0, "w3": 0.0, "w4": 0.0, "b3": -3.3142}  # the chapter's step for b3

CALLS: dict[str, PublicCall] = {
    "forward_pass.chapter": PublicCall("backprop.forward_pass", (1.0, 3.0, CHAPTER)),
    "forward_pass.other": PublicCall("backprop.forward_pass", OTHER_POINT),
    "backward_pass.chapter": PublicCall("backprop.backward_pass", (1.0, 3.0, CHAPTER)),
    "backward_pass.other": PublicCall("backprop.backward_pass", OTHER_POINT),
    "network_gradients.public": PublicCall("backprop.network_gradients", _network_case()),
    "sgd_step.chapter": PublicCall("backprop.sgd_step", (dict(CHAPTER), CHAPTER_GRADS, 0.1)),
    "sgd_step.arrays": PublicCall(
        "backprop.sgd_step",
        (
            {"hidden.weight": np.array([[0.5, -1.0], [2.0, 0.25]]), "output.bias": np.array([0.3])},
            {"hidden.weight": np.array([[1.0, -0.5], [0.0, 2.0]]), "output.bias": np.array([-1.5])},
            0.05,
        ),
    ),
}

# Inputs the part 5 checks judge by the chapter's rules (nothing to store but the judge's own facts for l2).
DROPOUT = {"data_seed": 8, "shape": [120, 80], "seed": 9}
DROPOUT_PS = (0.25, 0.6)
L2 = {"data": _regression(6, 6, 27), "model": {"hidden": 4, "seed": 37}, "gain": 0.8, "lam": 0.2, "lr": 0.05}


def network_spec() -> dict:
    rng = np.random.default_rng(29)
    return {
        "inputs": 2,
        "hidden": 8,
        "p": 0.4,
        "seed": 6,
        "W1": rng.normal(size=(8, 2)),
        "b1": rng.normal(size=8),
        "offset": 0.5,
        "X": rng.normal(size=(300, 2)),
    }


# ------------------------------------------------------------------ the stored expected results


@cache
def _load() -> dict:
    return json.loads(EXPECTED_PATH.read_text())


def expected() -> dict:
    """The stored document: {"scenarios": {key: {"reference", "mistakes"}}, "calls": {...}, "facts": {...}}."""
    if not EXPECTED_PATH.is_file():
        fail(
            "The public checks' expected results (autograder/checks/expected.json) are missing from this copy: "
            "this check cannot compare. Ask your instructor for a complete bundle."
        )
    return _load()


def stored(kind: str, key: str) -> dict:
    """One scenario's (kind "scenarios") or call's (kind "calls") stored reference and known mistakes."""
    return expected()[kind][key]


def fact(name: str) -> object:
    return expected()["facts"][name]


def run(submission: Submission, key: str) -> dict:
    """The student's result in public scenario ``key`` (run once per submission)."""
    scenario = SCENARIOS[key]
    cache_key = f"public:{key}"
    if cache_key not in submission.cache:
        submission.cache[cache_key] = submission.scenario(scenario.runner, list(scenario.targets), scenario.spec)
    return result_of(submission.cache[cache_key], scenario.targets[-1])


def call(submission: Submission, key: str, return_args: bool = False) -> object:
    """The student's function on a public call's arguments: its result (or, with ``return_args``, the whole reply)."""
    public = CALLS[key]
    reply = result_of(submission.call(public.target, *public.args, return_args=return_args), public.target)
    return reply if return_args else reply["result"]


# ------------------------------------------------------------------ diagnosis


def diagnose(kind: str, keys: list[str], students: dict[str, object], same: Callable[[object, object], bool]) -> str | None:
    """The known mistake whose stored results match the student's in every one of ``keys`` (None: none does; several: all named).

    ``students`` maps each key to the student's result there; ``same(student, stored)`` compares one.
    """
    lists = {key: stored(kind, key)["mistakes"] for key in keys}
    order = [m["key"] for m in lists[keys[0]]]
    results = {key: {m["key"]: m for m in entries} for key, entries in lists.items()}

    def candidates():
        for name in order:
            found = [results[key].get(name) for key in keys]
            if all(f is not None for f in found):
                yield found[0]["says"], {key: f["result"] for key, f in zip(keys, found)}

    def same_everywhere(student: dict, mistake: dict) -> bool:
        return all(mistake[key] is not None and same(student[key], mistake[key]) for key in keys)

    return name_candidates(all_matches(students, candidates(), same_everywhere))


def explain(cause: str | None) -> str:
    """The grader's diagnosis sentence ("" without one), also recorded for the report."""
    if not cause:
        return ""
    record({"kind": "diagnosis", "says": cause})
    return f"\nThis looks like {cause}."


# ------------------------------------------------------------------ trainer runs


def same_trainer_run(
    target: str, names: tuple[str, ...] | None = None, weights: bool = True, scale: float = 1.0
) -> Callable[[dict, dict], bool]:
    """Two trainer results agree: as many optimizer steps, the curves (``names``), and the final weights.

    ``scale`` multiplies the tolerances (the generator uses it to keep mistakes well apart from the solution).
    """
    curve_tol, param_tol = tuple(t * scale for t in CURVE_TOL), tuple(t * scale for t in PARAM_TOL)

    def same(student: dict, other: dict) -> bool:
        if optimizer_steps(student) != optimizer_steps(other):
            return False
        try:
            mine, theirs = curves(student["returned"], target), curves(other["returned"], target)
            names_ = names or tuple(theirs)
            if any(len(mine[n]) != len(theirs[n]) or not values.close(mine[n], theirs[n], *curve_tol) for n in names_):
                return False
            return not weights or params_match(params(student), params(other), *param_tol)
        except GradingFailure:
            return False

    return same


def record_run(key: str, got: dict, want: dict) -> None:
    """Both runs' curves for the report's picture (the public reference may be shown)."""
    epochs = SCENARIOS[key].spec["kwargs"].get("epochs", 0)

    def stopped(table: dict) -> int | None:
        ran = len(next(iter(table.values()), []))
        return ran if 0 < ran < epochs else None

    record(
        {
            "kind": "curves",
            "title": f"{SCENARIOS[key].target} on the public scenario {key}",
            "student": got,
            "reference": want,
            "stopped": {"student": stopped(got), "reference": stopped(want)},
        }
    )


def compare_runs(
    submission: Submission,
    keys: list[str],
    names: tuple[str, ...] | None = None,
    weights: bool = True,
    hint: str = "",
    also: list[str] | tuple[str, ...] = (),
) -> dict[str, dict]:
    """Run the student's trainer in each public scenario of ``keys``; fail at the first that differs from the solution's.

    The failure names the first known mistake whose stored results match the student's in every scenario of
    ``keys`` and of ``also`` (scenarios of the same trainer that only sharpen the diagnosis; one in which the
    student's trainer fails is left out of it). Returns the student's results by key.
    """
    target = SCENARIOS[keys[0]].target
    module = target.partition(".")[0]
    students = {key: run(submission, key) for key in keys}
    for key in also:
        if key not in students:
            try:
                students[key] = run(submission, key)
            except GradingFailure:
                continue

    def cause(weights_: bool) -> str:
        return explain(diagnose("scenarios", list(students), students, same_trainer_run(target, names, weights_)))

    for key in keys:
        reference = stored("scenarios", key)["reference"]
        got, want = curves(students[key]["returned"], target), curves(reference["returned"], target)
        record_run(key, got, want)
        judged = names or tuple(want)
        ran, should = len(got[judged[0]]), len(want[judged[0]])
        if "script" in SCENARIOS[key].spec and ran != should:
            when = "stopped too early" if ran < should else "ran too long"
            script = ", ".join(f"{v:g}" for v in SCENARIOS[key].spec["script"])
            patience = SCENARIOS[key].spec["kwargs"]["patience"]
            message = (
                f"With validation losses {script} (one per epoch) and patience {patience}, your trainer {when}: it returned "
                f"{ran} epochs where the chapter's rule gives {should}."
            )
            fail(message + cause(True), hint=hint or STOPPING_RULE, module=module)
        problems = [
            f"the {readable(n)}: {first_difference(got[n], want[n], *CURVE_TOL)}"
            for n in judged
            if not (len(got[n]) == len(want[n]) and values.close(got[n], want[n], *CURVE_TOL))
        ]
        if weights and not problems and not params_match(params(students[key]), params(reference), *PARAM_TOL):
            problems.append("the weights after training differ from the solution's, although the curves agree")
        if problems:
            message = f"On the public scenario {key}, your trainer does not match the solution in " + "; ".join(problems) + "."
            fail(message + cause(weights), hint=hint or (STOPPING_RULE if "script" in SCENARIOS[key].spec else ""), module=module)
    return students
