"""Part 4's public scenarios: a real run with dropout, and scripted validation losses (the docstring's two examples among them)."""

from __future__ import annotations

from autograder.sandbox.specs import ADAM, SGD, Scenario, regression, trainer

# Scripted validation: targets 0 make the judge's scripted outputs give exactly the scripted losses.
# Two training batches and three validation batches, so dividing by the other loader's length shows.
_SCRIPTED = regression(6, 3, n_valid=6, valid_batch=2, seed=26, features=2, valid_targets="zeros")
_SCRIPTED_MODEL = {"hidden": 3, "seed": 36}
_TRAINER = "early_stopping.trainer"


def _scripted(script: list[float], epochs: int, patience: int) -> Scenario:
    return trainer(_TRAINER, _SCRIPTED, _SCRIPTED_MODEL, SGD, {"epochs": epochs, "patience": patience}, script=script, shuffle_seed=5)


SCENARIOS: dict[str, Scenario] = {
    "early_stopping.public_real": trainer(
        _TRAINER,
        regression(10, 5, n_valid=6, valid_batch=4, seed=25, features=2),
        {"hidden": 5, "seed": 35, "dropout": 0.3, "handed_over": "eval"},
        ADAM,
        {"epochs": 3, "patience": 5},
        shuffle_seed=5,
    ),
    "early_stopping.docstring": _scripted([5.0, 4.0, 3.0, 4.0, 5.0, 6.0, 7.0], 7, 3),  # stops at 6
    "early_stopping.docstring_reset": _scripted([5.0, 4.0, 5.0, 6.0, 5.0, 6.0, 7.0, 8.0, 9.0], 9, 3),  # stops at 8
    "early_stopping.equal_steps": _scripted([1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0, 5.0], 8, 2),  # never stops
    "early_stopping.rising": _scripted([2.0, 3.0, 4.0, 5.0, 6.0], 5, 1),  # stops at 2
    # never stops; tells "best so far, strictly worse" (never stops) from "best so far, not better" (stops at 4)
    "early_stopping.flat_after_drop": _scripted([3.0, 2.0, 2.0, 2.0, 1.5, 1.5, 1.5, 1.5], 8, 2),
}
