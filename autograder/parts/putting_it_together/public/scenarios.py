"""Part 6's public scenarios: four curves (a last validation batch of one image), then scripted BCE losses with patience 3 and 2."""

from __future__ import annotations

from autograder.sandbox.specs import Scenario, images, trainer

_TRAINER = "putting_it_together.trainer"


def _scripted(script: list[float], epochs: int, patience: int, seed: int) -> Scenario:
    model = {"hidden": 3, "seed": seed + 1, "activation": "leaky_relu"}
    data = images(8, 4, 8, 2, seed=seed, side=3, valid_targets="zeros")  # two training and four validation batches
    return trainer(
        _TRAINER, data, model, {"name": "adam", "lr": 0.01}, {"epochs": epochs, "patience": patience}, "bce", script=script, shuffle_seed=5
    )


SCENARIOS: dict[str, Scenario] = {
    "putting_it_together.public_curves": trainer(
        _TRAINER,
        images(12, 5, 7, 3, seed=41, side=3),
        {"hidden": 5, "seed": 42, "dropout": 0.25, "activation": "leaky_relu", "handed_over": "eval"},
        {"name": "adam", "lr": 0.05},
        {"epochs": 3, "patience": 10, "verbose": True},
        "bce",
        shuffle_seed=5,
    ),
    "putting_it_together.public_stop_p3": _scripted([0.95, 0.62, 0.66, 0.72, 0.64, 0.68, 0.74, 0.78, 0.82], 9, 3, 43),  # stops at 8
    "putting_it_together.public_stop_p2": _scripted([0.62, 0.66, 0.64, 0.68, 0.68, 0.72, 0.76, 0.78, 0.82], 9, 2, 45),  # stops at 7
}
