"""Scenarios: build the judge's data, model and optimizer from a plain spec, call a function, report plain data.

The same code runs on both sides of the sandbox. In the child it calls the
student's function; in the judge it calls the reference solution (or a
known-mistake variant of it) on the very same scenario. Because data, initial
weights, batch order and dropout masks all come from the spec, the two runs
are comparable number for number.

Nothing here is secret: which scenarios the graders use, and what the
reference gives, live with the hidden graders.

The judge's models use :class:`KeyedDropout`, a dropout whose mask is a
function of the input row rather than of a random generator: train and eval
modes still differ (that is what the graders look at), but a student who
draws random numbers elsewhere, or runs a batch through the model twice,
does not shift the masks of later batches.
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

STDOUT_LIMIT = 20_000

# Captured when the fork server imports this module, before any student code runs. A submission that
# replaces torch.manual_seed, torch.rand, torch.equal, torch.Generator, NumPy's default_rng or the
# grad-mode queries changes what its own code calls, not the data this module builds, the seeds it
# sets or what it measures. (Code that deliberately patches this module itself is another matter:
# see the README's security model.)
_default_rng = np.random.default_rng
_Generator = torch.Generator
_rand = torch.rand
_equal = torch.equal
_detach = torch.Tensor.detach
_seed_torch = torch._C.default_generator.manual_seed
_grad_enabled = torch.is_grad_enabled
_inference_mode = torch.is_inference_mode_enabled


def configure_torch() -> None:
    """One thread, so that the judge and the child compute bit for bit alike (and forking stays safe)."""
    torch.set_num_threads(1)
    with contextlib.suppress(RuntimeError):  # can only be set once per process
        torch.set_num_interop_threads(1)


# ---------------------------------------------------------------- captured output


class BoundedText(io.StringIO):
    """A text buffer that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit: int = STDOUT_LIMIT) -> None:
        super().__init__()
        self.limit = limit
        self.dropped = 0

    def write(self, text: str) -> int:
        text = str(text)
        room = self.limit - self.tell()
        if room > 0:
            super().write(text[:room])
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def text(self) -> str:
        value = self.getvalue()
        return value + (f"\n[... {self.dropped} more characters not kept]" if self.dropped else "")


@contextlib.contextmanager
def captured_stdout():
    """Collect what the code under test prints (bounded)."""
    buffer = BoundedText()
    with contextlib.redirect_stdout(buffer):
        yield buffer


# ---------------------------------------------------------------- data


def regression_data(seed: int, n: int, features: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A smooth target with noise: X (n, features) in [-2, 2], y (n,), both float32."""
    rng = _default_rng(seed)
    X = rng.uniform(-2.0, 2.0, size=(n, features))
    y = np.sin(X).sum(axis=1) + 0.5 * X[:, 0] ** 2 + 0.3 * rng.standard_normal(n)
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)


def image_data(seed: int, n: int, side: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Small two-class "images": X (n, side, side) float32 in [0, 1], y (n,) int64 labels 0/1."""
    rng = _default_rng(seed)
    labels = rng.integers(0, 2, size=n)
    pattern = rng.uniform(0.0, 1.0, size=(2, side, side))
    X = 0.6 * pattern[labels] + 0.4 * rng.uniform(0.0, 1.0, size=(n, side, side))
    return torch.tensor(X, dtype=torch.float32), torch.tensor(labels, dtype=torch.int64)


def _digits_csv():
    """scikit-learn's bundled digits file, found without importing scikit-learn (two seconds saved per process)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("scikit-learn is not installed: the digits data set ships with it")
    return Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "digits.csv.gz"


def digits_data(digits: tuple[int, int] = (3, 8), valid_fraction: float = 0.25, seed: int = 0):
    """scikit-learn's bundled 8x8 digits as a two-class problem, split per class with a fixed seed.

    Returns (X_train, y_train, X_valid, y_valid): images (n, 8, 8) float32 in
    [0, 1] and int64 labels (1 for the second digit).
    """
    table = np.loadtxt(_digits_csv(), delimiter=",")
    images, target = table[:, :64].reshape(-1, 8, 8) / 16.0, table[:, 64].astype(int)
    rng = _default_rng(seed)
    train, valid = [], []
    for digit in digits:
        rows = rng.permutation(np.flatnonzero(target == digit))
        cut = round(len(rows) * valid_fraction)
        valid.append(rows[:cut])
        train.append(rows[cut:])
    train, valid = rng.permutation(np.concatenate(train)), np.concatenate(valid)

    def tensors(rows):
        return torch.tensor(images[rows], dtype=torch.float32), torch.tensor(target[rows] == digits[1], dtype=torch.int64)

    return (*tensors(train), *tensors(valid))


# ---------------------------------------------------------------- observing what the student's loop does


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
            self._snapshot = [_detach(p).clone() for p in self.model.parameters()]

    def leave(self, role: str) -> None:
        if self.phase == role:
            self._close_validation()
            self.phase = "outside"

    def _close_validation(self) -> None:
        if self._snapshot is not None:
            now = [_detach(p) for p in self.model.parameters()]
            if any(not _equal(a, b) for a, b in zip(self._snapshot, now)):
                self.valid_param_changes += 1
            self._snapshot = None

    def saw_forward(self, training: bool) -> None:
        grad = "grad" if _grad_enabled() and not _inference_mode() else "nograd"
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


def _watch(thing: object, tracker: Tracker, **facts: Any) -> None:
    _WATCHED[id(thing)] = (thing, tracker, facts)


def _watcher(thing: object) -> tuple[Tracker, dict] | None:
    entry = _WATCHED.get(id(thing))
    return (entry[1], entry[2]) if entry is not None and entry[0] is thing else None


class TrackedLoader(DataLoader):
    """A DataLoader that tells its tracker (if it has one) when a pass over it starts and ends."""

    def __iter__(self):
        watched = _watcher(self)
        if watched is None:
            yield from super().__iter__()
            return
        tracker, facts = watched
        tracker.enter(facts["role"])
        yield from super().__iter__()
        tracker.leave(facts["role"])


# ---------------------------------------------------------------- the judge's models


def _row_keys(x: torch.Tensor) -> torch.Tensor:
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
        rng = _default_rng(seed)
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
        rng = _default_rng(seed)
        with torch.no_grad():
            for layer in (self.hidden, self.output):
                bound = 1.0 / math.sqrt(layer.in_features)
                layer.weight.copy_(torch.tensor(rng.uniform(-bound, bound, layer.weight.shape), dtype=torch.float32))
                layer.bias.copy_(torch.tensor(rng.uniform(-bound, bound, layer.bias.shape), dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        watched = _watcher(self)
        if watched is not None:
            tracker, facts = watched
            tracker.saw_forward(self.training)
            if facts.get("script") is not None and tracker.phase == "valid":
                return self._scripted(x, tracker, facts["script"], facts["criterion"])
        z = self.hidden(x)
        a = torch.sigmoid(z) if self.activation == "sigmoid" else nn.functional.leaky_relu(z)
        return self.output(self.dropout(a, _row_keys(x)))

    def _scripted(self, x: torch.Tensor, tracker: Tracker, script: list[float], criterion: str) -> torch.Tensor:
        """Outputs chosen so that the loss against zero targets is this epoch's scripted value."""
        epoch = max(tracker.train_passes - 1, 0)
        value = script[min(epoch, len(script) - 1)]
        # For MSE with target 0 the loss is c**2; for BCE-with-logits it is log(1 + e**c).
        c = math.sqrt(value) if criterion == "mse" else math.log(math.expm1(value))
        anchor = sum(p.sum() for p in self.parameters()) * 0.0  # keeps the output in the graph, as a real one is
        return torch.full((x.shape[0], self.output.out_features), c, dtype=torch.float32) + anchor


def parameters_of(model: nn.Module) -> dict[str, np.ndarray]:
    """The model's parameters as float64 arrays, by state_dict name."""
    return {name: p.detach().to(torch.float64).numpy().copy() for name, p in model.named_parameters()}


# ---------------------------------------------------------------- building a scenario


def build_data(spec: dict) -> tuple[torch.Tensor, ...]:
    """(X_train, y_train, X_valid, y_valid) for a data spec."""
    kind = spec["kind"]
    n_train, n_valid = spec["n_train"], spec.get("n_valid", 0)
    if kind == "regression":
        X, y = regression_data(spec["seed"], n_train + n_valid, spec["features"])
    elif kind == "images":
        X, y = image_data(spec["seed"], n_train + n_valid, spec["side"])
    elif kind == "digits":
        return digits_data(seed=spec["seed"])
    else:
        raise ValueError(f"unknown data kind {kind!r}")
    if spec.get("valid_targets") == "zeros":  # scripted validation: targets 0 make the loss the script
        y = y.clone()
        y[n_train:] = 0
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def build_model(spec: dict, inputs: int) -> JudgeNet:
    return JudgeNet(inputs, spec["hidden"], 1, spec.get("activation", "sigmoid"), spec.get("dropout", 0.0), spec["seed"])


def build_optimizer(spec: dict, model: nn.Module) -> torch.optim.Optimizer:
    name = spec["name"]
    options = {"lr": spec["lr"], "weight_decay": spec.get("weight_decay", 0.0)}
    if name == "sgd":
        return torch.optim.SGD(model.parameters(), momentum=spec.get("momentum", 0.0), **options)
    if name == "adam":
        return torch.optim.Adam(model.parameters(), **options)
    raise ValueError(f"unknown optimizer {name!r}")


def build_criterion(name: str) -> nn.Module:
    return {"mse": nn.MSELoss(), "bce": nn.BCEWithLogitsLoss()}[name]


# ---------------------------------------------------------------- runners


def run_trainer(spec: dict, trainer: Callable) -> dict:
    """Run a trainer (any of the four) on the judge's scenario and report what it did.

    Returns:
        {"returned": the trainer's return value, "params": final parameters,
        "observations": the tracker's report, "stdout": what it printed}.
    """
    X_train, y_train, X_valid, y_valid = build_data(spec["data"])
    inputs = int(np.prod(X_train.shape[1:]))
    model = build_model(spec["model"], inputs)
    if spec["model"].get("handed_over") == "eval":  # as after someone evaluated it: the trainer must switch to train mode itself
        model.eval()
    tracker = Tracker(model)
    _watch(model, tracker, script=spec.get("script"), criterion=spec["criterion"])
    optimizer = build_optimizer(spec["optimizer"], model)
    tracker.watch_optimizer(optimizer)
    shuffle = _Generator().manual_seed(spec["shuffle_seed"])
    batch = spec["data"]["batch_size"]
    trainloader = TrackedLoader(TensorDataset(X_train, y_train), batch_size=batch, shuffle=True, generator=shuffle)
    _watch(trainloader, tracker, role="train")
    args: list[Any] = [model, build_criterion(spec["criterion"]), optimizer, trainloader]
    if spec.get("validation", True):
        valid_batch = spec["data"].get("valid_batch_size", batch)
        args.append(TrackedLoader(TensorDataset(X_valid, y_valid), batch_size=valid_batch))
        _watch(args[-1], tracker, role="valid")
    try:
        with captured_stdout() as out:
            returned = trainer(*args, **spec.get("kwargs", {}))
    finally:
        for thing in (model, *args[3:]):
            _WATCHED.pop(id(thing), None)
    return {
        "returned": returned,
        "params": parameters_of(model),
        "observations": tracker.report(),
        "stdout": out.text(),
    }


def run_train_step(spec: dict, train_step: Callable) -> dict:
    """Call ``train_step`` on the first few batches in order; report each return value and the final weights."""
    X_train, y_train, _, _ = build_data(spec["data"])
    model = build_model(spec["model"], X_train.shape[1])
    tracker = Tracker(model)
    optimizer = build_optimizer(spec["optimizer"], model)
    tracker.watch_optimizer(optimizer)
    criterion = build_criterion(spec["criterion"])
    batch = spec["data"]["batch_size"]
    returned, kinds, params = [], [], []
    with captured_stdout() as out:
        for start in range(0, spec["steps"] * batch, batch):
            value = train_step(model, criterion, optimizer, X_train[start : start + batch], y_train[start : start + batch])
            returned.append(value)
            kinds.append(_kind(value))
            params.append(parameters_of(model))
    return {"returned": returned, "kinds": kinds, "params": params, "observations": tracker.report(), "stdout": out.text()}


def _kind(value: object) -> str:
    """A short description of a return value's type, for messages such as "returned a Tensor"."""
    if isinstance(value, torch.Tensor):
        return "tensor-with-graph" if value.grad_fn is not None else "tensor"
    return type(value).__name__ if type(value) in (float, int, bool, str, list, tuple, dict) else "other:" + type(value).__name__


def run_dropout(spec: dict, dropout: Callable) -> dict:
    """Call the student's dropout on a seeded positive tensor and report values, gradients and side effects.

    The three calls whose masks are compared (first, second, and a replay after reseeding) each get a
    fresh copy of the same plain tensor, as dropout gets activations in a network, so that a dropout
    that changes its input in place is seen doing so (``x_changed``) and still judged on its masks.
    A fourth call, on a leaf tensor that requires grad, measures the gradient that flows back to x.
    """
    generator = _Generator().manual_seed(spec["data_seed"])
    base = _rand(spec["shape"], generator=generator) + 0.5  # no zeros of its own
    options = {"p": spec["p"], "training": spec["training"]}
    inputs = [base.clone() for _ in range(3)]
    _seed_torch(spec["seed"])
    first = dropout(inputs[0], **options)
    second = dropout(inputs[1], **options)
    _seed_torch(spec["seed"])
    replay = dropout(inputs[2], **options)
    report: dict[str, Any] = {"x": base.to(torch.float64).numpy(), "kind": _kind(first)}
    if not isinstance(first, torch.Tensor):
        return report
    report["x_changed"] = any(not _equal(x, base) for x in inputs)
    report["first"] = first.detach().to(torch.float64).numpy()
    report["second"] = second.detach().to(torch.float64).numpy() if isinstance(second, torch.Tensor) else None
    report["replay"] = replay.detach().to(torch.float64).numpy() if isinstance(replay, torch.Tensor) else None
    report["shape"] = list(first.shape)
    report["dtype"] = str(first.dtype)
    report["grad"] = None
    leaf = base.clone().requires_grad_(True)
    _seed_torch(spec["seed"] + 1)
    try:
        out = dropout(leaf, **options)
    except Exception as error:  # noqa: BLE001 - reported by type: for instance an in-place change of a leaf that requires grad
        report["grad_error"] = type(error).__name__
        return report
    if isinstance(out, torch.Tensor) and out.requires_grad and tuple(out.shape) == tuple(base.shape):
        report["grad_out"] = out.detach().to(torch.float64).numpy()
        (out * torch.arange(out.numel(), dtype=out.dtype).reshape(out.shape).remainder(7).add(1)).sum().backward()
        report["grad"] = None if leaf.grad is None else leaf.grad.to(torch.float64).numpy()
    return report


class GainedNet(nn.Module):
    """The judge's model times a learnable gain: a bare ``nn.Parameter`` that belongs to no ``nn.Linear``."""

    def __init__(self, net: nn.Module, gain: float) -> None:
        super().__init__()
        self.net = net
        self.gain = nn.Parameter(torch.tensor([gain]))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x) * self.gain


def build_l2_model(spec: dict, inputs: int) -> nn.Module:
    """The model of an l2 scenario: the judge's model, wrapped with a gain when the spec gives one."""
    model = build_model(spec["model"], inputs)
    return model if spec.get("gain") is None else GainedNet(model, spec["gain"])


def run_l2(spec: dict, l2_penalty: Callable) -> dict:
    """The penalty's value and nature, then one SGD step on MSE + penalty."""
    X, y, _, _ = build_data(spec["data"])
    model = build_l2_model(spec, X.shape[1])
    penalty = l2_penalty(model, spec["lam"])
    report: dict[str, Any] = {"kind": _kind(penalty)}
    if isinstance(penalty, torch.Tensor):
        report["value"] = penalty.detach().to(torch.float64).numpy()
        report["requires_grad"] = bool(penalty.requires_grad)
    elif isinstance(penalty, (int, float)):
        report["value"] = float(penalty)
    optimizer = torch.optim.SGD(model.parameters(), lr=spec["lr"])
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(X).flatten(), y) + penalty
    loss.backward()
    optimizer.step()
    report["params"] = parameters_of(model)
    return report


def weight_decay_step(spec: dict) -> dict[str, np.ndarray]:
    """The judge's answer for :func:`run_l2`: one step of ``SGD(weight_decay=lam)`` on the MSE alone."""
    X, y, _, _ = build_data(spec["data"])
    model = build_l2_model(spec, X.shape[1])
    optimizer = torch.optim.SGD(model.parameters(), lr=spec["lr"], weight_decay=spec["lam"])
    optimizer.zero_grad()
    nn.functional.mse_loss(model(X).flatten(), y).backward()
    optimizer.step()
    return parameters_of(model)


def _leaves(model: nn.Module, example: torch.Tensor | None = None) -> list[nn.Module]:
    """The model's leaf modules in the order its forward calls them (registration order without an example).

    A student's own nn.Module may create its output layer before its hidden one, or a Flatten last and
    use it first: what the network computes is the call order. Leaves never called come last, in
    registration order; if the forward raises, registration order it is (the graders report the error).
    """
    leaves = [m for m in model.modules() if not any(True for _ in m.children())]
    if example is None:
        return leaves
    called: dict[int, nn.Module] = {}  # by id, in the order of first call

    def note(module: nn.Module, *_: Any) -> None:
        called.setdefault(id(module), module)

    hooks = [leaf.register_forward_hook(note) for leaf in leaves]
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(example)
    except Exception:  # noqa: BLE001 - the student's forward; its error shows in the graders' own calls
        return leaves
    finally:
        for hook in hooks:
            hook.remove()
        model.train(was_training)
    return [*called.values(), *(m for m in leaves if id(m) not in called)]


def _linear_layers(leaves: list[nn.Module]) -> list[nn.Linear]:
    return [m for m in leaves if isinstance(m, nn.Linear)]


def layer_summary(leaves: list[nn.Module]) -> list[dict]:
    """Leaf modules (as :func:`_leaves` orders them), each with the facts the graders check."""
    summary = []
    for module in leaves:
        entry: dict[str, Any] = {"type": type(module).__name__}
        if isinstance(module, nn.Linear):
            entry.update(in_features=module.in_features, out_features=module.out_features, bias=module.bias is not None)
        elif isinstance(module, nn.LeakyReLU):
            entry["negative_slope"] = float(module.negative_slope)
        elif isinstance(module, nn.Dropout):
            entry["p"] = float(module.p)
        summary.append(entry)
    return summary


def run_network(spec: dict, network: Callable) -> dict:
    """Build the student's dropout network, give it known weights, and watch it in eval and train mode.

    The output layer is set to the identity plus a constant ``offset`` (so
    ``output_size == hidden_size``): then each output element shows directly
    whether its hidden unit was dropped (it equals the offset) or kept (it
    equals activation / (1 - p) + offset), whatever way the mask was drawn.
    """
    inputs, hidden, p = spec["inputs"], spec["hidden"], spec["p"]
    _seed_torch(spec["seed"])
    model = network(inputs, hidden, hidden, p=p)
    report: dict[str, Any] = {"kind": _kind(model), "is_module": isinstance(model, nn.Module)}
    if not isinstance(model, nn.Module):
        return report
    X = torch.tensor(spec["X"], dtype=torch.float32)
    leaves = _leaves(model, X)  # one probe forward, shared by both
    report["layers"] = layer_summary(leaves)
    linears = _linear_layers(leaves)
    report["linear_shapes"] = [list(layer.weight.shape) for layer in linears]
    if len(linears) != 2:
        return report
    first, last = linears
    with torch.no_grad():
        first.weight.copy_(torch.tensor(spec["W1"], dtype=torch.float32))
        first.bias.copy_(torch.tensor(spec["b1"], dtype=torch.float32))
        last.weight.copy_(torch.eye(hidden))
        last.bias.fill_(spec["offset"])
    model.eval()
    with torch.no_grad():
        report["eval"] = [model(X).to(torch.float64).numpy(), model(X).to(torch.float64).numpy()]
    model.train()
    _seed_torch(spec["seed"] + 1)
    with torch.no_grad():
        report["train"] = model(X).to(torch.float64).numpy()
    return report


def run_linear_block(spec: dict, linear_block: Callable) -> dict:
    """The student's block: its layers, and its eval-mode output for known weights."""
    block = linear_block(spec["inputs"], spec["outputs"], p=spec["p"])
    report: dict[str, Any] = {"kind": _kind(block), "is_sequential": isinstance(block, nn.Sequential)}
    if not isinstance(block, nn.Module):
        return report
    leaves = _leaves(block)
    report["layers"] = layer_summary(leaves)
    report["children"] = [type(child).__name__ for child in block.children()]
    linears = _linear_layers(leaves)
    if len(linears) == 1 and list(linears[0].weight.shape) == [spec["outputs"], spec["inputs"]]:
        with torch.no_grad():
            linears[0].weight.copy_(torch.tensor(spec["W"], dtype=torch.float32))
            linears[0].bias.copy_(torch.tensor(spec["b"], dtype=torch.float32))
        block.eval()
        with torch.no_grad():
            report["eval"] = block(torch.tensor(spec["X"], dtype=torch.float32)).to(torch.float64).numpy()
    return report


def run_classifier(spec: dict, classifier: Callable) -> dict:
    """The student's classifier: layers, blocks, and the shape of its output."""
    _seed_torch(spec["seed"])
    model = classifier(spec["inputs"])
    report: dict[str, Any] = {"kind": _kind(model), "is_module": isinstance(model, nn.Module)}
    if not isinstance(model, nn.Module):
        return report
    X = torch.tensor(spec["X"], dtype=torch.float32)
    report["layers"] = layer_summary(_leaves(model, X))
    report["blocks"] = [[type(m).__name__ for m in child.children()] for child in model.modules() if isinstance(child, nn.Sequential)]
    model.eval()
    with torch.no_grad():
        out = model(X)
        again = model(X)
    report["output_shape"] = list(out.shape)
    report["eval_deterministic"] = bool(_equal(out, again))
    return report


def run_digits(spec: dict, classifier: Callable, trainer: Callable) -> dict:
    """The whole of part 6: the student's classifier trained by the student's trainer on the digits.

    Besides what the trainer returns, reports the trained model's logits on the validation images
    (eval mode, no graph), from which the judge computes the accuracy itself: a trainer that merely
    claims a high accuracy earns nothing.
    """
    X_train, y_train, X_valid, y_valid = digits_data(seed=spec["seed"])
    _seed_torch(spec["seed"])
    model = classifier(int(np.prod(X_train.shape[1:])))
    optimizer = torch.optim.Adam(model.parameters(), lr=spec["lr"])
    shuffle = _Generator().manual_seed(spec["seed"])
    trainloader = DataLoader(TensorDataset(X_train, y_train), batch_size=spec["batch_size"], shuffle=True, generator=shuffle)
    validloader = DataLoader(TensorDataset(X_valid, y_valid), batch_size=spec["batch_size"])
    with captured_stdout() as out:
        history = trainer(
            model, nn.BCEWithLogitsLoss(), optimizer, trainloader, validloader, epochs=spec["epochs"], patience=spec["epochs"]
        )
        model.eval()
        with torch.no_grad():
            logits = model(X_valid.flatten(start_dim=1))
    valid_logits = _detach(logits).to(torch.float64).numpy().copy() if isinstance(logits, torch.Tensor) else None
    return {"returned": history, "stdout": out.text(), "valid_logits": valid_logits}


# Scalar functions for numerical_gradient, written once for NumPy and torch alike (``xp`` is the module):
# smooth, not separable, with gradients that autograd gives exactly.
def _coupled_quadratic(v, xp):
    return xp.sum(v**2) * 0.5 + xp.sum(v[1:] * v[:-1]) + xp.sin(v[0] * v[-1])


def _log_sum_exp(v, xp):
    return xp.log(xp.sum(xp.exp(v))) + v[0] * v[1] ** 3


def _matrix(m, xp):
    return xp.sum(xp.tanh(m @ m.T)) + m[0, 0] * m[-1, -1] ** 2


def _cube(t, xp):
    return xp.sum(xp.sin(t) * xp.cos(t.sum(0))) + xp.sum(t) ** 2 / 4


SCALAR_FUNCTIONS: dict[str, Callable] = {
    "coupled_quadratic": _coupled_quadratic,
    "log_sum_exp": _log_sum_exp,
    "matrix": _matrix,
    "cube": _cube,
}


def run_numerical_gradient(spec: dict, numerical_gradient: Callable) -> dict:
    """Call the student's numerical_gradient on a catalogue function; report the result, x afterwards, f's call count."""
    function = SCALAR_FUNCTIONS[spec["function"]]
    calls = [0]

    def f(v):
        calls[0] += 1
        return float(function(np.asarray(v, dtype=float), np))

    x = np.array(spec["x"], dtype=spec.get("dtype", "float64"))
    if spec.get("order") == "F":  # laid out as a transpose W.T is: not C-contiguous, so its reshape(-1) is a copy
        x = np.asfortranarray(x)
    kwargs = {} if spec.get("h") is None else {"h": spec["h"]}
    result = numerical_gradient(f, x, **kwargs)
    return {"result": result, "x_after": x, "calls": calls[0]}


RUNNERS: dict[str, Callable[..., dict]] = {
    "numerical_gradient": run_numerical_gradient,
    "trainer": run_trainer,
    "train_step": run_train_step,
    "dropout": run_dropout,
    "l2": run_l2,
    "network": run_network,
    "linear_block": run_linear_block,
    "classifier": run_classifier,
    "digits": run_digits,
}
