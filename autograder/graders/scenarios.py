"""The scenarios the hidden graders run, each with a reference result in ``references/curves.json``.

Small on purpose: a dozen samples, a few epochs, a handful of hidden units.
Each one isolates something a trainer can get wrong:

- batch sizes that divide the data and ones that leave a smaller last batch
  (a mean over batches and a mean over samples then differ);
- a model with dropout, where train and eval mode give different numbers;
- scripted validation losses (see ``JudgeNet._scripted``), so that the epoch
  at which early stopping must stop is known exactly.
"""

from __future__ import annotations

from autograder.references import Scenario


def _regression(
    n_train: int, batch: int, n_valid: int = 0, valid_batch: int | None = None, seed: int = 11, features: int = 3, **extra
) -> dict:
    data = {"kind": "regression", "seed": seed, "n_train": n_train, "n_valid": n_valid, "features": features, "batch_size": batch}
    if valid_batch is not None:
        data["valid_batch_size"] = valid_batch
    return {**data, **extra}


def _images(n_train: int, batch: int, n_valid: int, valid_batch: int, seed: int = 5, **extra) -> dict:
    return {
        "kind": "images",
        "seed": seed,
        "side": 4,
        "n_train": n_train,
        "n_valid": n_valid,
        "batch_size": batch,
        "valid_batch_size": valid_batch,
        **extra,
    }


def _trainer(
    target: str,
    data: dict,
    model: dict,
    optimizer: dict,
    kwargs: dict,
    criterion: str = "mse",
    script: list | None = None,
    validation: bool = True,
) -> Scenario:
    spec = {
        "data": data,
        "model": model,
        "optimizer": optimizer,
        "criterion": criterion,
        "shuffle_seed": 3,
        "validation": validation,
        "kwargs": kwargs,
    }
    if script is not None:
        spec["script"] = script
    return Scenario("trainer", (target,), spec)


SMALL = {"hidden": 4, "seed": 7}
# Models with dropout arrive in eval mode (as after someone evaluated them): the trainer must call model.train() itself.
DROPOUT = {"hidden": 6, "seed": 8, "dropout": 0.4, "handed_over": "eval"}
SGD = {"name": "sgd", "lr": 0.05}
ADAM = {"name": "adam", "lr": 0.02}


def _train_step(steps: int) -> Scenario:
    spec = {"data": _regression(16, 4), "model": SMALL, "optimizer": {"name": "sgd", "lr": 0.1}, "criterion": "mse", "steps": steps}
    return Scenario("train_step", ("training_loop.train_step",), spec)


# Validation losses that the judge's model reports in scripted scenarios (exact squares, so MSE gives them exactly).
SCRIPT_STOP_AT_6 = [9.0, 4.0, 1.0, 2.25, 4.0, 6.25, 9.0, 12.25, 16.0, 20.25]
SCRIPT_RESET_STOP_AT_8 = [6.25, 4.0, 6.25, 9.0, 6.25, 9.0, 12.25, 16.0, 20.25, 25.0]
SCRIPT_PLATEAU = [4.0, 4.0, 4.0, 4.0, 4.0, 4.0]
SCRIPT_FALLING = [9.0, 6.25, 4.0, 2.25, 1.0]
# Rising from the first epoch on: the increase at epoch 2 must count (no comparison is skipped but the first).
SCRIPT_PATIENCE_1_STOP_AT_2 = [1.0, 2.25, 4.0, 6.25, 9.0]
# For BCE with target 0 (values are log(1 + e**logit)). With patience 3 the chapter's rule stops at
# epoch 9; "best so far" stops at 6, a count never reset at 7, ">=" at 5, patience off by one at 8 or 10.
SCRIPT_BCE_STOP_AT_9 = [0.9, 0.7, 0.7, 0.8, 0.85, 0.75, 0.8, 0.9, 1.0, 1.1]
# Rising from the start, patience 3: stops at epoch 4; skipping the comparison at epoch 2 stops at 5, a
# previous loss that starts at 0 (the first epoch counted as an increase) at 3.
SCRIPT_BCE_STOP_AT_4 = [0.7, 0.75, 0.8, 0.85, 0.9, 1.0, 1.1]

# Plateaus between rises, patience 3: the chapter's rule never stops (an equal loss resets the count, so
# it never passes 1), while "equal keeps the count" or a count never reset stop at epoch 6 and "equal
# counts as an increase" at 4. Stopping mistakes that have nothing to do with equal losses (patience off
# by one, the last epoch dropped, the first epoch counted) run all 7 epochs here, as the rule does.
SCRIPT_EQUAL_BETWEEN_RISES = [4.0, 6.25, 6.25, 9.0, 9.0, 12.25, 12.25]
# Part 6 with patience 2 (the other scripts use 3, so a hard-coded 3 shows): stops at epoch 6; equal
# keeps the count: 5; a hard-coded patience of 3: 7; best instead of previous: 4.
SCRIPT_BCE_PATIENCE_2_STOP_AT_6 = [0.8, 0.7, 0.75, 0.75, 0.8, 0.85, 0.9, 1.0]

_ES = "early_stopping.trainer"
_ZEROS = {"valid_targets": "zeros"}
# Every trainer scenario has a different number of training and validation batches (here 2 and 3), so
# dividing one sum by the other loader's length shows.
_SCRIPTED_DATA = _regression(8, 4, n_valid=6, valid_batch=2, **_ZEROS)

SCENARIOS: dict[str, Scenario] = {
    "train_step.one": _train_step(1),
    "train_step.three": _train_step(3),
    "training_loop.even": _trainer("training_loop.trainer", _regression(12, 4), SMALL, SGD, {"epochs": 4}, validation=False),
    "training_loop.uneven": _trainer("training_loop.trainer", _regression(10, 4), SMALL, SGD, {"epochs": 3}, validation=False),
    "training_loop.chapter": _trainer(
        "training_loop.trainer",
        _regression(40, 1, features=1, seed=0),
        {"hidden": 3, "seed": 0},
        {"name": "adam", "lr": 0.1},
        {"epochs": 2},
        validation=False,
    ),
    "validation.plain": _trainer("validation.trainer", _regression(12, 4, n_valid=7, valid_batch=2), SMALL, SGD, {"epochs": 4}),
    "validation.dropout": _trainer(
        "validation.trainer", _regression(12, 4, n_valid=7, valid_batch=2, seed=12), DROPOUT, ADAM, {"epochs": 4}
    ),
    "early_stopping.real": _trainer(
        _ES, _regression(12, 4, n_valid=7, valid_batch=2, seed=13), DROPOUT, ADAM, {"epochs": 4, "patience": 10}
    ),
    "early_stopping.stop_at_6": _trainer(_ES, _SCRIPTED_DATA, SMALL, SGD, {"epochs": 10, "patience": 3}, script=SCRIPT_STOP_AT_6),
    "early_stopping.reset": _trainer(_ES, _SCRIPTED_DATA, SMALL, SGD, {"epochs": 10, "patience": 3}, script=SCRIPT_RESET_STOP_AT_8),
    "early_stopping.plateau": _trainer(_ES, _SCRIPTED_DATA, SMALL, SGD, {"epochs": 6, "patience": 2}, script=SCRIPT_PLATEAU),
    "early_stopping.equal_between_rises": _trainer(
        _ES, _SCRIPTED_DATA, SMALL, SGD, {"epochs": 7, "patience": 3}, script=SCRIPT_EQUAL_BETWEEN_RISES
    ),
    "early_stopping.falling": _trainer(_ES, _SCRIPTED_DATA, SMALL, SGD, {"epochs": 5, "patience": 2}, script=SCRIPT_FALLING),
    "early_stopping.patience_1": _trainer(
        _ES,
        _SCRIPTED_DATA,
        SMALL,
        SGD,
        {"epochs": 5, "patience": 1},
        script=SCRIPT_PATIENCE_1_STOP_AT_2,
    ),
    "putting_it_together.curves": _trainer(
        "putting_it_together.trainer",
        _images(24, 8, 10, 3),
        {"hidden": 8, "seed": 9, "dropout": 0.3, "activation": "leaky_relu", "handed_over": "eval"},
        {"name": "adam", "lr": 0.05},
        {"epochs": 4, "patience": 10, "verbose": True},  # its four figures change every epoch
        criterion="bce",
    ),
    "putting_it_together.stop_at_9": _trainer(
        "putting_it_together.trainer",
        _images(16, 8, 6, 2, seed=6, **_ZEROS),
        {"hidden": 4, "seed": 10, "activation": "leaky_relu"},
        {"name": "adam", "lr": 0.01},
        {"epochs": 10, "patience": 3},
        criterion="bce",
        script=SCRIPT_BCE_STOP_AT_9,
    ),
    "putting_it_together.stop_at_4": _trainer(
        "putting_it_together.trainer",
        _images(16, 8, 6, 2, seed=7, **_ZEROS),
        {"hidden": 4, "seed": 11, "activation": "leaky_relu"},
        {"name": "adam", "lr": 0.01},
        {"epochs": 7, "patience": 3},
        criterion="bce",
        script=SCRIPT_BCE_STOP_AT_4,
    ),
    "putting_it_together.patience_2": _trainer(
        "putting_it_together.trainer",
        _images(16, 8, 6, 2, seed=8, **_ZEROS),
        {"hidden": 4, "seed": 12, "activation": "leaky_relu"},
        {"name": "adam", "lr": 0.01},
        {"epochs": 8, "patience": 2},
        criterion="bce",
        script=SCRIPT_BCE_PATIENCE_2_STOP_AT_6,
    ),
}
