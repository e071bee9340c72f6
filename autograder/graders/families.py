"""The hidden graders' shared checks, written once and named by any part's table (``"autograder.graders.families:<name>"``).

- curves and weights against the reference in one or more scenarios (:func:`curves`);
- the stopping rule: the epoch a run stops at, then its curves (:func:`stops`);
- validation hygiene, one behaviour per test (:func:`validates_in_eval`, :func:`trains_in_train`,
  :func:`no_graph`, :func:`no_updates`), declared per part with :func:`autograder.judge.table.hygiene`, each
  decided by comparing the trainer's returned numbers in the scenario and in one of its variants (see below);
- the trainer's value check of the placeholder rule (:func:`weights_right`).

Each judges the student's run of the row's scenario (or scenarios) with the judge's model; the part
a failure points to is the scenario's own.

Example (a row of a part's table)::

    Test("test_curves", "trainer", "losses match the reference", 4, f"{FAMILIES}:curves", hidden=False,
         scenario="validation.plain", args={"hint": "average over len(validloader)"})
"""

from __future__ import annotations

import math

from autograder.checks.compare import readable
from autograder.graders import common
from autograder.graders.diagnoses import mistakes_for
from autograder.graders.material import scenarios
from autograder.judge import values
from autograder.judge.client import Submission
from autograder.judge.grading import fail, record
from autograder.references import ReferenceBook
from autograder.sandbox.specs import variant


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


def stops(
    submission: Submission, book: ReferenceBook, scenario: str, names: tuple[str, ...] | None = None, also: tuple[str, ...] = ()
) -> None:
    """With scripted validation losses, the run lasts as many epochs as the reference's, then matches it (``names``)."""
    for key in (*_keys(scenario), *also):
        common.check_stop(submission, book, key, target=scenarios()[key].target, names=tuple(names) if names else None)


def weights_right(submission: Submission, book: ReferenceBook, scenario: str) -> None:
    """The trainer leaves the judge's model with the reference's weights in ``scenario``: it trains."""
    common.weights_right(submission, book, scenario)


# ------------------------------------------------------------------ validation hygiene, from the numbers the trainer returns
#
# Each behaviour is judged by comparing two runs of the student's own trainer in the child: the scenario as it is, and
# a variant (autograder/sandbox/specs.py, VARIANTS) in which only a broken rule changes anything: other validation
# samples, or a probe model whose answers differ where the rule is broken. A right trainer returns the same numbers in
# both, whatever else it gets wrong; the judge compares what it returned (its curves and final weights), never a record
# kept in the child. Two runs of one trainer in one child agree to the last bits: SAME is only a guard against rounding.
#
# Three shortcuts keep the runs few, each taken only where its evidence is as strong as the run it saves:
# - a run that returns the reference's curves and leaves its weights, on a model with dropout, has trained in
#   training mode and validated in eval mode (the other mode gives other numbers): the mode probes are not run;
# - a run that returns the reference's curves and leaves its weights has measured the validation data (the numbers
#   are the measurements) and trained on the training data alone (the weights are the reference's): the variant with
#   other validation samples is run only for a trainer that does not;
# - the "any_rule" probe breaks every rule's answers at once: when it changes nothing, no rule is broken, and the
#   single-rule probes are run only to tell which rule a trainer broke.
SAME = (1e-6, 1e-9)


def _both(submission: Submission, scenario: str, name: str) -> tuple[dict, dict]:
    return common.run_student(submission, scenario), common.run_student(submission, variant(scenario, name))


def _curve(result: dict, scenario: str, name: str) -> list[float]:
    numbers = common.curve_values(result["returned"], scenarios()[scenario].target, name)
    # NaN never equals itself: without this, a NaN curve would read as "the probe changed your losses" and name a
    # mode mistake the trainer may not have made.
    bad = next((epoch for epoch, number in enumerate(numbers, 1) if not math.isfinite(number)), None)
    if bad is not None:
        fail(
            f"Your trainer's {readable(name)} list holds {numbers[bad - 1]} at epoch {bad}: from losses that are "
            "not finite numbers, the grader cannot tell how it trains and validates.",
            hint="return the mean loss of each pass as a float (loss.item()), one per epoch.",
            module=_module(scenario),
        )
    return numbers


def _agree(first: list[float], second: list[float]) -> bool:
    """The same numbers over the epochs both runs lasted (a stopping rule may end one of them earlier)."""
    common_epochs = min(len(first), len(second))
    return common_epochs > 0 and values.close(first[:common_epochs], second[:common_epochs], *SAME)


def _same_training(first: dict, second: dict, scenario: str) -> bool:
    """The same training losses, and, when both ran as many epochs, the same final weights."""
    train = (_curve(first, scenario, "train_loss"), _curve(second, scenario, "train_loss"))
    if not _agree(*train):
        return False
    return len(train[0]) != len(train[1]) or common.params_match(common.params(first), common.params(second), *SAME)


def _same_updates(first: dict, second: dict, scenario: str) -> bool:
    """The same final weights (runs of as many epochs), else the same training losses over the epochs both ran.

    Weights first: a training loss divided by len(validloader) changes with other validation batches although the
    weights do not, and says nothing about updates.
    """
    train = (_curve(first, scenario, "train_loss"), _curve(second, scenario, "train_loss"))
    if len(train[0]) == len(train[1]):
        return common.params_match(common.params(first), common.params(second), *SAME)
    return _agree(*train)


def _singled_out(scenario: str, key: str) -> None:
    """Record the trainer's known mistake ``key`` (if its part has one) as the test's diagnosis: the variant that
    changes only what the mistake depends on has shown its behaviour, so the failure names it in its own words and the
    class overview counts it as this mistake, not as a failure without a diagnosis."""
    module = _module(scenario)
    for mistake in mistakes_for(module, "trainer"):
        if mistake.key == key:
            record({"kind": "diagnosis", "says": mistake.says})


def _no_rule_broken(submission: Submission, scenario: str) -> bool:
    """The probe that answers differently wherever any rule is broken changes neither the validation losses nor the training."""
    base, probe = _both(submission, scenario, "any_rule")
    return _agree(_curve(base, scenario, "valid_loss"), _curve(probe, scenario, "valid_loss")) and _same_training(base, probe, scenario)


def validated(submission: Submission, book: ReferenceBook, scenario: str) -> None:
    """The trainer measures the model on the validation data: its validation losses change when that data changes."""
    if common.matches_reference(submission, book, scenario):
        return
    base, other = _both(submission, scenario, "valid_changed")
    if _agree(_curve(base, scenario, "valid_loss"), _curve(other, scenario, "valid_loss")):
        fail(
            "Your trainer's validation losses stay the same when the validation data changes: either it never goes "
            "through the validation loader, or the losses it returns are not the ones it measured; so how it "
            "validates cannot be judged.",
            hint="each epoch: a training pass `for X, y in trainloader:`, then a validation pass `for X, y in validloader:`.",
            module=_module(scenario),
        )


def _modes_shown(submission: Submission, book: ReferenceBook, scenario: str) -> bool:
    """The run returns the reference's curves and leaves its weights, with a model whose dropout makes the two modes
    give other numbers: the numbers themselves show that it trained in training mode and validated in eval mode."""
    dropout = scenarios()[scenario].spec["model"].get("dropout", 0.0)
    return dropout > 0 and common.matches_reference(submission, book, scenario)


def validates_in_eval(submission: Submission, book: ReferenceBook, scenario: str) -> None:
    """Validation in eval mode: a model that answers differently in training mode on validation data changes nothing."""
    validated(submission, book, scenario)
    if _modes_shown(submission, book, scenario) or _no_rule_broken(submission, scenario):
        return
    base, probe = _both(submission, scenario, "train_on_valid")
    if not _agree(_curve(base, scenario, "valid_loss"), _curve(probe, scenario, "valid_loss")):
        _singled_out(scenario, "no_eval")
        fail(
            "Your validation loop ran the model in training mode: when the grader's model answers differently in "
            "training mode on validation data, your validation losses change (dropout would be active while measuring).",
            hint="call model.eval() before the validation loop.",
            module=_module(scenario),
        )


def trains_in_train(submission: Submission, book: ReferenceBook, scenario: str) -> None:
    """Training in train mode: a model that answers differently in eval mode on training data changes nothing."""
    if _modes_shown(submission, book, scenario) or _no_rule_broken(submission, scenario):
        return
    base, probe = _both(submission, scenario, "eval_on_train")
    if not _same_training(base, probe, scenario):
        fail(
            "Your trainer ran the model in eval mode (dropout off) on the training data: either it trained in eval mode "
            "(the model came in eval mode, or stayed in it after a validation), or it measured the training loss "
            "with an extra pass in eval mode, which the chapter's trainer does not do.",
            hint="call model.train() again before each epoch's training; the training loss is the mean of that pass's batch losses.",
            module=_module(scenario),
        )


def modes(submission: Submission, book: ReferenceBook, scenario: str) -> None:
    """Validates in eval mode, trains in train mode."""
    validates_in_eval(submission, book, scenario)
    trains_in_train(submission, book, scenario)


def no_graph(submission: Submission, book: ReferenceBook, scenario: str) -> None:
    """No graph during validation: a model that answers differently with gradients enabled on validation data changes nothing."""
    validated(submission, book, scenario)
    if _no_rule_broken(submission, scenario):
        return
    base, probe = _both(submission, scenario, "grad_on_valid")
    if not _agree(_curve(base, scenario, "valid_loss"), _curve(probe, scenario, "valid_loss")):
        fail(
            "Your validation loop builds an autograd graph: the forward passes on validation data ran with gradients "
            "enabled (the grader's model answers differently then, and your validation losses changed).",
            hint="wrap the validation loop in `with torch.no_grad():` (torch.inference_mode() works too).",
            module=_module(scenario),
        )


def no_updates(submission: Submission, book: ReferenceBook, scenario: str) -> None:
    """No updates during validation: other validation samples leave the training, and the final weights, as they were."""
    validated(submission, book, scenario)
    if common.matches_reference(submission, book, scenario):
        return
    base, other = _both(submission, scenario, "valid_changed")
    if not _same_updates(base, other, scenario):
        _singled_out(scenario, "updates_on_validation")
        fail(
            "Your trainer changed the weights while going through the validation data: with other validation samples, "
            "in batches of another size, its final weights are not the same.",
            hint="no loss.backward() and no optimizer.step() in the validation loop: it only measures.",
            module=_module(scenario),
        )
