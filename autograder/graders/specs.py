"""Builders of scenario specs shared by the parts' ``scenarios.py``: data, models and optimizers as plain dicts.

A scenario is small on purpose: a dozen samples, a few epochs, a handful of
hidden units, and built to isolate something a trainer can get wrong (batch
sizes that divide the data or leave a smaller last batch, dropout that makes
train and eval mode differ, scripted validation losses that fix the stopping
epoch; see :class:`autograder.sandbox.models.JudgeNet`).

Example:
    >>> regression(12, 4)["batch_size"]
    4
"""

from __future__ import annotations

from autograder.references import Scenario


def regression(
    n_train: int, batch: int, n_valid: int = 0, valid_batch: int | None = None, seed: int = 11, features: int = 3, **extra
) -> dict:
    """A smooth regression data set: ``n_train`` + ``n_valid`` samples of ``features`` inputs."""
    data = {"kind": "regression", "seed": seed, "n_train": n_train, "n_valid": n_valid, "features": features, "batch_size": batch}
    if valid_batch is not None:
        data["valid_batch_size"] = valid_batch
    return {**data, **extra}


def images(n_train: int, batch: int, n_valid: int, valid_batch: int, seed: int = 5, **extra) -> dict:
    """Small two-class 4x4 "images" with integer labels."""
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


def trainer(
    target: str,
    data: dict,
    model: dict,
    optimizer: dict,
    kwargs: dict,
    criterion: str = "mse",
    script: list | None = None,
    validation: bool = True,
) -> Scenario:
    """A run of the student's trainer ``target`` ("module.trainer") on the judge's model, data and optimizer."""
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
# Scripted validation: targets 0 make the judge's scripted outputs give exactly the scripted losses.
ZEROS = {"valid_targets": "zeros"}
