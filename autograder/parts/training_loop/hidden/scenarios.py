"""Part 2's scenarios: train_step on its first batches, and the trainer with batches that divide the data or not."""

from __future__ import annotations

from autograder.sandbox.specs import SGD, SMALL, Scenario, regression, trainer


def _train_step(steps: int, fresh: bool = False) -> Scenario:
    """``steps`` calls of train_step with plain SGD; ``fresh`` also runs each call once more on a fresh copy (see the runner)."""
    spec = {"data": regression(16, 4), "model": SMALL, "optimizer": {"name": "sgd", "lr": 0.1}, "criterion": "mse", "steps": steps}
    if fresh:
        spec["fresh"] = True
    return Scenario("train_step", ("training_loop.train_step",), spec)


SCENARIOS: dict[str, Scenario] = {
    "train_step.one": _train_step(1),
    "train_step.three": _train_step(3, fresh=True),
    "training_loop.even": trainer("training_loop.trainer", regression(12, 4), SMALL, SGD, {"epochs": 4}, validate=False),
    "training_loop.uneven": trainer("training_loop.trainer", regression(10, 4), SMALL, SGD, {"epochs": 3}, validate=False),
    "training_loop.chapter": trainer(
        "training_loop.trainer",
        regression(40, 1, features=1, seed=0),
        {"hidden": 3, "seed": 0},
        {"name": "adam", "lr": 0.1},
        {"epochs": 2},
        validate=False,
    ),
}
