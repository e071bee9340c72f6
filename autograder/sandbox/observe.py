"""Observing what the student's loop does with the judge's model, optimizer and loaders.

:class:`Tracker` records, per phase of the loop, forwards (mode and grad),
optimizer steps and ``zero_grad`` calls, and whether validation changed the
weights. Which tracker watches which object lives in ``_WATCHED``, the one
registry of this module, not on the objects the student receives: the
judge's models (:mod:`autograder.sandbox.models`) and :class:`TrackedLoader`
both consult it.

Who may import it: :mod:`autograder.sandbox.models` and the sandbox's scenario modules (:mod:`autograder.sandbox.runners`).
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, default_collate

from autograder.sandbox.capture import detach, equal, grad_enabled, inference_mode

_empty, _as_tensor, _int64 = torch.empty, torch.as_tensor, torch.int64  # bound before any student code


class Tracker:
    """Records, per phase of the loop, how the model and optimizer were used.

    A phase starts when the trainer starts iterating a loader: "train" for
    the training loader, "valid" for the validation one.
    """

    def __init__(self, model: nn.Module) -> None:
        self.model = model
        self.phase = "outside"
        self.train_passes = 0
        self.valid_passes = 0
        self.forwards: dict[str, int] = {}
        self.steps = {"train": 0, "valid": 0, "outside": 0}
        self.zero_grads = {"train": 0, "valid": 0, "outside": 0}
        self.valid_param_changes = 0
        self._snapshot: list[torch.Tensor] | None = None

    def enter(self, role: str) -> None:
        self._close_validation()
        self.phase = role
        if role == "train":
            self.train_passes += 1
        else:
            self.valid_passes += 1
            self._snapshot = [detach(p).clone() for p in self.model.parameters()]

    def leave(self, role: str) -> None:
        if self.phase == role:
            self._close_validation()
            self.phase = "outside"

    def _close_validation(self) -> None:
        if self._snapshot is not None:
            now = [detach(p) for p in self.model.parameters()]
            if any(not equal(a, b) for a, b in zip(self._snapshot, now)):
                self.valid_param_changes += 1
            self._snapshot = None

    def saw_forward(self, training: bool) -> None:
        grad = "grad" if grad_enabled() and not inference_mode() else "nograd"
        key = f"{self.phase}:{'train' if training else 'eval'}:{grad}"
        self.forwards[key] = self.forwards.get(key, 0) + 1

    def report(self) -> dict:
        self._close_validation()
        return {
            "train_passes": self.train_passes,
            "valid_passes": self.valid_passes,
            "forwards": dict(self.forwards),
            "steps": dict(self.steps),
            "zero_grads": dict(self.zero_grads),
            "valid_param_changes": self.valid_param_changes,
        }

    def watch_optimizer(self, optimizer: torch.optim.Optimizer) -> None:
        """Count ``step`` and ``zero_grad`` calls per phase, leaving their behaviour alone."""
        step, zero_grad = optimizer.step, optimizer.zero_grad

        def counted_step(*args, **kwargs):
            self.steps[self.phase] += 1
            return step(*args, **kwargs)

        def counted_zero_grad(*args, **kwargs):
            self.zero_grads[self.phase] += 1
            return zero_grad(*args, **kwargs)

        optimizer.step = counted_step
        optimizer.zero_grad = counted_zero_grad


# Which tracker watches which of the judge's models and loaders, and the facts they need (role, script).
# Kept here, not as attributes of the objects the student's trainer receives, so that
# ``model.tracker = None`` or ``loader.tracker = ...`` cannot silence or feed the observations.
_WATCHED: dict[int, tuple[object, Tracker, dict]] = {}


def watch(thing: object, tracker: Tracker, **facts: Any) -> None:
    """Let ``tracker`` observe ``thing`` (one of the judge's models or loaders), with the facts it needs."""
    _WATCHED[id(thing)] = (thing, tracker, facts)


def watcher(thing: object) -> tuple[Tracker, dict] | None:
    """The tracker watching ``thing`` and its facts, or None."""
    entry = _WATCHED.get(id(thing))
    return (entry[1], entry[2]) if entry is not None and entry[0] is thing else None


def unwatch(*things: object) -> None:
    """Stop watching these objects (those not watched are ignored)."""
    for thing in things:
        _WATCHED.pop(id(thing), None)


class TrackedLoader(DataLoader):
    """A DataLoader that tells its tracker (if it has one) when a pass over it starts and ends."""

    def __iter__(self):
        watched = watcher(self)
        if watched is None:
            yield from self._batches()
            return
        tracker, facts = watched
        tracker.enter(facts["role"])
        yield from self._batches()
        tracker.leave(facts["role"])

    def _batches(self):
        """The batches DataLoader gives, for the judge's TensorDataset without torch's per-sample collation.

        The same draws from the loader's generator in the same order (the seed DataLoader draws for its workers,
        then the sampler's permutation), and the same tensors: a batch is the dataset's rows at the sampler's
        indices, as collating them one by one stacks them (a few times faster on the scenarios' small batches).
        """
        lean = type(self.dataset) is TensorDataset and self.collate_fn is default_collate and self.num_workers == 0
        if not (lean and self.batch_sampler is not None):
            yield from super().__iter__()
            return
        indices = iter(self.batch_sampler)
        _empty((), dtype=_int64).random_(generator=self.generator)
        tensors = self.dataset.tensors
        for batch in indices:
            rows = _as_tensor(batch, dtype=_int64)
            yield [tensor[rows] for tensor in tensors]
