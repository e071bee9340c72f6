"""Part 6's scenarios: four curves on small images with dropout, and scripted BCE validation losses for the stopping rule."""

from __future__ import annotations

from autograder.sandbox.specs import ZEROS, Scenario, images, trainer, with_variants

# For BCE with target 0 (values are log(1 + e**logit)). With patience 3 the chapter's rule stops at
# epoch 9; "best so far" stops at 6, a count never reset at 7, ">=" at 5, patience off by one at 8 or 10.
SCRIPT_BCE_STOP_AT_9 = [0.9, 0.7, 0.7, 0.8, 0.85, 0.75, 0.8, 0.9, 1.0, 1.1]
# Rising from the start, patience 3: stops at epoch 4; skipping the comparison at epoch 2 stops at 5, a
# previous loss that starts at 0 (the first epoch counted as an increase) at 3.
SCRIPT_BCE_STOP_AT_4 = [0.7, 0.75, 0.8, 0.85, 0.9, 1.0, 1.1]
# Patience 2 (the other scripts use 3, so a hard-coded 3 shows): stops at epoch 6; equal keeps the
# count: 5; a hard-coded patience of 3: 7; best instead of previous: 4.
SCRIPT_BCE_PATIENCE_2_STOP_AT_6 = [0.8, 0.7, 0.75, 0.75, 0.8, 0.85, 0.9, 1.0]

_PIT = "putting_it_together.trainer"
_ADAM_SLOW = {"name": "adam", "lr": 0.01}


def _scripted(seed: int, model_seed: int, epochs: int, patience: int, script: list[float]) -> object:
    model = {"hidden": 4, "seed": model_seed, "activation": "leaky_relu"}
    data = images(16, 8, 6, 2, seed=seed, **ZEROS)
    return trainer(_PIT, data, model, _ADAM_SLOW, {"epochs": epochs, "patience": patience}, criterion="bce", script=script)


SCENARIOS: dict[str, Scenario] = {
    "putting_it_together.curves": trainer(
        _PIT,
        images(24, 8, 10, 3),
        {"hidden": 8, "seed": 9, "dropout": 0.3, "activation": "leaky_relu", "handed_over": "eval"},
        {"name": "adam", "lr": 0.05},
        {"epochs": 4, "patience": 10, "verbose": True},  # its four figures change every epoch
        criterion="bce",
    ),
    # Training batches of 4, 4, 4, 4, 4 and 2 (and validation ones of 4, 4 and 1): a mean over samples
    # (each batch weighted by its size) differs from the chapter's mean over batches in both passes.
    "putting_it_together.uneven": trainer(
        _PIT,
        images(22, 4, 9, 4, seed=4),
        {"hidden": 6, "seed": 13, "dropout": 0.3, "activation": "leaky_relu"},
        {"name": "adam", "lr": 0.05},
        {"epochs": 3, "patience": 10},
        criterion="bce",
    ),
    # BCE with a weight on class 1, and SGD with momentum (every other scenario trains with Adam): a loss written by hand
    # (F.binary_cross_entropy_with_logits) instead of the criterion, or an optimizer of the trainer's own, shows here.
    "putting_it_together.weighted": trainer(
        _PIT,
        images(16, 4, 6, 3, seed=9),
        {"hidden": 6, "seed": 14, "dropout": 0.3, "activation": "leaky_relu"},
        {"name": "sgd", "lr": 0.1, "momentum": 0.9},
        {"epochs": 3, "patience": 10},
        criterion="bce_weighted",
    ),
    "putting_it_together.stop_at_9": _scripted(6, 10, 10, 3, SCRIPT_BCE_STOP_AT_9),
    "putting_it_together.stop_at_4": _scripted(7, 11, 7, 3, SCRIPT_BCE_STOP_AT_4),
    "putting_it_together.patience_2": _scripted(8, 12, 8, 2, SCRIPT_BCE_PATIENCE_2_STOP_AT_6),
}

# What the validation-hygiene tests compare the four curves' run with: other validation samples, and probe models.
SCENARIOS = with_variants(SCENARIOS, "putting_it_together.curves")

# The scenario recomputed at every start of the judge and compared bit for bit with the stored reference
# (autograder/references/fingerprint.py): the classifier's blocks and an optimizer on images, so it runs the
# float32 kernels that a different CPU or build rounds differently, in about 30 ms.
CANARY = "putting_it_together.curves"
