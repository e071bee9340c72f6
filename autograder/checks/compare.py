"""Comparing runs and naming a mistake, shared by the hidden graders and the public checks (nothing here is secret).

A trainer's result (what the harness reports for a scenario) is compared by
its curves and final weights; a mistake is named by finding every known
mistake whose result on the very same inputs matches the student's: one is
named, several are named together as candidates. The hidden graders compute
those results live from ``solutions/`` (see :mod:`autograder.graders.diagnoses`,
which also lets other scenarios decide between candidates); the public checks
read them from ``expected.json``, where ``python -m autograder public-checks
--write`` stored them. Both go through :func:`all_matches`, so the rule is
written once.

Example:
    >>> all_matches({"x": 1}, [("a slip", {"x": 2}), ("the mistake", {"x": 1})], lambda a, b: a == b)
    ['the mistake']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from autograder.course.parts import Curves, part
from autograder.judge import values
from autograder.judge.grading import GradingFailure, fail
from autograder.sandbox.wire import TensorData

# The hidden graders' tolerances: their references are recomputed in the grading environment.
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


def curves(returned: object, target: str) -> dict[str, list[float]]:
    """The curves a trainer returned, by name, checked for type: lists of numbers, never tensors.

    Example: ``curves(([0.5, 0.4], [0.6, 0.5]), "validation.trainer")`` is
    ``{"train_loss": [0.5, 0.4], "valid_loss": [0.6, 0.5]}``; anything else fails the test with a message.
    """
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
            # The graph is named only when a tensor carries one (a loss kept as loss); an accuracy from comparisons has none.
            graph = any(isinstance(e, TensorData) and (e.requires_grad or e.has_grad_fn) for e in entries)
            fail(
                f"{what} holds tensors, not floats" + (": each tensor keeps its whole autograd graph alive." if graph else "."),
                hint="store loss.item() (a Python float), not loss." if graph else "store Python floats: call .item() on each tensor.",
                module=target.partition(".")[0],
            )
        result[name] = values.number_list(entries, what)
    return result


def params(result: dict) -> dict[str, np.ndarray]:
    """The judge model's final parameters as reported from the scenario (shapes as in the reference)."""
    return {
        name: values.array(value, f"parameter {name}") for name, value in values.mapping(result["params"], "the parameters", []).items()
    }


def curves_match(a: dict[str, list[float]], b: dict[str, list[float]], rtol: float = CURVE_RTOL, atol: float = CURVE_ATOL) -> bool:
    """Same curve names, same lengths, and every entry within ``atol + rtol * |b|``."""
    return a.keys() == b.keys() and all(len(a[k]) == len(b[k]) and values.close(a[k], b[k], rtol, atol) for k in a)


def params_match(a: dict[str, np.ndarray], b: dict[str, np.ndarray], rtol: float = PARAM_RTOL, atol: float = PARAM_ATOL) -> bool:
    """Same parameter names and every value within ``atol + rtol * |b|``."""
    return a.keys() == b.keys() and all(values.close(a[k], b[k], rtol, atol) for k in a)


def same_run(
    target: str,
    names: tuple[str, ...] | None = None,
    curve_tol: tuple[float, float] = (CURVE_RTOL, CURVE_ATOL),
    param_tol: tuple[float, float] | None = (PARAM_RTOL, PARAM_ATOL),
) -> Callable[[dict, dict], bool]:
    """A comparison of two scenario results (curves, and final weights unless ``param_tol`` is None) for diagnosis.

    ``names`` limits it to the curves a test judges, so that a second, unrelated mistake (say in the
    accuracy) does not hide the diagnosis of the first.
    """

    def same(student: dict, other: dict) -> bool:
        try:
            mine, theirs = curves(student["returned"], target), curves(other["returned"], target)
            if names is not None:
                mine, theirs = {n: mine[n] for n in names}, {n: theirs[n] for n in names}
            if not curves_match(mine, theirs, *curve_tol):
                return False
            return param_tol is None or params_match(params(student), params(other), *param_tol)
        except GradingFailure:
            return False

    return same


def optimizer_steps(result: object) -> object:
    """How many optimizer steps a run took in each phase, as the harness counted them (None when unknown)."""
    observations = result.get("observations") if isinstance(result, dict) else None
    return observations.get("steps") if isinstance(observations, dict) else None


def all_matches(
    student: object, candidates: Iterable[tuple[str, object]], same: Callable[[object, object], bool], count_steps: bool = False
) -> list[str]:
    """The ``says`` of every (says, result) in ``candidates`` whose result ``same`` judges equal to the student's, once each.

    A result of None (a mistake that crashed on these inputs) matches nothing. With ``count_steps``, a
    run must also have taken as many optimizer steps as the student's: with plain SGD, zero_grad()
    between backward() and step() leaves the same weights as no step() at all, and only the count of
    steps tells the two apart. Two known mistakes may give the same numbers on some inputs; the graders
    then look further (other scenarios) or name them all, never just the first one listed.
    """
    steps = optimizer_steps(student) if count_steps else None
    found: list[str] = []
    for says, result in candidates:
        if says in found or result is None or (steps is not None and steps != optimizer_steps(result)):
            continue
        if same(student, result):
            found.append(says)
    return found


def name_candidates(found: list[str]) -> str | None:
    """The diagnosis for the mistakes that fit: one is named; several are named together, as candidates."""
    if len(found) <= 1:
        return found[0] if found else None
    return "one of these mistakes, which give the same results here: " + "; or ".join(found)


def how_far(student: object, expected: object) -> str:
    """By how much a value is off, in relative terms that do not give the expected value away to the digit.

    For arrays, the entry furthest off. Examples: ``how_far(1.0, 0.5)`` is "about 2 times what it should be",
    ``how_far(0.45, 0.5)`` is "about 10 % smaller than it should be", ``how_far(-0.5, 0.5)`` is "with the wrong sign".
    """
    got, want = np.asarray(student, dtype=float), np.asarray(expected, dtype=float)
    if got.shape != want.shape or got.size == 0:
        return "of another shape" if got.shape != want.shape else "empty"
    got, want = got.ravel(), want.ravel()
    gap = np.abs(got - want)
    worst = int(np.nanargmax(np.where(np.isnan(gap), np.inf, gap)))
    a, b = float(got[worst]), float(want[worst])
    if not np.isfinite(a):
        return f"{a} (not a finite number)"
    if abs(b) < 1e-12:
        return f"by {abs(a - b):.1g}"
    ratio = a / b
    if ratio < 0:
        return "with the wrong sign"
    if ratio == 0:
        return "0 where it should not be"
    shown = float(f"{ratio:.2g}")  # rounded before choosing the words, so that one ratio is always said alike
    if shown >= 2 or shown <= 0.5:
        return f"about {shown:.2g} times what it should be"
    percent = abs(ratio - 1) * 100
    return f"about {percent:.2g} % {'larger' if ratio > 1 else 'smaller'} than it should be"


def first_difference(student: list[float], expected: list[float], rtol: float = CURVE_RTOL, atol: float = CURVE_ATOL) -> str:
    """Where two curves part and by how much, in words that give away no expected value to the digit."""
    if len(student) != len(expected):
        return f"it has {len(student)} entries where {len(expected)} epochs were run"
    for epoch, (a, b) in enumerate(zip(student, expected), start=1):
        if not values.close(a, b, rtol, atol):
            return f"it first differs at epoch {epoch} ({how_far(a, b)})"
    return "it matches"
