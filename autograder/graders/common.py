"""Helpers shared by the hidden graders: hypothesis settings, scenario runs, comparisons with the reference.

The comparisons and behaviour checks that are not secret live in :mod:`autograder.checks.compare` and
:mod:`autograder.checks.behaviour`, shared with the public checks; they are re-exported here.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from autograder.checks.behaviour import (
    STOPPING_RULE,
    check_modes,
    check_no_graph,
    check_no_updates,
    check_ran,
    check_trains_in_train,
    check_validates_in_eval,
    forwards,
)
from autograder.checks.compare import (
    CURVE_ATOL,
    CURVE_RTOL,
    PARAM_ATOL,
    PARAM_RTOL,
    READABLE,
    curve_spec,
    curves,
    curves_match,
    first_difference,
    params,
    params_match,
    readable,
    same_run,
)
from autograder.graders import diagnoses
from autograder.graders.material import scenarios
from autograder.judge import values
from autograder.judge.client import Submission
from autograder.judge.grading import GradingFailure, fail, record, result_of, right_values_first
from autograder.references import ReferenceBook

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


def probe(submission: Submission, key: str, runner: str, targets: list[str], spec: dict) -> dict:
    """Run a scenario runner on the student's functions once per submission (tests that share ``key`` share the run)."""
    if key not in submission.cache:
        submission.cache[key] = submission.scenario(runner, targets, spec)
    return result_of(submission.cache[key], targets[-1])


def run_student(submission: Submission, key: str) -> dict:
    """The student's result in the reference scenario ``key``."""
    scenario = scenarios()[key]
    return probe(submission, key, scenario.runner, list(scenario.targets), scenario.spec)


def elsewhere(submission: Submission) -> Callable[[str], dict | None]:
    """The student's result in any scenario, None when the run failed: evidence for telling two diagnoses apart."""

    def result(key: str) -> dict | None:
        try:
            return run_student(submission, key)
        except GradingFailure:
            return None

    return result


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
    problems = _differences(got, want, student, reference, names or tuple(want), weights)
    if problems:
        setting = _setting(scenario.spec)
        message = f"Run on the grader's own model and data{setting}, your trainer does not match the reference in " + "; ".join(problems) + "."
        message += explain(diagnoses.diagnose_scenario(key, scenario, student, same_run(target, names), elsewhere(submission)))
        fail(message, hint=hint, module=module)
    return student


# The losses of the scenarios that vary what the chapter always gives (MSE or BCE, and SGD or Adam without momentum).
OTHER_LOSSES = ("l1", "bce_weighted")


def _setting(spec: dict) -> str:
    """Words for a scenario whose loss or optimizer is not the chapter's ("" for the others): the trainer must use those it is given."""
    if spec.get("criterion") in OTHER_LOSSES or spec.get("optimizer", {}).get("momentum"):
        return " with another loss and optimizer than the chapter's (use the criterion and the optimizer you are given)"
    return ""


def _differences(got: dict, want: dict, student: dict, reference: dict, names: tuple[str, ...], weights: bool) -> list[str]:
    """How the student's curves ``got`` (and final weights) differ from the reference's ``want``, in words (empty: none)."""
    problems = [
        f"the {readable(n)}: {first_difference(got[n], want[n])}"
        for n in names
        if not (len(got[n]) == len(want[n]) and values.close(got[n], want[n], CURVE_RTOL, CURVE_ATOL))
    ]
    if weights and not problems and not params_match(params(student), params(reference)):
        problems.append("the weights after training differ from the reference's, although the curves agree")
    return problems


def matches_reference(submission: Submission, book: ReferenceBook, key: str) -> bool:
    """Whether the student's run of scenario ``key`` returns the reference's curves and leaves its weights: no message,
    no diagnosis, nothing recorded (:func:`compare_run` is the test that says how it differs)."""
    target = scenarios()[key].targets[0]
    reference = book.result(key)
    want = curves(reference["returned"], target)
    try:
        student = run_student(submission, key)
        return not _differences(curves(student["returned"], target), want, student, reference, tuple(want), weights=True)
    except GradingFailure:  # a run that failed, or returned what is not curves, matches nothing
        return False


def curve_values(returned: object, target: str, name: str) -> list[float]:
    """The numbers of one curve a trainer returned, tensors read as numbers (their type is another test's business).

    Example: ``curve_values(([0.5, 0.4], [0.6, 0.5]), "validation.trainer", "valid_loss")`` is ``[0.6, 0.5]``.
    """
    spec = curve_spec(target)
    if spec.form == "list":
        raw = returned
    elif spec.form == "dict":
        raw = values.mapping(returned, f"the dict {target} returned", [name])[name]
    elif isinstance(returned, (tuple, list)) and len(returned) == len(spec.names):
        raw = returned[spec.names.index(name)]
    else:
        fail(f"{target} should return a tuple of lists, ({', '.join(spec.names)}).", module=target.partition(".")[0])
    return values.number_list(raw, f"the {readable(name)} list")


def weights_right(submission: Submission, book: ReferenceBook, key: str) -> None:
    """Fail unless the trainer leaves the judge's model with the reference's weights in scenario ``key``: it trains
    (how it measures and returns its losses is other tests' business). The value check a trainer's property tests
    rely on (the placeholder rule, :func:`~autograder.judge.grading.right_values_first`)."""
    target = scenarios()[key].targets[0]
    if not params_match(params(run_student(submission, key)), params(book.result(key))):
        fail(
            "run on the grader's own model and data, your trainer does not leave the model with the reference's weights: "
            "it does not train as part 2 does.",
            hint="for each training batch: zero the gradients, compute the loss, loss.backward(), optimizer.step().",
            module=target.partition(".")[0],
        )


# ------------------------------------------------------------------ early stopping


def check_stop(
    submission: Submission, book: ReferenceBook, key: str, target: str, names: tuple[str, ...] | None = None
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
        cause = diagnoses.diagnose_scenario(key, scenarios()[key], student, same_run(target, names), elsewhere(submission))
        when = "stopped too early" if ran < should else ("ran too long" if ran > should else "returned lists of different lengths")
        fail(
            f"With the grader's scripted validation losses, your trainer {when} (it returned {ran} epochs of validation losses)."
            + explain(cause),
            hint=STOPPING_RULE,
            module=module,
        )
    return compare_run(submission, book, key, names=names, hint=STOPPING_RULE)


__all__ = [
    "CURVE_ATOL",
    "CURVE_RTOL",
    "PARAM_ATOL",
    "PARAM_RTOL",
    "READABLE",
    "STOPPING_RULE",
    "check_modes",
    "check_no_graph",
    "check_no_updates",
    "check_ran",
    "check_stop",
    "check_trains_in_train",
    "check_validates_in_eval",
    "compare_run",
    "curve_spec",
    "curve_values",
    "curves",
    "curves_match",
    "first_difference",
    "forwards",
    "matches_reference",
    "params",
    "params_match",
    "readable",
    "right_values_first",
    "same_run",
    "weights_right",
]
