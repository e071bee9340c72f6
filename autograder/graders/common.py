"""Helpers shared by the hidden graders: hypothesis settings, scenario runs, curve comparisons."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from autograder.course.parts import Curves, part
from autograder.graders import diagnoses
from autograder.graders.material import scenarios
from autograder.judge import values
from autograder.judge.client import Submission
from autograder.judge.grading import GradingFailure, fail, record, result_of
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

_DRAWN: dict[str, list[dict]] = {}


def drawn(key: str, strategy: st.SearchStrategy) -> list:
    """The examples hypothesis draws from ``strategy`` with the GIVEN settings, drawn once per process."""
    if key not in _DRAWN:
        found: list = []

        @GIVEN
        @given(strategy)
        def collect(example: object) -> None:
            found.append(example)

        collect()
        _DRAWN[key] = found
    return _DRAWN[key]


def cases(**strategies: st.SearchStrategy) -> Callable:
    """Like ``@given(**strategies)`` with the GIVEN settings, but the examples are drawn once per process and
    reused for every submission a worker grades (drawing them costs more than checking them). The test
    runs on each example in turn and stops at the first failure; a regrade sees the same examples."""
    return cases_after([], **strategies)


def cases_after(examples: list[dict], **strategies: st.SearchStrategy) -> Callable:
    """Like :func:`cases`, but the fixed ``examples`` (keyword arguments of the test) run first.

    For inputs a strategy may never draw, such as the chapter's own numbers; the drawn examples are
    the ones :func:`cases` would draw for the same test.
    """

    def decorate(test: Callable) -> Callable:
        key = f"{test.__module__}.{test.__qualname__}"

        @functools.wraps(test)
        def run(submission: Submission) -> None:
            for example in [*examples, *drawn(key, st.fixed_dictionaries(strategies))]:
                test(submission, **example)

        run.__signature__ = inspect.Signature([inspect.Parameter("submission", inspect.Parameter.POSITIONAL_OR_KEYWORD)])
        return run

    return decorate


CURVE_RTOL, CURVE_ATOL = 1e-5, 1e-7
PARAM_RTOL, PARAM_ATOL = 1e-5, 1e-6

READABLE = {
    "train_loss": "training loss",
    "valid_loss": "validation loss",
    "train_accuracy": "training accuracy",
    "valid_accuracy": "validation accuracy",
}
_COUNT = {2: "two", 3: "three", 4: "four"}


def readable(name: str) -> str:
    """A curve's name in words: "valid_loss" -> "validation loss"."""
    return READABLE.get(name, name.replace("_", " "))


def curve_spec(target: str) -> Curves:
    """What the trainer ``target`` ("module.function") returns, from the course registry."""
    module, _, function = target.partition(".")
    return part(module).curves[function]


def probe(submission: Submission, key: str, runner: str, targets: list[str], spec: dict) -> dict:
    """Run a scenario runner on the student's functions once per submission (tests that share ``key`` share the run)."""
    if key not in submission.cache:
        submission.cache[key] = submission.scenario(runner, targets, spec)
    return result_of(submission.cache[key], targets[-1])


def run_student(submission: Submission, key: str) -> dict:
    """The student's result in the reference scenario ``key``."""
    scenario = scenarios()[key]
    return probe(submission, key, scenario.runner, list(scenario.targets), scenario.spec)


def curves(returned: object, target: str) -> dict[str, list[float]]:
    """The curves a trainer returned, by name, checked for type: lists of numbers, never tensors."""
    spec = curve_spec(target)
    names = spec.names
    if spec.form == "dict":
        table = values.mapping(returned, f"the dict {target} returned", list(names))
        raw = [table[name] for name in names]
    elif spec.form == "list":
        raw = [returned]
    else:
        if not isinstance(returned, (tuple, list)) or len(returned) != len(names):
            count = _COUNT.get(len(names), str(len(names)))
            fail(f"{target} should return a tuple of {count} lists, ({', '.join(names)}).", module=target.partition(".")[0])
        raw = list(returned)
    result = {}
    for name, entries in zip(names, raw):
        what = f"the {readable(name)} list"
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
    return {
        name: values.array(value, f"parameter {name}") for name, value in values.mapping(result["params"], "the parameters", []).items()
    }


def curves_match(a: dict[str, list[float]], b: dict[str, list[float]]) -> bool:
    return a.keys() == b.keys() and all(len(a[k]) == len(b[k]) and values.close(a[k], b[k], CURVE_RTOL, CURVE_ATOL) for k in a)


def params_match(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return a.keys() == b.keys() and all(values.close(a[k], b[k], PARAM_RTOL, PARAM_ATOL) for k in a)


def same_run(target: str, names: tuple[str, ...] | None = None):
    """A comparison of two scenario results (curves and final weights) for diagnosis.

    ``names`` limits it to the curves a test judges, so that a second, unrelated mistake (say in the
    accuracy) does not hide the diagnosis of the first.
    """

    def same(student: dict, other: dict) -> bool:
        try:
            mine, theirs = curves(student["returned"], target), curves(other["returned"], target)
            if names is not None:
                mine, theirs = {n: mine[n] for n in names}, {n: theirs[n] for n in names}
            return curves_match(mine, theirs) and params_match(params(student), params(other))
        except GradingFailure:
            return False

    return same


def explain(cause: str | None) -> str:
    """The diagnosis sentence for a message ("" without one), also recorded for the class overview."""
    if not cause:
        return ""
    record({"kind": "diagnosis", "says": cause})
    return f"\nThis looks like {cause}."


def record_curves(key: str, got: dict[str, list[float]], want: dict[str, list[float]]) -> None:
    """Keep both runs' curves (and where each stopped) for the feedback report's picture."""
    epochs = scenarios()[key].spec["kwargs"].get("epochs", 0)
    first = next(iter(want))

    def stopped(curves: dict[str, list[float]]) -> int | None:
        ran = len(curves.get(first, []))
        return ran if 0 < ran < epochs else None

    record(
        {
            "kind": "curves",
            "scenario": key,
            "title": f"{scenarios()[key].targets[0]} on the grader's model and data (scenario {key})",
            "student": got,
            "reference": want,
            "stopped": {"student": stopped(got), "reference": stopped(want)},
        }
    )


def first_difference(student: list[float], expected: list[float]) -> str:
    """Where two curves part, in words that give away no expected value."""
    if len(student) != len(expected):
        return f"it has {len(student)} entries where {len(expected)} epochs were run"
    for epoch, (a, b) in enumerate(zip(student, expected), start=1):
        if not values.close(a, b, CURVE_RTOL, CURVE_ATOL):
            return f"it first differs at epoch {epoch}"
    return "it matches"


def compare_run(
    submission: Submission, book: ReferenceBook, key: str, names: tuple[str, ...] | None = None, weights: bool = True, hint: str = ""
) -> dict:
    """Fail, with a diagnosis where one fits, unless the student's curves (and weights) match the reference.

    Returns the student's result for further checks.
    """
    scenario = scenarios()[key]
    target = scenario.targets[0]
    module = target.partition(".")[0]
    student = run_student(submission, key)
    reference = book.result(key)
    got, want = curves(student["returned"], target), curves(reference["returned"], target)
    record_curves(key, got, want)
    names = names or tuple(want)
    problems = [
        f"the {readable(n)}: {first_difference(got[n], want[n])}"
        for n in names
        if not (len(got[n]) == len(want[n]) and values.close(got[n], want[n], CURVE_RTOL, CURVE_ATOL))
    ]
    if weights and not problems and not params_match(params(student), params(reference)):
        problems.append("the weights after training differ from the reference's, although the curves agree")
    if problems:
        message = "Run on the grader's own model and data, your trainer does not match the reference in " + "; ".join(problems) + "."
        message += explain(diagnoses.diagnose_scenario(key, scenario, student, same_run(target, names)))
        fail(message, hint=hint, module=module)
    return student


# ------------------------------------------------------------------ early stopping

STOPPING_RULE = (
    "after each epoch compare the validation loss with the previous epoch's: strictly greater adds one to the "
    "count, anything else resets it to 0; stop (after recording the epoch) when the count reaches patience."
)


def check_stop(
    submission: Submission, book: ReferenceBook, key: str, target: str = "early_stopping.trainer", names: tuple[str, ...] | None = None
) -> dict:
    """The student's run must last exactly as many epochs as the reference's, then match it (in ``names``, default all curves)."""
    module = target.partition(".")[0]
    student = run_student(submission, key)
    reference = book.result(key)
    got = curves(student["returned"], target)
    want = curves(reference["returned"], target)
    ran, should = len(got["valid_loss"]), len(want["valid_loss"])
    if ran != should or any(len(v) != ran for v in got.values()):
        record_curves(key, got, want)
        cause = diagnoses.diagnose_scenario(key, scenarios()[key], student, same_run(target, names))
        when = "stopped too early" if ran < should else ("ran too long" if ran > should else "returned lists of different lengths")
        fail(
            f"With the grader's scripted validation losses, your trainer {when} (it returned {ran} epochs of validation losses)."
            + explain(cause),
            hint=STOPPING_RULE,
            module=module,
        )
    return compare_run(submission, book, key, names=names, hint=STOPPING_RULE)


# ------------------------------------------------------------------ what the judge's model saw


def forwards(student: dict, phase: str, mode: str | None = None, grad: str | None = None) -> int:
    """How many forward passes the judge's model saw in a phase (optionally: in a mode, with or without grad)."""
    total = 0
    for key, count in student["observations"]["forwards"].items():
        seen_phase, seen_mode, seen_grad = key.split(":")
        if seen_phase == phase and mode in (None, seen_mode) and grad in (None, seen_grad):
            total += count
    return total


def check_ran(student: dict, module: str) -> None:
    """The behaviour checks below judge what the loop did: a trainer that never ran the model earns none of them."""
    if not forwards(student, "train") or not forwards(student, "valid"):
        fail(
            "Your trainer did not run the grader's model on batches while iterating over trainloader and over "
            "validloader, so how it trains and validates cannot be judged. (Batches read out of a loader once, "
            "for instance into a list reused every epoch, do not count as a pass over it.)",
            hint="each epoch: a training pass `for X, y in trainloader:`, then a validation pass `for X, y in validloader:`.",
            module=module,
        )


def check_modes(student: dict, module: str) -> None:
    """Validation in eval mode, training in train mode (the judge's model reports which it saw)."""
    check_ran(student, module)
    if forwards(student, "valid", mode="train"):
        fail(
            "Your validation loop ran the model in training mode, so dropout was active while measuring.",
            hint="call model.eval() before the validation loop.",
            module=module,
        )
    if forwards(student, "train", mode="eval"):
        fail(
            "Your trainer ran the model in eval mode (dropout off) on the training data: either it trained in eval mode "
            "(the model came in eval mode, or stayed in it after a validation), or it measured the training loss "
            "with an extra pass in eval mode, which the chapter's trainer does not do.",
            hint="call model.train() again before each epoch's training; the training loss is the mean of that pass's batch losses.",
            module=module,
        )


def check_no_graph(student: dict, module: str) -> None:
    check_ran(student, module)
    if forwards(student, "valid", grad="grad"):
        fail(
            "Your validation loop builds an autograd graph: the forward passes on validation data ran with gradients enabled.",
            hint="wrap the validation loop in `with torch.no_grad():` (torch.inference_mode() works too).",
            module=module,
        )


def check_no_updates(student: dict, module: str) -> None:
    observations = student["observations"]
    if observations["steps"]["valid"] or observations["valid_param_changes"]:
        fail(
            "Your trainer changed the weights while going through the validation data.",
            hint="no loss.backward() and no optimizer.step() in the validation loop: it only measures.",
            module=module,
        )
