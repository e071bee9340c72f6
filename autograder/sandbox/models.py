"""The judge's own models, optimizers and criteria, built from a plain spec, and their parameters as arrays.

Initial weights come from a seed. The judge's models use :class:`KeyedDropout`,
a dropout whose mask is a function of the input row rather than of a random
generator: train and eval modes still differ (that is what the graders look
at), but a student who draws random numbers elsewhere, or runs a batch
through the model twice, does not shift the masks of later batches.
:class:`JudgeNet` reports its forwards to the tracker watching it (see
:mod:`autograder.sandbox.observe`).

Who may import it: the sandbox's scenario modules (:mod:`autograder.sandbox.runners`) and the hidden graders.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from autograder.sandbox.capture import OPTIMIZER_STEPS, default_rng, grad_enabled, isin, numbers
from autograder.sandbox.observe import Tracker, watcher

# What a probe model does differently, and to which rows: each shifts the output of those rows by a large constant,
# so that a trainer that breaks the rule returns other numbers than the same trainer in the same scenario without
# the probe (the judge compares the two runs: a record kept here could be forged, the numbers the trainer returns
# and the weights it leaves are what the judge checks).
PROBES = {
    "train_on_valid": "validation rows, in training mode",
    "grad_on_valid": "validation rows, with gradients enabled",
    "eval_on_train": "training rows, in evaluation mode",
    # All three at once: a right trainer returns the scenario's numbers in this one run, so the judge needs the
    # single-rule probes only to name the rule a trainer broke (one run per scenario instead of three).
    "any_rule": "validation rows in training mode or with gradients enabled, and training rows in evaluation mode",
}
PROBE_SHIFT = 1000.0


def row_keys(x: torch.Tensor) -> torch.Tensor:
    """An integer per sample, from its (flattened) input values: the seed of its dropout mask."""
    flat = x.detach().reshape(x.shape[0], -1).to(torch.float64)
    quantised = torch.round(flat * 4096.0).to(torch.int64) % 1_000_003
    weights = torch.arange(1, flat.shape[1] + 1, dtype=torch.int64) * 7919 % 1_000_003
    return (quantised * weights).sum(dim=1) % 2_147_483_647


class KeyedDropout(nn.Module):
    """Inverted dropout whose mask depends only on the sample and the unit, not on a random generator."""

    def __init__(self, p: float, width: int, seed: int) -> None:
        super().__init__()
        self.p = p
        rng = default_rng(seed)
        self.register_buffer("mult", torch.tensor(rng.integers(1, 2_147_483_646, size=width), dtype=torch.int64))
        self.register_buffer("shift", torch.tensor(rng.integers(0, 2_147_483_646, size=width), dtype=torch.int64))

    def forward(self, h: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return h
        hashed = (keys[:, None] * self.mult[None, :] + self.shift[None, :]) % 2_147_483_647
        keep = (hashed.to(torch.float64) / 2_147_483_647.0 >= self.p).to(h.dtype)
        return h * keep / (1.0 - self.p)


class JudgeNet(nn.Module):
    """Linear, activation, keyed dropout, Linear: the judge's own model, weights from a seed.

    Inputs of any shape (batch, ...) are used as given: a trainer that should
    flatten images but doesn't will hit a shape error here, as it would with
    the chapter's classifier.
    """

    def __init__(self, inputs: int, hidden: int, outputs: int, activation: str, p: float, seed: int) -> None:
        super().__init__()
        self.hidden = nn.Linear(inputs, hidden)
        self.output = nn.Linear(hidden, outputs)
        self.activation = activation
        self.dropout = KeyedDropout(p, hidden, seed + 1)
        self.probe: str | None = None
        self.probe_keys = torch.zeros(0, dtype=torch.int64)
        rng = default_rng(seed)
        with torch.no_grad():
            for layer in (self.hidden, self.output):
                bound = 1.0 / math.sqrt(layer.in_features)
                layer.weight.copy_(torch.tensor(rng.uniform(-bound, bound, layer.weight.shape), dtype=torch.float32))
                layer.bias.copy_(torch.tensor(rng.uniform(-bound, bound, layer.bias.shape), dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        watched = watcher(self)
        if watched is not None:
            tracker, facts = watched
            tracker.saw_forward(self.training)
            if facts.get("script") is not None and tracker.phase == "valid":
                return self._scripted(x, tracker, facts["script"], facts["criterion"])
        z = self.hidden(x)
        a = torch.sigmoid(z) if self.activation == "sigmoid" else nn.functional.leaky_relu(z)
        out = self.output(self.dropout(a, row_keys(x)))
        return out if self.probe is None else self._probed(x, out)

    def set_probe(self, kind: str, valid_rows: torch.Tensor) -> None:
        """Make this a probe model of ``kind`` (one of :data:`PROBES`); ``valid_rows`` are the validation inputs."""
        if kind not in PROBES:
            raise ValueError(f"unknown probe {kind!r}; the probes are {', '.join(PROBES)}")
        self.probe, self.probe_keys = kind, row_keys(valid_rows)

    def _probed(self, x: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
        """``out`` with :data:`PROBE_SHIFT` added to the rows the probe watches, when they break its rule."""
        valid = isin(row_keys(x), self.probe_keys)
        if self.probe == "train_on_valid":
            rows = valid if self.training else torch.zeros_like(valid)
        elif self.probe == "grad_on_valid":
            rows = valid if grad_enabled() else torch.zeros_like(valid)
        elif self.probe == "eval_on_train":
            rows = ~valid if not self.training else torch.zeros_like(valid)
        else:  # any_rule: the union of the three
            rows = torch.zeros_like(valid)
            if self.training or grad_enabled():
                rows = rows | valid
            if not self.training:
                rows = rows | ~valid
        return out + PROBE_SHIFT * rows[:, None].to(out.dtype)

    def _scripted(self, x: torch.Tensor, tracker: Tracker, script: list[float], criterion: str) -> torch.Tensor:
        """Outputs chosen so that the loss against zero targets is this epoch's scripted value."""
        epoch = max(tracker.train_passes - 1, 0)
        value = script[min(epoch, len(script) - 1)]
        # For MSE with target 0 the loss is c**2; for BCE-with-logits it is log(1 + e**c).
        c = math.sqrt(value) if criterion == "mse" else math.log(math.expm1(value))
        anchor = sum(p.sum() for p in self.parameters()) * 0.0  # keeps the output in the graph, as a real one is
        return torch.full((x.shape[0], self.output.out_features), c, dtype=torch.float32) + anchor


class GainedNet(nn.Module):
    """The judge's model times a learnable gain: a bare ``nn.Parameter`` that belongs to no ``nn.Linear``."""

    def __init__(self, net: nn.Module, gain: float) -> None:
        super().__init__()
        self.net = net
        self.gain = nn.Parameter(torch.tensor([gain]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x) * self.gain


def parameters_of(model: nn.Module) -> dict[str, np.ndarray]:
    """The model's parameters as float64 arrays, by state_dict name."""
    return {name: numbers(p) for name, p in model.named_parameters()}


def build_model(spec: dict, inputs: int) -> JudgeNet:
    return JudgeNet(inputs, spec["hidden"], 1, spec.get("activation", "sigmoid"), spec.get("dropout", 0.0), spec["seed"])


def _captured_step(base: type, optimizer: torch.optim.Optimizer, closure: object) -> object:
    """``base``'s step as it was before any student code ran (see ``capture.OPTIMIZER_STEPS``)."""
    return OPTIMIZER_STEPS.get(base, base.step)(optimizer, closure)


class JudgeSGD(torch.optim.SGD):
    """torch's SGD, stepping with the step it had before student code ran: a patch of ``torch.optim.SGD.step`` is not its."""

    def step(self, closure=None):
        return _captured_step(torch.optim.SGD, self, closure)


class JudgeAdam(torch.optim.Adam):
    """torch's Adam, stepping with the step it had before student code ran: a patch of ``torch.optim.Adam.step`` is not its."""

    def step(self, closure=None):
        return _captured_step(torch.optim.Adam, self, closure)


# torch wraps an optimizer class's step in its hook-running profiler the first time one is built, rebinding the class
# attribute (which the tamper check would see in the child); marked as done, these keep their own step, and a hook a
# submission registers on the optimizers never runs in the judge's.
JudgeSGD.step.hooked = True
JudgeAdam.step.hooked = True


def build_optimizer(spec: dict, model: nn.Module) -> torch.optim.Optimizer:
    name = spec["name"]
    options = {"lr": spec["lr"], "weight_decay": spec.get("weight_decay", 0.0)}
    if name == "sgd":
        return JudgeSGD(model.parameters(), momentum=spec.get("momentum", 0.0), **options)
    if name == "adam":
        return JudgeAdam(model.parameters(), **options)
    raise ValueError(f"unknown optimizer {name!r}")


def build_criterion(name: str) -> nn.Module:
    """The loss a scenario names: the chapter's two, and others for a function that must use the criterion it is given
    (L1 for regression, BCE with a weight on the positive class for logits)."""
    if name == "bce_weighted":
        return nn.BCEWithLogitsLoss(pos_weight=torch.tensor(3.0))
    return {"mse": nn.MSELoss(), "bce": nn.BCEWithLogitsLoss(), "l1": nn.L1Loss()}[name]


def build_l2_model(spec: dict, inputs: int) -> nn.Module:
    """The model of an l2 scenario: the judge's model, wrapped with a gain when the spec gives one."""
    model = build_model(spec["model"], inputs)
    return model if spec.get("gain") is None else GainedNet(model, spec["gain"])
