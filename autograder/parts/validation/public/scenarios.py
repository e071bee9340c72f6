"""Part 3's public scenarios: two training batches and three validation batches; then a model with dropout
handed over in eval mode, with two training batches and five validation batches (other data, seeds and sizes
than the hidden graders')."""

from __future__ import annotations

from autograder.sandbox.specs import ADAM, SGD, Scenario, regression, trainer

SCENARIOS: dict[str, Scenario] = {
    "validation.public_plain": trainer(
        "validation.trainer",
        regression(10, 5, n_valid=5, valid_batch=2, seed=23, features=2),
        {"hidden": 3, "seed": 33},
        SGD,
        {"epochs": 3},
        shuffle_seed=5,
    ),
    "validation.public_dropout": trainer(
        "validation.trainer",
        # 5 validation batches, where 9 // 2 = 4 and the training loader has 2 (in the plain run 5 // 2 = 2 =
        # len(trainloader)): dividing by either of those shows as its own mistake
        regression(12, 6, n_valid=9, valid_batch=2, seed=24, features=2),
        {"hidden": 5, "seed": 34, "dropout": 0.5, "handed_over": "eval"},
        ADAM,
        {"epochs": 3},
        shuffle_seed=5,
    ),
}
