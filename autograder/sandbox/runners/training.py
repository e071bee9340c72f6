"""Parts 2 to 4 (training loop, validation, early stopping): a student's trainer or train step on the judge's scenario.

The runners build the judge's data, model and optimizer from the spec, watch
them with a :class:`~autograder.sandbox.observe.Tracker` while the student's
code runs, and report what it returned, the final weights and what was observed.

Who may import it: :mod:`autograder.sandbox.runners` (for ``RUNNERS``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch.utils.data import TensorDataset

from autograder.sandbox.capture import Generator, detach
from autograder.sandbox.data import build_data
from autograder.sandbox.models import arm, build_criterion, build_model, build_optimizer, parameters_of
from autograder.sandbox.observe import TrackedLoader, Tracker, unwatch, watch
from autograder.sandbox.output import captured_stdout
from autograder.sandbox.runners.describe import kind_of


def run_trainer(spec: dict, trainer: Callable) -> dict:
    """Run a trainer (any of the four) on the judge's scenario and report what it did.

    Returns:
        {"returned": the trainer's return value, "params": final parameters,
        "observations": the tracker's report, "stdout": what it printed}.
    """
    X_train, y_train, X_valid, y_valid = build_data(spec["data"])
    inputs = int(np.prod(X_train.shape[1:]))
    model = build_model(spec["model"], inputs)
    if "probe" in spec["model"]:  # a validation-hygiene scenario or one of its probes (None: the scenario itself)
        arm(model, spec["model"]["probe"], X_train, X_valid)
    if spec["model"].get("handed_over") == "eval":  # as after someone evaluated it: the trainer must switch to train mode itself
        model.eval()
    tracker = Tracker(model)
    watch(model, tracker, script=spec.get("script"), criterion=spec["criterion"])
    optimizer = build_optimizer(spec["optimizer"], model)
    tracker.watch_optimizer(optimizer)
    shuffle = Generator().manual_seed(spec["shuffle_seed"])
    batch = spec["data"]["batch_size"]
    trainloader = TrackedLoader(TensorDataset(X_train, y_train), batch_size=batch, shuffle=True, generator=shuffle)
    watch(trainloader, tracker, role="train")
    args: list[Any] = [model, build_criterion(spec["criterion"]), optimizer, trainloader]
    if spec.get("validate", True):
        valid_batch = spec["data"].get("valid_batch_size", batch)
        args.append(TrackedLoader(TensorDataset(X_valid, y_valid), batch_size=valid_batch))
        watch(args[-1], tracker, role="valid")
    try:
        with captured_stdout() as out:
            returned = trainer(*args, **spec.get("kwargs", {}))
    finally:
        unwatch(model, *args[3:])
    return {
        "returned": returned,
        "params": parameters_of(model),
        "observations": tracker.report(),
        "stdout": out.text(),
    }


def run_train_step(spec: dict, train_step: Callable) -> dict:
    """Call ``train_step`` on the first few batches in order; report each return value and the final weights.

    Also reports, per call, whether the model was left holding gradients (``grads_left``: a step taken
    before ``backward()`` leaves them, ``zero_grad()`` between ``backward()`` and the step does not), and
    with ``spec["fresh"]`` the weights that one call gives from the same starting weights on a fresh copy
    of the model and optimizer (``fresh``): with plain SGD, a train_step that zeroes the gradients gives the
    same step in the chain as on the fresh copy, whatever loss it computes.

    With ``spec["warm"]`` the optimizer arrives with state: the judge has taken one step of its own (on the
    last batch of the data) and cleared the gradients, so a single call shows momentum or Adam's moments.
    """
    X_train, y_train, _, _ = build_data(spec["data"])
    model = build_model(spec["model"], X_train.shape[1])
    optimizer = build_optimizer(spec["optimizer"], model)
    criterion = build_criterion(spec["criterion"])
    batch = spec["data"]["batch_size"]
    if spec.get("warm"):
        criterion(model(X_train[-batch:]).flatten(), y_train[-batch:]).backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
    tracker = Tracker(model)
    tracker.watch_optimizer(optimizer)
    returned, kinds, params, grads_left, fresh = [], [], [], [], []
    with captured_stdout() as out:
        for start in range(0, spec["steps"] * batch, batch):
            X, y = X_train[start : start + batch], y_train[start : start + batch]
            before = {name: detach(p).clone() for name, p in model.named_parameters()}
            value = train_step(model, criterion, optimizer, X, y)
            returned.append(value)
            kinds.append(kind_of(value))
            params.append(parameters_of(model))
            grads_left.append(any(p.grad is not None and bool(detach(p.grad).any()) for p in model.parameters()))
            if spec.get("fresh"):
                fresh.append(_one_fresh_step(spec, X_train.shape[1], before, criterion, train_step, X, y))
    report = {"returned": returned, "kinds": kinds, "params": params, "grads_left": grads_left}
    if spec.get("fresh"):
        report["fresh"] = fresh
    return {**report, "observations": tracker.report(), "stdout": out.text()}


def _one_fresh_step(spec: dict, inputs: int, weights: dict, criterion: Any, train_step: Callable, X: Any, y: Any) -> dict:
    """The weights after one call of ``train_step`` on a new model holding ``weights`` and a new optimizer."""
    model = build_model(spec["model"], inputs)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            parameter.copy_(weights[name])
    train_step(model, criterion, build_optimizer(spec["optimizer"], model), X, y)
    return parameters_of(model)
