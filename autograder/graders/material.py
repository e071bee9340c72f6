"""Each part's hidden material, found through the course registry: its scenarios, its known mistakes and its canary.

A part keeps them in ``autograder/parts/<name>/hidden/scenarios.py`` (``SCENARIOS``,
and optionally ``CANARY``) and ``hidden/mistakes.py`` (``MISTAKES``); either file may
be absent. This module knows no part by name. Every known mistake is checked when
the graders load: a patch that no longer matches ``solutions/<module>.py`` exactly
once is an error then, never a diagnosis silently skipped during grading.

Example:
    >>> sorted(scenarios())[:2]
    ['early_stopping.equal_between_rises', 'early_stopping.falling']
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType

from autograder import SOLUTIONS_DIR
from autograder.course.parts import NAMES, has, module_of
from autograder.errors import GraderLoadError
from autograder.graders.mistakes import Mistake
from autograder.sandbox.specs import Scenario


class MaterialError(GraderLoadError):
    """A part's hidden material that does not fit the rest (a duplicate scenario, a patch that no longer applies)."""


def _part_module(part: str, name: str) -> ModuleType | None:
    """``autograder.parts.<part>.hidden.<name>``, or None when the part has no such file."""
    if not has(part, "hidden"):
        return None
    qualified = module_of(part, "hidden", name)
    try:
        return importlib.import_module(qualified)
    except ModuleNotFoundError as error:
        if error.name == qualified:
            return None
        raise


@cache
def scenarios() -> dict[str, Scenario]:
    """Every part's scenarios by key (keys are unique across parts; they name the stored reference results)."""
    found: dict[str, Scenario] = {}
    for part in NAMES:
        module = _part_module(part, "scenarios")
        for key, scenario in (getattr(module, "SCENARIOS", {}) if module else {}).items():
            if key in found:
                raise MaterialError(f"scenario {key!r} of part {part} is also defined by part {found[key].module}")
            if scenario.module != part:
                raise MaterialError(
                    f"scenario {key!r} in autograder/parts/{part}/hidden/scenarios.py runs {scenario.targets[0]}, not part {part}"
                )
            found[key] = scenario
    return found


@cache
def canary() -> str:
    """The scenario a start-up recomputes to trust the stored results: the first part's ``CANARY``, else the first scenario."""
    for part in NAMES:
        module = _part_module(part, "scenarios")
        declared = getattr(module, "CANARY", None) if module else None
        if declared is not None:
            if declared not in scenarios():
                raise MaterialError(f"autograder/parts/{part}/hidden/scenarios.py: CANARY {declared!r} is not one of its scenarios")
            return declared
    return min(scenarios(), default="")


def check_patches(mistake: Mistake) -> None:
    """Raise :class:`MaterialError` unless each of the mistake's patches matches its solution exactly once."""
    path = SOLUTIONS_DIR / f"{mistake.module}.py"
    source = path.read_text()
    for old, _ in mistake.patches:
        count = source.count(old)
        if count != 1:
            raise MaterialError(
                f"known mistake {mistake.module}.{mistake.key}: its patch matches solutions/{path.name} {count} times "
                f"(it must match once): {old[:80]!r}. Update autograder/parts/{mistake.module}/hidden/mistakes.py to the solution's text."
            )


@cache
def mistakes() -> tuple[Mistake, ...]:
    """Every part's known mistakes, each checked against its solution (see :func:`check_patches`)."""
    found: list[Mistake] = []
    for part in NAMES:
        module = _part_module(part, "mistakes")
        for mistake in getattr(module, "MISTAKES", []) if module else []:
            if mistake.module != part:
                raise MaterialError(f"known mistake {mistake.key!r} in autograder/parts/{part}/hidden/mistakes.py patches {mistake.module}")
            check_patches(mistake)
            found.append(mistake)
    keys = [(m.module, m.key) for m in found]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise MaterialError(f"known mistakes defined twice: {twice}")
    return tuple(found)
