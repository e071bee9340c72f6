"""Helpers shared by the hidden graders: hypothesis settings, scenario runs, curve comparisons."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, Phase, settings

from autograder.graders import diagnoses
from autograder.graders.scenarios import SCENARIOS
from autograder.judge import values
from autograder.judge.client import Submission
from autograder.judge.grading import GradingFailure, fail, result_of
from autograder.references import ReferenceBook
from autograder.sandbox.wire import TensorData

# Deterministic draws: a regrade gives the same inputs, hence the same score.
GIVEN = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=25,
    phases=[Phase.explicit, Phase.generate],
    report_multiple_bugs=False,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)

CURVE_RTOL, CURVE_ATOL = 1e-5, 1e-7
PARAM_RTOL, PARAM_ATOL = 1e-5, 1e-6

CURVE_NAMES = {
    "training_loop.trainer": ("train_loss",),
    "validation.trainer": ("train_loss", "valid_loss"),
    "early_stopping.trainer": ("train_loss", "valid_loss"),
    "putting_it_together.trainer": ("train_loss", "valid_loss", "train_accuracy", "valid_accuracy"),
}

READABLE = {
    "train_loss": "training loss",
    "valid_loss": "validation loss",
    "train_accuracy": "training accuracy",
    "valid_accuracy": "validation accuracy",
}


def run_student(submission: Submission, key: str) -> dict:
    """The student's result in scenario ``key`` (run once per submission, then reused by every test)."""
    scenario = SCENARIOS[key]
    cache = submission.cache
    if key not in cache:
        cache[key] = submission.scenario(scenario.runner, list(scenario.targets), scenario.spec)
    return result_of(cache[key], scenario.targets[0])


def curves(returned: object, target: str) -> dict[str, list[float]]:
    """The curves a trainer returned, by name, checked for type: lists of numbers, never tensors."""
    names = CURVE_NAMES[target]
    if target == "putting_it_together.trainer":
        table = values.mapping(returned, f"the dict {target} returned", list(names))
        raw = [table[name] for name in names]
    elif len(names) == 1:
        raw = [returned]
    else:
        if not isinstance(returned, (tuple, list)) or len(returned) != 2:
            fail(f"{target} should return a tuple of two lists, (train_loss, valid_loss).", module=target.partition(".")[0])
        raw = list(returned)
    result = {}
    for name, entries in zip(names, raw):
        what = f"the {READABLE[name]} list"
        if isinstance(entries, (list, tuple)) and any(isinstance(e, TensorData) for e in entries):
            fail(
                f"{what} holds tensors, not floats: each tensor keeps its whole autograd graph alive.",
                hint="store loss.item() (a Python float), not loss.",
                module=target.partition(".")[0],
            )
        result[name] = values.number_list(entries, what)
    return result


def params(result: dict) -> dict[str, np.ndarray]:
    """The judge model's final parameters as reported from the scenario (shapes as in the reference)."""
    return {name: values.array(value, f"parameter {name}") for name, value in values.mapping(result["params"], "the parameters", []).items()}


def curves_match(a: dict[str, list[float]], b: dict[str, list[float]]) -> bool:
    return a.keys() == b.keys() and all(
        len(a[k]) == len(b[k]) and values.close(a[k], b[k], CURVE_RTOL, CURVE_ATOL) for k in a
    )


def params_match(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(values.close(a[k], b[k], PARAM_RTOL, PARAM_ATOL) for k in a)


def same_run(target: str):
    """A comparison of two scenario results (curves and final weights) for diagnosis."""

    def same(student: dict, other: dict) -> bool:
        try:
            return curves_match(curves(student["returned"], target), curves(other["returned"], target)) and params_match(
                params(student), params(other)
            )
        except GradingFailure:
            return False

    return same


def first_difference(student: list[float], expected: list[float]) -> str:
    """Where two curves part, in words that give away no expected value."""
    if len(student) != len(expected):
        return f"it has {len(student)} entries where {len(expected)} epochs were run"
    for epoch, (a, b) in enumerate(zip(student, expected), start=1):
        if not values.close(a, b, CURVE_RTOL, CURVE_ATOL):
            return f"it first differs at epoch {epoch}"
    return "it matches"


def compare_run(submission: Submission, book: ReferenceBook, key: str, names: tuple[str, ...] | None = None, weights: bool = True, hint: str = "") -> dict:
    """Fail, with a diagnosis where one fits, unless the student's curves (and weights) match the reference.

    Returns the student's result for further checks.
    """
    scenario = SCENARIOS[key]
    target = scenario.targets[0]
    module = target.partition(".")[0]
    student = run_student(submission, key)
    reference = book.result(key)
    got, want = curves(student["returned"], target), curves(reference["returned"], target)
    names = names or tuple(want)
    problems = [f"the {READABLE[n]}: {first_difference(got[n], want[n])}" for n in names if not (len(got[n]) == len(want[n]) and values.close(got[n], want[n], CURVE_RTOL, CURVE_ATOL))]
    if weights and not problems and not params_match(params(student), params(reference)):
        problems.append("the weights after training differ from the reference's, although the curves agree")
    if problems:
        message = "Run on the grader's own model and data, your trainer does not match the reference in " + "; ".join(problems) + "."
        cause = diagnoses.diagnose_scenario(key, scenario, student, same_run(target))
        if cause:
            message += f"\nThis looks like {cause}."
        fail(message, hint=hint, module=module)
    return student
