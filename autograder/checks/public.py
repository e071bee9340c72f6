"""The public checks' engine: every part's public scenarios and calls, their stored expected results, how a check compares and diagnoses.

Each part keeps its public inputs in ``autograder/parts/<name>/public/scenarios.py``
(``SCENARIOS``, ``CALLS``); every one differs from the hidden graders' (other data,
seeds, sizes, scripts; or the chapter's own worked examples). For each of them, the
part's ``public/expected.json`` holds what ``solutions/`` gives AND what each known
mistake of that function gives on the same inputs;
``python -m autograder public-checks --write`` writes it and
``python -m autograder public-checks`` checks that it is current. Only numbers
and the diagnosis sentences are stored, never a solution line or a patch.

A check runs the student's function on a public scenario and compares the
result with the stored reference, with tolerances that hold across torch
versions and CPUs (float32 training runs: relative 1e-4 on curves and weights;
float64 NumPy functions: relative 1e-6). On a mismatch it names the known
mistake whose stored results match the student's in every scenario of the check and,
for a trainer, in every other public scenario of the same trainer
(:func:`autograder.checks.compare.all_matches`, the graders' own rule; several
that match are named together), else it names none.

Example:
    >>> SCENARIOS["early_stopping.docstring"].spec["script"]
    [5.0, 4.0, 3.0, 4.0, 5.0, 6.0, 7.0]
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import ModuleType

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
from autograder.course.parts import NAMES, has, module_of
from autograder.course.parts import part as part_record
from autograder.errors import GraderLoadError
from autograder.judge import values
from autograder.judge.client import Submission
from autograder.judge.grading import GradingFailure, fail, record, result_of
from autograder.sandbox.specs import Call, Scenario

EXPECTED_NAME = "expected.json"

# Tolerances (relative, absolute). Float32 training runs differ in their last bits between torch builds and
# CPUs (up to about 1e-5 relative measured); every known mistake differs by far more (the generator refuses
# to store one closer than 10 times these).
CURVE_TOL = (1e-4, 1e-6)
PARAM_TOL = (1e-4, 1e-5)
CALL_TOL = (1e-6, 1e-9)  # float64 NumPy: the same on every machine up to rounding


def _public_module(part: str) -> ModuleType | None:
    """``autograder.parts.<part>.public.scenarios``, or None when the part ships no public scenarios."""
    if not has(part, "public") or not (part_record(part).folder / "public" / "scenarios.py").is_file():
        return None
    return importlib.import_module(module_of(part, "public", "scenarios"))


def _collect(table: str) -> dict:
    """Every part's public ``SCENARIOS`` or ``CALLS``, one dict (keys are unique across parts)."""
    found: dict = {}
    for part in NAMES:
        module = _public_module(part)
        for key, value in (getattr(module, table, {}) if module else {}).items():
            if key in found:
                raise GraderLoadError(f"public {table.lower()} key {key!r} of part {part} is also another part's")
            found[key] = value
    return found


SCENARIOS: dict[str, Scenario] = _collect("SCENARIOS")
CALLS: dict[str, Call] = _collect("CALLS")


# ------------------------------------------------------------------ the stored expected results


def expected_path(part: str) -> Path:
    """Where part ``part``'s stored expected results live (written by ``python -m autograder public-checks --write``)."""
    return part_record(part).folder / "public" / EXPECTED_NAME


@cache
def _load(part: str) -> dict:
    return json.loads(expected_path(part).read_text())


def expected(part: str) -> dict:
    """Part ``part``'s stored document: {"scenarios": {key: {"reference", "mistakes"}}, "calls": {...}, "facts": {...}}."""
    if not expected_path(part).is_file():
        fail(
            f"The public checks' expected results (autograder/parts/{part}/public/{EXPECTED_NAME}) are missing from this copy: "
            "this check cannot compare. Ask your instructor for a complete bundle."
        )
    return _load(part)


def stored(kind: str, key: str) -> dict:
    """One scenario's (kind "scenarios") or call's (kind "calls") stored reference and known mistakes."""
    owner = (SCENARIOS[key] if kind == "scenarios" else CALLS[key]).target.partition(".")[0]
    return expected(owner)[kind][key]


def fact(part: str, name: str) -> object:
    """A fact the judge computed for part ``part``'s checks (``facts()`` of its public scenarios)."""
    return expected(part)["facts"][name]


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

    The failure names the known mistake whose stored results match the student's in every scenario of
    ``keys``, of ``also`` and of every other public scenario of the same trainer (they only sharpen the
    diagnosis; one in which the student's trainer fails is left out of it): a mistake that fits one run but
    not another is not what the student did (issue 23). Returns the student's results by key.
    """
    target = SCENARIOS[keys[0]].target
    module = target.partition(".")[0]
    students = {key: run(submission, key) for key in keys}
    also = [*also, *(key for key, scenario in SCENARIOS.items() if scenario.target == target and key not in also)]
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
