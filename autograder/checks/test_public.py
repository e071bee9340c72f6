"""Public checks: a few visible tests a student can run on their own ``exercises/``.

They use the chapter's worked examples and simple properties only. Passing
them does not promise full marks: the hidden graders try many more inputs
and behaviours. No hidden test, reference curve or solution is used here.
"""

from __future__ import annotations

import numpy as np
import torch

from autograder.judge import values
from autograder.judge.grading import fail, graded, record, result_of

CHAPTER = {"w1": 1.0, "w2": -1.0, "b1": 1.0, "b2": 2.0, "w3": 1.0, "w4": 2.0, "b3": -1.0}
REGRESSION = {"kind": "regression", "seed": 1, "n_train": 10, "n_valid": 4, "features": 2, "batch_size": 4, "valid_batch_size": 2}


def trainer_spec(kwargs: dict, validation: bool = True, **extra) -> dict:
    spec = {
        "data": REGRESSION,
        "model": {"hidden": 3, "seed": 1},
        "optimizer": {"name": "sgd", "lr": 0.05},
        "criterion": "mse",
        "shuffle_seed": 1,
        "validation": validation,
        "kwargs": kwargs,
    }
    return {**spec, **extra}


def call(submission, target: str, *args, **kwargs):
    return result_of(submission.call(target, *args, **kwargs), target)["result"]


def run(submission, runner: str, targets: list[str], spec: dict):
    return result_of(submission.scenario(runner, targets, spec), targets[-1])


def record_curves(title: str, names: tuple[str, ...], returned: object, stopped: dict | None = None) -> None:
    """Your curves, for the report's picture (there is no reference here: the public checks have none)."""
    if isinstance(returned, dict):
        lists = [returned.get(name) for name in names]
    else:
        lists = [returned] if len(names) == 1 else list(returned or [])
    try:
        curves = {name: values.number_list(entries, name) for name, entries in zip(names, lists)}
    except AssertionError:
        return
    record({"kind": "curves", "title": title, "student": curves, "reference": None, "stopped": stopped or {}})


def chapter_autograd() -> tuple[dict, dict]:
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in CHAPTER.items()}
    a1, a2 = torch.sigmoid(t["w1"] + t["b1"]), torch.sigmoid(t["w2"] + t["b2"])
    y_hat = t["w3"] * a1 + t["w4"] * a2 + t["b3"]
    loss = (y_hat - 3.0) ** 2
    loss.backward()
    forward = {"z1": 2.0, "z2": 1.0, "a1": float(a1), "a2": float(a2), "y_hat": float(y_hat), "loss": float(loss)}
    return forward, {k: float(v.grad) for k, v in t.items()}


@graded("backprop.sigmoid: sigmoid(0) = 0.5, and it works on arrays", points=1, hidden=False)
def test_sigmoid(submission):
    if not values.close(values.number(call(submission, "backprop.sigmoid", 0.0), "sigmoid(0)"), 0.5):
        fail("sigmoid(0) should be 0.5.", module="backprop")
    out = values.array(call(submission, "backprop.sigmoid", np.zeros((2, 3))), "sigmoid of a (2, 3) array")
    if out.shape != (2, 3):
        fail("sigmoid of a (2, 3) array should have shape (2, 3).", module="backprop")


@graded("backprop.forward_pass: the chapter's example", points=1, hidden=False)
def test_forward(submission):
    want, _ = chapter_autograd()
    got = values.mapping(call(submission, "backprop.forward_pass", 1.0, 3.0, CHAPTER), "forward_pass's result", list(want))
    wrong = [k for k in want if not values.close(values.number(got[k], k), want[k], 1e-5)]
    if wrong:
        fail(
            f"On the chapter's example these values are off: {', '.join(f'{k} (expected {want[k]:.4f})' for k in wrong)}.",
            module="backprop",
        )


@graded("backprop.backward_pass: the chapter's example", points=1, hidden=False)
def test_backward(submission):
    _, want = chapter_autograd()
    got = values.mapping(call(submission, "backprop.backward_pass", 1.0, 3.0, CHAPTER), "backward_pass's result", list(want))
    wrong = [k for k in want if not values.close(values.number(got[k], k), want[k], 1e-5)]
    if wrong:
        fail(
            f"On the chapter's example these gradients are off: {', '.join(f'dL/d{k} (expected {want[k]:.4f})' for k in wrong)}.",
            module="backprop",
        )


@graded("backprop.network_gradients: each gradient has its parameter's shape", points=1, hidden=False)
def test_network_gradient_shapes(submission):
    rng = np.random.default_rng(0)
    args = (
        rng.normal(size=(3, 2)),
        rng.normal(size=3),
        rng.normal(size=(4, 2)),
        rng.normal(size=4),
        rng.normal(size=(1, 4)),
        rng.normal(size=1),
    )
    shapes = {"hidden.weight": (4, 2), "hidden.bias": (4,), "output.weight": (1, 4), "output.bias": (1,)}
    got = values.mapping(call(submission, "backprop.network_gradients", *args), "network_gradients's result", list(shapes))
    for key, shape in shapes.items():
        values.array(got[key], f'network_gradients(...)["{key}"] (n=3, d=2, h=4)', shape)


@graded("backprop.numerical_gradient: the gradient of a simple function", points=1, hidden=False)
def test_numerical_gradient(submission):
    report = run(
        submission,
        "numerical_gradient",
        ["backprop.numerical_gradient"],
        {"function": "coupled_quadratic", "x": np.array([0.5, -1.0, 0.25]), "h": None},
    )
    x = torch.tensor([0.5, -1.0, 0.25], dtype=torch.float64, requires_grad=True)
    (0.5 * (x**2).sum() + (x[1:] * x[:-1]).sum() + torch.sin(x[0] * x[-1])).backward()
    got = values.array(report["result"], "numerical_gradient's result", (3,))
    if values.relative_error(got, x.grad.numpy()) > 1e-6:
        fail(
            "Your estimate is far from the exact gradient of a smooth function.",
            hint="centred differences: (f(x + h e_i) - f(x - h e_i)) / (2h).",
            module="backprop",
        )


@graded("backprop.sgd_step: the chapter's step for b3", points=1, hidden=False)
def test_sgd_step(submission):
    got = values.mapping(call(submission, "backprop.sgd_step", {"b3": -1.0}, {"b3": -3.3142}, 0.1), "sgd_step's result", ["b3"])
    if not values.close(values.number(got["b3"], "b3"), -0.66858, 1e-6):
        fail("b3 = -1 with gradient -3.3142 and lr = 0.1 should become -0.6686.", module="backprop")


@graded("training_loop.train_step: returns the batch loss as a Python float", points=1, hidden=False)
def test_train_step(submission):
    spec = {"data": REGRESSION, "model": {"hidden": 3, "seed": 1}, "optimizer": {"name": "sgd", "lr": 0.1}, "criterion": "mse", "steps": 2}
    report = run(submission, "train_step", ["training_loop.train_step"], spec)
    if report["kinds"] != ["float", "float"]:
        fail(f"train_step returned {report['kinds'][0]}, not a float.", hint="return loss.item().", module="training_loop")
    if all(
        np.array_equal(values.array(a, "w"), values.array(b, "w"))
        for a, b in zip(report["params"][0].values(), report["params"][1].values())
    ):
        fail("The weights did not change between two steps.", hint="call optimizer.step() after loss.backward().", module="training_loop")


@graded("training_loop.trainer: one float per epoch", points=1, hidden=False)
def test_trainer(submission):
    report = run(submission, "trainer", ["training_loop.trainer"], trainer_spec({"epochs": 3}, validation=False))
    record_curves("training_loop.trainer, 3 epochs", ("train_loss",), report["returned"])
    values.number_list(report["returned"], "the returned list", 3)


@graded("validation.trainer: two lists, one entry per epoch", points=1, hidden=False)
def test_validation(submission):
    report = run(submission, "trainer", ["validation.trainer"], trainer_spec({"epochs": 3}))
    returned = report["returned"]
    record_curves("validation.trainer, 3 epochs", ("train_loss", "valid_loss"), returned)
    if not isinstance(returned, (tuple, list)) or len(returned) != 2:
        fail("validation.trainer should return (train_loss, valid_loss).", module="validation")
    for entries in returned:
        values.number_list(entries, "each returned list", 3)


@graded("early_stopping.trainer: the docstring's example stops after epoch 6", points=1, hidden=False)
def test_early_stopping(submission):
    spec = trainer_spec({"epochs": 7, "patience": 3}, script=[5.0, 4.0, 3.0, 4.0, 5.0, 6.0, 7.0])
    spec["data"] = {**REGRESSION, "valid_targets": "zeros"}
    report = run(submission, "trainer", ["early_stopping.trainer"], spec)
    returned = report["returned"]
    ran = (
        len(returned[1]) if isinstance(returned, (tuple, list)) and len(returned) == 2 and isinstance(returned[1], (list, tuple)) else None
    )
    record_curves(
        "early_stopping.trainer on validation losses 5, 4, 3, 4, 5, 6, 7",
        ("train_loss", "valid_loss"),
        returned,
        {"student": ran, "reference": 6},
    )
    if not isinstance(returned, (tuple, list)) or len(returned) != 2:
        fail("early_stopping.trainer should return (train_loss, valid_loss).", module="early_stopping")
    lengths = [len(entries) if isinstance(entries, (list, tuple)) else -1 for entries in returned]
    if lengths != [6, 6]:
        fail(
            f"With validation losses 5, 4, 3, 4, 5, 6, 7 and patience 3 both lists should have 6 entries; yours have {lengths}.",
            module="early_stopping",
        )
    if "stopped early at epoch 6" not in report["stdout"].lower():
        fail('It should print "Stopped early at epoch 6 - val loss increased for 3 consecutive epochs!".', module="early_stopping")


@graded("regularization.dropout: identity in eval mode, about p zeroed in training", points=1, hidden=False)
def test_dropout(submission):
    report = run(
        submission, "dropout", ["regularization.dropout"], {"data_seed": 0, "shape": [100, 100], "p": 0.25, "training": True, "seed": 0}
    )
    out = values.array(report.get("first"), "dropout's output", (100, 100))
    kept = out != 0
    scale = float(np.median(out[kept] / values.array(report["x"], "x")[kept])) if kept.any() else None
    record(
        {
            "kind": "dropout",
            "p": 0.25,
            "zero_fraction": {"student": float(np.mean(~kept)), "expected": 0.25},
            "scale": {"student": scale, "expected": 1 / 0.75},
        }
    )
    if abs(float(np.mean(out == 0)) - 0.25) > 0.03:
        fail(f"With p = 0.25 about a quarter of the elements should be zero; {np.mean(out == 0):.0%} are.", module="regularization")
    report = run(
        submission, "dropout", ["regularization.dropout"], {"data_seed": 0, "shape": [10], "p": 0.25, "training": False, "seed": 0}
    )
    if not np.array_equal(values.array(report.get("first"), "dropout's output", (10,)), values.array(report["x"], "x")):
        fail("With training=False, dropout should return x unchanged.", module="regularization")


@graded("regularization.l2_penalty: returns a scalar tensor", points=1, hidden=False)
def test_l2(submission):
    spec = {"data": {**REGRESSION, "n_valid": 0}, "model": {"hidden": 2, "seed": 0}, "lam": 0.5, "lr": 0.1}
    report = run(submission, "l2", ["regularization.l2_penalty"], spec)
    if not str(report["kind"]).startswith("tensor"):
        fail(f"l2_penalty returned {report['kind']}, not a tensor.", module="regularization")


@graded("regularization.network: a module that maps (batch, input_size) to (batch, output_size)", points=1, hidden=False)
def test_network(submission):
    rng = np.random.default_rng(1)
    spec = {
        "inputs": 2,
        "hidden": 3,
        "p": 0.5,
        "seed": 0,
        "W1": rng.normal(size=(3, 2)),
        "b1": rng.normal(size=3),
        "offset": 0.0,
        "X": rng.normal(size=(4, 2)),
    }
    report = run(submission, "network", ["regularization.network"], spec)
    if not report.get("is_module") or report.get("linear_shapes") != [[3, 2], [3, 3]]:
        fail("network(input_size, hidden_size, output_size, p) should be an nn.Module with two nn.Linear layers.", module="regularization")
    values.array(report["eval"][0], "the network's output", (4, 3))


@graded("putting_it_together.linear_block: Linear, LeakyReLU, Dropout", points=1, hidden=False)
def test_linear_block(submission):
    rng = np.random.default_rng(2)
    spec = {"inputs": 4, "outputs": 2, "p": 0.1, "W": rng.normal(size=(2, 4)), "b": rng.normal(size=2), "X": rng.normal(size=(3, 4))}
    report = run(submission, "linear_block", ["putting_it_together.linear_block"], spec)
    kinds = [layer["type"] for layer in report.get("layers", [])]
    if kinds != ["Linear", "LeakyReLU", "Dropout"]:
        fail(f"linear_block's layers are {kinds}.", module="putting_it_together")


@graded("putting_it_together.classifier: one logit per image", points=1, hidden=False)
def test_classifier(submission):
    report = run(submission, "classifier", ["putting_it_together.classifier"], {"seed": 0, "inputs": 64, "X": np.zeros((5, 64))})
    if report.get("output_shape") != [5, 1]:
        fail(f"classifier(64) on 5 images gives shape {report.get('output_shape')}, not (5, 1).", module="putting_it_together")


@graded("putting_it_together.trainer: a dict of four lists", points=1, hidden=False)
def test_trainer_dict(submission):
    spec = trainer_spec({"epochs": 2, "patience": 5}, criterion="bce")
    spec["data"] = {"kind": "images", "seed": 0, "side": 4, "n_train": 8, "n_valid": 4, "batch_size": 4}
    spec["model"] = {"hidden": 3, "seed": 0, "activation": "leaky_relu"}
    report = run(submission, "trainer", ["putting_it_together.trainer"], spec)
    table = values.mapping(report["returned"], "the returned dict", ["train_loss", "valid_loss", "train_accuracy", "valid_accuracy"])
    record_curves("putting_it_together.trainer, 2 epochs", ("train_loss", "valid_loss", "train_accuracy", "valid_accuracy"), table)
    for key in ("train_loss", "valid_loss", "train_accuracy", "valid_accuracy"):
        values.number_list(table[key], f'the "{key}" list', 2)
