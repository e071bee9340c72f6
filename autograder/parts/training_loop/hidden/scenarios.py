"""Part 2's scenarios: train_step on its first batches, and the trainer with batches that divide the data or not."""

from __future__ import annotations

from autograder.sandbox.specs import MOMENTUM, SGD, SMALL, Scenario, regression, trainer


def _train_step(steps: int, fresh: bool = False, optimizer: dict | None = None, criterion: str = "mse", warm: bool = False) -> Scenario:
    """``steps`` calls of train_step, with the chapter's SGD(lr=0.1) unless ``optimizer`` says otherwise; ``fresh`` also runs
    each call once more on a fresh copy, ``warm`` hands over an optimizer that has already stepped (see the runner)."""
    spec = {"data": regression(16, 4), "model": SMALL, "optimizer": optimizer or {"name": "sgd", "lr": 0.1}, "criterion": criterion, "steps": steps}
    if fresh:
        spec["fresh"] = True
    if warm:
        spec["warm"] = True
    return Scenario("train_step", ("training_loop.train_step",), spec)


SCENARIOS: dict[str, Scenario] = {
    "train_step.one": _train_step(1),
    "train_step.three": _train_step(3, fresh=True),
    # One call each with what the chapter's SGD(lr=0.1) hides: a step taken by hand at a fixed rate, or a loss written
    # by hand instead of the criterion given. One call, so that gradients left from earlier calls stay the zeroing
    # test's business; the optimizers arrive having stepped once, so momentum and Adam's moments are in play.
    "train_step.adam": _train_step(1, optimizer={"name": "adam", "lr": 0.02}, warm=True),
    "train_step.momentum": _train_step(1, optimizer={"name": "sgd", "lr": 0.05, "momentum": 0.9}, warm=True),
    "train_step.l1": _train_step(1, criterion="l1"),
    "training_loop.even": trainer("training_loop.trainer", regression(12, 4), SMALL, SGD, {"epochs": 4}, validate=False),
    "training_loop.uneven": trainer("training_loop.trainer", regression(10, 4), SMALL, SGD, {"epochs": 3}, validate=False),
    # An L1 loss and SGD with momentum: a trainer that hands train_step a loss or an optimizer of its own shows here.
    "training_loop.l1": trainer("training_loop.trainer", regression(12, 4, seed=14), SMALL, MOMENTUM, {"epochs": 4}, criterion="l1", validate=False),
    "training_loop.chapter": trainer(
        "training_loop.trainer",
        regression(40, 1, features=1, seed=0),
        {"hidden": 3, "seed": 0},
        {"name": "adam", "lr": 0.1},
        {"epochs": 2},
        validate=False,
    ),
}
