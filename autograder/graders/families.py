"""The hidden graders' shared checks, written once and named by any part's table (``"autograder.graders.families:<name>"``).

- curves and weights against the reference in one or more scenarios (:func:`curves`);
- the stopping rule: the epoch a run stops at, then its curves (:func:`stops`);
- validation hygiene, one behaviour per test (:func:`validates_in_eval`, :func:`trains_in_train`,
  :func:`no_graph`, :func:`no_updates`), declared per part with :func:`autograder.judge.table.hygiene`;
- the trainer's value check of the placeholder rule (:func:`weights_right`).

Each judges the student's run of the row's scenario (or scenarios) with the judge's model; the part
a failure points to is the scenario's own.

Example (a row of a part's table)::

    Test("test_curves", "trainer", "losses match the reference", 4, f"{FAMILIES}:curves", hidden=False,
         scenario="validation.plain", args={"hint": "average over len(validloader)"})
"""

from __future__ import annotations

from autograder.graders import common
from autograder.graders.common import check_no_graph, check_no_updates, check_ran, check_trains_in_train, check_validates_in_eval
from autograder.graders.material import scenarios
from autograder.judge.client import Submission
from autograder.references import ReferenceBook


def _keys(scenario: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (scenario,) if isinstance(scenario, str) else tuple(scenario)


def _module(scenario: str) -> str:
    return scenarios()[scenario].module


def curves(
    submission: Submission,
    book: ReferenceBook,
    scenario: str,
    names: tuple[str, ...] | None = None,
    weights: bool = True,
    hint: str = "",
    also: tuple[str, ...] = (),
) -> None:
    """The student's curves (``names``, default all) and final weights match the reference in ``scenario`` and ``also``."""
    for key in (*_keys(scenario), *also):
        common.compare_run(submission, book, key, names=tuple(names) if names else None, weights=weights, hint=hint)


def stops(submission: Submission, book: ReferenceBook, scenario: str, names: tuple[str, ...] | None = None, also: tuple[str, ...] = ()) -> None:
    """With scripted validation losses, the run lasts as many epochs as the reference's, then matches it (``names``)."""
    for key in (*_keys(scenario), *also):
        common.check_stop(submission, book, key, target=scenarios()[key].target, names=tuple(names) if names else None)


def weights_right(submission: Submission, book: ReferenceBook, scenario: str) -> None:
    """The trainer leaves the judge's model with the reference's weights in ``scenario``: it trains."""
    common.weights_right(submission, book, scenario)


def validates_in_eval(submission: Submission, scenario: str) -> None:
    check_validates_in_eval(common.run_student(submission, scenario), _module(scenario))


def trains_in_train(submission: Submission, scenario: str) -> None:
    check_trains_in_train(common.run_student(submission, scenario), _module(scenario))


def no_graph(submission: Submission, scenario: str) -> None:
    check_no_graph(common.run_student(submission, scenario), _module(scenario))


def no_updates(submission: Submission, scenario: str) -> None:
    student = common.run_student(submission, scenario)
    check_ran(student, _module(scenario))  # a trainer that never validates updates nothing there, and earns nothing for it
    check_no_updates(student, _module(scenario))
