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
_WATCHES = {
    "train_on_valid": ("valid_train",),
    "grad_on_valid": ("valid_grad",),
    "eval_on_train": ("train_eval",),
    "any_rule": ("valid_train", "valid_grad", "train_eval"),
}
_KEY_RANGE = 2_147_483_647


def row_keys(x: torch.Tensor) -> torch.Tensor:
    """An integer per sample, from its (flattened) input values: the seed of its dropout mask.

    Computed in NumPy on the values read with torch functions off (a few microseconds on the small batches of the
    scenarios, where torch's per-operation cost made this most of a forward); the same integers as the same formula
    in torch: round(x * 4096) mod 1000003, weighted by 7919 * (feature number) mod 1000003, summed, mod 2**31 - 1.
    """
    flat = numbers(x).reshape(x.shape[0], -1)
    quantised = np.round(flat * 4096.0).astype(np.int64) % 1_000_003
    weights = np.arange(1, flat.shape[1] + 1, dtype=np.int64) * 7919 % 1_000_003
    return torch.from_numpy((quantised * weights).sum(axis=1) % 2_147_483_647)


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
        rng = default_rng(seed)
        with torch.no_grad():
            for layer in (self.hidden, self.output):
                bound = 1.0 / math.sqrt(layer.in_features)
                layer.weight.copy_(torch.tensor(rng.uniform(-bound, bound, layer.weight.shape), dtype=torch.float32))
                layer.bias.copy_(torch.tensor(rng.uniform(-bound, bound, layer.bias.shape), dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        armed = self.__dict__.get("_armed")
        if armed is not None and not armed(self):
            # An armed model (see arm) whose layers answer through another class or forward would answer as if never probed.
            raise RuntimeError("the grader's model was given another class or forward: a trainer must use the model as it is handed over")
        watched = watcher(self)
        if watched is not None:
            tracker, facts = watched
            tracker.saw_forward(self.training)
            if facts.get("script") is not None and tracker.phase == "valid":
                return self._scripted(x, tracker, facts["script"], facts["criterion"])
        z = self.hidden(x)
        a = torch.sigmoid(z) if self.activation == "sigmoid" else nn.functional.leaky_relu(z)
        return self.output(self.dropout(a, row_keys(x)))

    def _scripted(self, x: torch.Tensor, tracker: Tracker, script: list[float], criterion: str) -> torch.Tensor:
        """Outputs chosen so that the loss against zero targets is this epoch's scripted value."""
        epoch = max(tracker.train_passes - 1, 0)
        value = script[min(epoch, len(script) - 1)]
        # For MSE with target 0 the loss is c**2; for BCE-with-logits it is log(1 + e**c).
        c = math.sqrt(value) if criterion == "mse" else math.log(math.expm1(value))
        anchor = sum(p.sum() for p in self.parameters()) * 0.0  # keeps the output in the graph, as a real one is
        return torch.full((x.shape[0], self.output.out_features), c, dtype=torch.float32) + anchor


def _decoys(keys: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
    """As many keys as ``keys``, none of them a key of ``rows``: what a rule that is not probed watches."""
    for offset in range(1, 1000):
        decoys = (keys + offset * 7_919) % _KEY_RANGE
        if not isin(decoys, rows).any():
            return decoys
    raise ValueError("no decoy keys: choose other seeds for this scenario")  # a scenario's design error, never a student's


def arm(
    model: JudgeNet,
    kind: str | None,
    train_rows: torch.Tensor,
    valid_rows: torch.Tensor,
    _linear=nn.Linear.forward,
    _keys=row_keys,
    _isin=isin,
    _grad=grad_enabled,
    _tensor=torch.tensor,
) -> None:
    """Make ``model`` a probe of ``kind`` (one of :data:`PROBES`), or, with ``None``, the same model with nothing probed.

    Both get a first layer of a class of its own, whose forward watches three sets of row keys (validation rows in
    training mode, validation rows with gradients enabled, training rows in eval mode) and shifts the pre-activations of
    the rows that break a watched rule: the probed rules watch the scenario's rows, the others decoy keys of as many
    rows that match none. So the scenario's own run and its probes look alike to the trainer, and nothing on the model
    says which run it is: no attribute to clear, no buffer (a trainer that zeroes every tensor it finds changes its
    dropout, not the probe). Training mode is the layer's own flag, which model.train() and model.eval() set. The
    probe is in the first layer, so a trainer that calls the layers one by one meets it too. The functions it needs
    were bound when this module was loaded, before any student code (the defaults above).
    """
    if kind is not None and kind not in PROBES:
        raise ValueError(f"unknown probe {kind!r}; the probes are {', '.join(PROBES)}")
    valid, train = _keys(valid_rows), _keys(train_rows)
    every = torch.cat([train, valid])
    if _isin(train, valid).any():  # a scenario's design error, never a student's
        raise ValueError("a probe scenario's training and validation rows share a row key: choose other seeds")
    probed = _WATCHES.get(kind, ())
    # Sets of Python ints: a membership test per row costs less than torch.isin on batches of a few rows.
    valid_keys, valid_decoys = frozenset(valid.tolist()), frozenset(_decoys(valid, every).tolist())
    train_keys, train_decoys = frozenset(train.tolist()), frozenset(_decoys(train, every).tolist())
    watched_valid_train = valid_keys if "valid_train" in probed else valid_decoys
    watched_valid_grad = valid_keys if "valid_grad" in probed else valid_decoys
    watched_train_eval = train_keys if "train_eval" in probed else train_decoys

    def forward(self: nn.Linear, x: torch.Tensor) -> torch.Tensor:
        z = _linear(self, x)
        keys = _keys(x).tolist()
        watched = watched_valid_train if self.training else watched_train_eval
        grad = _grad()
        rows = [float(key in watched or (grad and key in watched_valid_grad)) for key in keys]
        return z + PROBE_SHIFT * _tensor(rows, dtype=z.dtype)[:, None]

    layer = model.hidden
    base = type(layer)
    armed = type(base.__name__, (base,), {"forward": forward, "__module__": base.__module__, "__qualname__": base.__qualname__})
    layer.__class__ = armed

    def intact(net: JudgeNet) -> bool:
        """The model still answers through the armed layer's own class and forward."""
        first = net.hidden
        return type(first) is armed and type(first).forward is forward and "forward" not in first.__dict__

    model._armed = intact


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
