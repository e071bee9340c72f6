"""Naming what a student got wrong: run the known mistakes on the very same inputs and see which one matches.

When a student's result differs from the reference, the grader runs each known
mistake of that function (see :mod:`autograder.graders.mistakes`; each part
lists its own) on the same inputs, in the judge, from ``solutions/``, and if
the student's result matches one, says which. The diagnosis is behavioural:
any code that behaves like the mistake gets the same words, however it is
written.

A diagnosis is named only when the evidence singles it out (issue 23): the
patched reference must reproduce the student's results on every input the
student's function was tried on, not on one. For a trainer, that is every
scenario of the function (its hygiene variants aside) in which the student's run
gave a result; for a plain function, every call of it the graders made (the
calls that passed included: there the mistake must give the reference's values
too). A mistake that fits in one scenario but not in another is not what the
student did, whatever else they did wrong, and is dropped. Several mistakes that
fit everywhere are named together, as candidates (no input tells them apart).
Otherwise nothing is named, and the message says only what differs and where.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

from autograder import references
from autograder.checks.compare import all_matches, name_candidates
from autograder.graders.material import mistakes, scenarios
from autograder.graders.mistakes import Mistake


def mistakes_for(module: str, function: str) -> list[Mistake]:
    """The known mistakes whose results ``module.function`` can show, in their part's order."""
    return [m for m in mistakes() if m.module == module and function in m.functions]


@cache
def variant_function(key: str, module: str, function: str) -> Callable:
    """The reference function with one known mistake applied."""
    mistake = next(m for m in mistakes() if m.key == key and m.module == module)
    return getattr(references.load_solution(module, mistake.patches), function)


_VARIANT_RESULTS: dict[tuple[str, str], dict | None] = {}


def _variant_scenario_result(scenario_key: str, mistake: Mistake, scenario: references.Scenario) -> dict | None:
    """The scenario's result with the mistake applied, computed once per process."""
    key = (scenario_key, mistake.key)
    if key not in _VARIANT_RESULTS:
        try:
            _VARIANT_RESULTS[key] = references.run(scenario, mistake.patches)
        except Exception:  # noqa: BLE001 - the patches apply (checked at load); a variant that crashes in this scenario matches nothing
            _VARIANT_RESULTS[key] = None
    return _VARIANT_RESULTS[key]


def _fitting(scenario_key: str, scenario: references.Scenario, student: dict, same: Callable, among: list[Mistake]) -> list[Mistake]:
    """The mistakes among ``among`` whose run of the scenario ``same`` judges equal to the student's (and as many steps).

    Steps count: with plain SGD, zero_grad() between backward() and step() leaves the same weights as no
    step() at all, and only the count of steps tells the two apart (see :func:`autograder.checks.compare.all_matches`).
    """
    candidates = [(m.key, _variant_scenario_result(scenario_key, m, scenario)) for m in among]
    keys = all_matches(student, candidates, same, count_steps=True)
    return [m for m in among if m.key in keys]


def diagnose_scenario(
    scenario_key: str,
    scenario: references.Scenario,
    student: dict,
    same: Callable[[dict, dict], bool],
    elsewhere: Callable[[str], dict | None] | None = None,
) -> str | None:
    """The known mistake of the scenario's function whose results ``same`` judges equal to the student's everywhere.

    A mistake must fit the student's run of ``scenario_key`` and, through ``elsewhere(key)`` (the student's
    result in another scenario of the same function, None when that run failed), the student's run of every
    other scenario of the function: a mistake that gives other numbers than the student's anywhere is dropped.
    The hygiene variants (``key~variant``) are left out: they are the hygiene tests' own evidence. Several that
    fit everywhere are named as candidates; none, nothing is named.
    """
    module, _, function = scenario.targets[0].partition(".")
    found = _fitting(scenario_key, scenario, student, same, mistakes_for(module, function))
    for key, other in scenarios().items():
        if not found or elsewhere is None:
            break
        if key == scenario_key or other.targets != scenario.targets or "~" in key:
            continue
        there = elsewhere(key)
        if there is not None:
            found = _fitting(key, other, there, same, found)
    return name_candidates([m.says for m in found])


def diagnose_call(
    module: str,
    function: str,
    args: tuple,
    student: object,
    same: Callable[[object, object], bool],
    tried: Iterable[tuple[tuple, object]] = (),
) -> str | None:
    """The known mistake of ``module.function`` that gives the student's output on ``args`` and on every call of ``tried``.

    ``tried`` holds the other (arguments, student's output) pairs the graders saw, the calls that passed
    included: a mistake that does not reproduce the student's output on one of them is not what the student
    did. Several that fit every call are named as candidates.
    """
    evidence = [(args, student), *((a, out) for a, out in tried if a is not args)]

    def outputs(mistake: Mistake) -> list[object]:
        return [variant_output(mistake, function, a) for a, _ in evidence]

    def same_everywhere(mine: list[object], theirs: list[object]) -> bool:
        return all(t is not None and same(m, t) for m, t in zip(mine, theirs, strict=True))

    candidates = ((m.says, outputs(m)) for m in mistakes_for(module, function))
    return name_candidates(all_matches([out for _, out in evidence], candidates, same_everywhere))


def variant_output(mistake: Mistake, function: str, args: tuple) -> object:
    """What ``function`` with the known mistake applied returns on ``args`` (None when it raises: it then matches nothing)."""
    try:
        return variant_function(mistake.key, mistake.module, function)(*args)
    except Exception:  # noqa: BLE001 - a variant that raises on these inputs matches nothing
        return None
