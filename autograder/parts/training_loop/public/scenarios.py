"""Part 2's public scenarios: other data, seeds and sizes than the hidden graders' (three steps on batches of 3;
three epochs over 11 samples in batches of 4, 4 and 3)."""

from __future__ import annotations

from autograder.sandbox.specs import SGD, Scenario, regression, trainer

SCENARIOS: dict[str, Scenario] = {
    "train_step.public": Scenario(
        "train_step",
        ("training_loop.train_step",),
        {
            "data": regression(12, 3, seed=21, features=2),
            "model": {"hidden": 3, "seed": 31},
            "optimizer": {"name": "sgd", "lr": 0.1},
            "criterion": "mse",
            "steps": 3,
        },
    ),
    "training_loop.public": trainer(
        "training_loop.trainer",
        regression(11, 4, seed=22, features=2),
        {"hidden": 5, "seed": 32},
        SGD,
        {"epochs": 3},
        validate=False,
        shuffle_seed=5,
    ),
}
