"""Scenarios and calls as plain data: the one type and the one set of spec builders of the public checks and the hidden graders.

A :class:`Scenario` names a scenario runner (a key of :data:`autograder.sandbox.runners.RUNNERS`),
the student functions it needs (``module.function``) and its spec, plain data that the runner
reads (data, model, optimizer, loss, script). The same scenario runs the student's code in the
child and the reference solution in the judge, so the two runs are comparable number for number.
A :class:`Call` is a direct call of one student function on given arguments.

A scenario is small on purpose: a dozen samples, a few epochs, a handful of hidden units, and
built to isolate something a trainer can get wrong (batch sizes that divide the data or leave a
smaller last batch, dropout that makes train and eval mode differ, scripted validation losses that
fix the stopping epoch; see :class:`autograder.sandbox.models.JudgeNet`).

Nothing here is secret: which scenarios the hidden graders use lives in their part's ``hidden/scenarios.py``.

Example:
    >>> regression(12, 4)["batch_size"]
    4
    >>> trainer("validation.trainer", regression(12, 4, n_valid=7, valid_batch=2), SMALL, SGD, {"epochs": 4}).module
    'validation'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    """A scenario runner, the student functions it needs (``module.function``), and its plain-data spec."""

    runner: str
    targets: tuple[str, ...]
    spec: dict

    @property
    def target(self) -> str:
        """The function the scenario judges (the first of ``targets``)."""
        return self.targets[0]

    @property
    def module(self) -> str:
        """The part whose function it judges."""
        return self.targets[0].partition(".")[0]


@dataclass(frozen=True)
class Call:
    """A direct call of the student function ``target`` ("module.function") on ``args``."""

    target: str
    args: tuple


def regression(
    n_train: int, batch: int, n_valid: int = 0, valid_batch: int | None = None, seed: int = 11, features: int = 3, **extra
) -> dict:
    """A smooth regression data set: ``n_train`` + ``n_valid`` samples of ``features`` inputs."""
    data = {"kind": "regression", "seed": seed, "n_train": n_train, "n_valid": n_valid, "features": features, "batch_size": batch}
    if valid_batch is not None:
        data["valid_batch_size"] = valid_batch
    return {**data, **extra}


def images(n_train: int, batch: int, n_valid: int, valid_batch: int, seed: int = 5, side: int = 4, **extra) -> dict:
    """Small two-class ``side`` x ``side`` "images" with integer labels."""
    return {
        "kind": "images",
        "seed": seed,
        "side": side,
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
    validate: bool = True,
    shuffle_seed: int = 3,
) -> Scenario:
    """A run of the student's trainer ``target`` ("module.trainer") on the judge's model, data and optimizer (``validate``:
    with a validation loader too)."""
    spec = {
        "data": data,
        "model": model,
        "optimizer": optimizer,
        "criterion": criterion,
        "shuffle_seed": shuffle_seed,
        "validate": validate,
        "kwargs": kwargs,
    }
    if script is not None:
        spec["script"] = script
    return Scenario("trainer", (target,), spec)


# The variants of a trainer scenario that the validation-hygiene tests compare with it: the same run with other
# validation samples (the training samples kept), and the same run with a probe model (autograder/sandbox/models.py,
# PROBES) that answers differently where a rule is broken. A right trainer gives the same training in all of them
# and the same validation losses in each probe variant; the judge compares the numbers it returns. "any_rule" probes
# every rule in one run: the others are run only when it shows that some rule is broken.
VARIANTS = ("valid_changed", "train_on_valid", "grad_on_valid", "eval_on_train", "any_rule")


def variant(key: str, name: str) -> str:
    """The key of scenario ``key``'s variant ``name`` (one of :data:`VARIANTS`): ``"validation.plain~valid_changed"``."""
    return f"{key}~{name}"


def with_variants(scenarios: dict[str, Scenario], *keys: str) -> dict[str, Scenario]:
    """``scenarios`` with the :data:`VARIANTS` of the trainer scenarios ``keys`` added."""
    added = dict(scenarios)
    for key in keys:
        # The scenario itself runs armed too, with nothing probed: it and its probes look alike to the trainer.
        base = added[key] = Scenario(scenarios[key].runner, scenarios[key].targets, {**scenarios[key].spec})
        base.spec["model"] = {**base.spec["model"], "probe": None}
        for name in VARIANTS:
            spec = dict(base.spec)
            if name == "valid_changed":
                # Other samples in batches of another size: a step taken in the validation loop (with the gradients
                # the last training batch left) moves the weights once per validation batch, so it shows too.
                size = spec["data"].get("valid_batch_size", spec["data"]["batch_size"])
                spec["data"] = {**spec["data"], "valid_seed": spec["data"]["seed"] + 1000, "valid_batch_size": 1 if size != 1 else 2}
            else:
                spec["model"] = {**spec["model"], "probe": name}
            added[variant(key, name)] = Scenario(base.runner, base.targets, spec)
    return added


SMALL = {"hidden": 4, "seed": 7}
# Models with dropout arrive in eval mode (as after someone evaluated them): the trainer must call model.train() itself.
DROPOUT = {"hidden": 6, "seed": 8, "dropout": 0.4, "handed_over": "eval"}
SGD = {"name": "sgd", "lr": 0.05}
ADAM = {"name": "adam", "lr": 0.02}
# Neither the chapter's optimizer nor its loss: a trainer must use the optimizer and the criterion it is given.
MOMENTUM = {"name": "sgd", "lr": 0.03, "momentum": 0.9}
# Scripted validation: targets 0 make the judge's scripted outputs give exactly the scripted losses.
ZEROS = {"valid_targets": "zeros"}
