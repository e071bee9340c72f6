"""Naming what a student got wrong: run the known mistakes on the very same inputs and see which one matches.

When a student's result differs from the reference, the grader runs each known
mistake of that function (see :mod:`autograder.graders.mistakes`; each part
lists its own) on the same inputs, in the judge, from ``solutions/``, and if
the student's result matches one, says which. The diagnosis is behavioural:
any code that behaves like the mistake gets the same words, however it is
written.

A diagnosis is named only when the evidence singles it out. When several known
mistakes give the student's numbers in a scenario, the student's runs in the
function's other scenarios decide between them (the ones that do not fit there
are dropped); if no scenario tells them apart, every candidate is named.
"""

from __future__ import annotations

from collections.abc import Callable
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
    """The known mistake of the scenario's function whose result ``same`` judges equal to the student's.

    When several fit, ``elsewhere(key)`` (the student's result in another scenario of the same function,
    None when unavailable) narrows them down: a scenario where some but not all of them fit the student
    keeps only those. What is left after every such scenario is named (several: as candidates).
    """
    module, _, function = scenario.targets[0].partition(".")
    found = _fitting(scenario_key, scenario, student, same, mistakes_for(module, function))
    for key, other in scenarios().items():
        if len(found) <= 1 or elsewhere is None:
            break
        if key == scenario_key or other.targets != scenario.targets:
            continue
        there = elsewhere(key)
        narrowed = _fitting(key, other, there, same, found) if there is not None else []
        if narrowed:  # none fitting there means the student also differs for another reason: no evidence
            found = narrowed
    return name_candidates([m.says for m in found])


def diagnose_call(module: str, function: str, args: tuple, student: object, same: Callable[[object, object], bool]) -> str | None:
    """The known mistake of ``module.function`` whose output on ``args`` matches the student's (several: all named)."""
    candidates = ((m.says, variant_output(m, function, args)) for m in mistakes_for(module, function))
    return name_candidates(all_matches(student, candidates, same))


def variant_output(mistake: Mistake, function: str, args: tuple) -> object:
    """What ``function`` with the known mistake applied returns on ``args`` (None when it raises: it then matches nothing)."""
    try:
        return variant_function(mistake.key, mistake.module, function)(*args)
    except Exception:  # noqa: BLE001 - a variant that raises on these inputs matches nothing
        return None
