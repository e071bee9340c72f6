"""Hidden graders for part 5, dropout and L2 regularisation: 17 points.

Dropout is judged by what it does, not how it draws its mask: any way of
drawing from torch's generator passes (``torch.rand``, ``torch.bernoulli``,
``torch.rand_like(x) < 1 - p``, ...).
"""

from __future__ import annotations

import numpy as np
import torch

from autograder.graders.common import probe
from autograder.judge import values
from autograder.judge.grading import fail, graded, record
from autograder.sandbox.models import build_l2_model
from autograder.sandbox.runners.regularization import weight_decay_step

MODULE = "regularization"
SHAPE = [200, 100]  # 20,000 elements: the zero fraction's standard deviation is at most 0.0036


def dropout_report(submission, p: float, training: bool = True) -> dict:
    spec = {"data_seed": 3, "shape": SHAPE, "p": p, "training": training, "seed": 17}
    report = probe(submission, f"dropout:{p}:{training}", "dropout", ["regularization.dropout"], spec)
    if "first" not in report:
        fail(f"dropout(x, p={p}) should return a tensor shaped like x; it returned {report['kind']}.", module=MODULE)
    return report


def dropout_output(report: dict, key: str = "first") -> np.ndarray:
    return values.array(report[key], "dropout's output", tuple(SHAPE))


def survivors(out: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    kept = out != 0
    return out[kept], x[kept]


def record_dropout(report: dict, p: float) -> None:
    """The fraction of zeros and the survivors' scale this dropout gave, beside the expected ones."""
    out, x = dropout_output(report), values.array(report["x"], "x")
    kept = out != 0
    scale = float(np.median(out[kept] / x[kept])) if kept.any() else None
    record(
        {
            "kind": "dropout",
            "p": p,
            "zero_fraction": {"student": float(np.mean(~kept)), "expected": p},
            "scale": {"student": scale, "expected": 1 / (1 - p)},
        }
    )


def check_shared_mask(zeros: np.ndarray, p: float) -> None:
    """Each element is dropped on its own draw: no row (sample) and no column (feature) may be dropped as a whole.

    A mask drawn once per feature and shared by every row gives columns that are all zeros or all kept (so
    does zeroing a random choice of columns); one draw per row gives such rows. With independent draws every
    row's and every column's zero fraction lies within 6 standard deviations of p (fails about once in 10^7).
    """
    rows, columns = zeros.mean(axis=1), zeros.mean(axis=0)
    whole = {"row": np.isin(rows, (0.0, 1.0)), "column": np.isin(columns, (0.0, 1.0))}
    if whole["column"].all() and not whole["row"].all():
        fail(
            f"With p = {p}, every column of your output is either all zeros or all kept: your mask is shared across rows "
            "(one draw per feature, or a choice of features, used for every sample), so whole features are dropped together "
            "instead of each element on its own.",
            hint="draw one random number per element, shaped like x: keep = torch.rand_like(x) >= p.",
            module=MODULE,
        )
    if whole["row"].all() and not whole["column"].all():
        fail(
            f"With p = {p}, every row of your output is either all zeros or all kept: your mask has one draw per row "
            "(per sample), so whole samples are dropped together instead of each element on its own.",
            hint="draw one random number per element, shaped like x: keep = torch.rand_like(x) >= p.",
            module=MODULE,
        )
    for name, fractions, size in (("row", rows, zeros.shape[1]), ("column", columns, zeros.shape[0])):
        bound = 6 * np.sqrt(p * (1 - p) / size)
        if 0 < p < 1 and np.any(np.abs(fractions - p) > bound) and abs(float(zeros.mean()) - p) <= 0.02:
            worst = fractions[np.argmax(np.abs(fractions - p))]
            fail(
                f"With p = {p}, one {name} of your output has {worst:.0%} of its elements zeroed: far more or fewer than "
                "chance allows. Your elements are not dropped independently of each other.",
                hint="draw one random number per element, shaped like x: keep = torch.rand_like(x) >= p.",
                module=MODULE,
            )


@graded("regularization.dropout: zeroes each element with probability p", points=2, hidden=False)
def test_dropout_fraction(submission):
    for p in (0.3, 0.7):
        report = dropout_report(submission, p)
        record_dropout(report, p)
        out = dropout_output(report)
        check_shared_mask(out == 0, p)
        fraction = float(np.mean(out == 0))
        halves = [float(np.mean(half == 0)) for half in np.array_split(out.reshape(-1), 2)]
        if abs(fraction - p) > 0.02 or any(abs(h - p) > 0.03 for h in halves):
            flipped = abs(fraction - (1 - p)) <= 0.02
            fail(
                f"With p = {p}, your dropout zeroed {fraction:.1%} of the elements; about {p:.0%} was expected."
                + (" That is 1 - p: your mask keeps elements with probability p instead of dropping them." if flipped else ""),
                hint="keep an element when torch.rand(...) >= p (that happens with probability 1 - p).",
                module=MODULE,
            )


@graded("regularization.dropout: scales the survivors by exactly 1 / (1 - p)", points=2, hidden=False)
def test_dropout_scale(submission):
    for p in (0.3, 0.7):
        report = dropout_report(submission, p)
        kept, x = survivors(dropout_output(report), values.array(report["x"], "x"))
        if kept.size == 0:
            fail(f"With p = {p} your dropout zeroed every element.", module=MODULE)
        if not values.close(kept, x / (1 - p), 1e-5, 1e-7):
            if values.close(kept, x, 1e-5, 1e-7):
                cause = "the survivors are not rescaled at all"
            elif values.close(kept, x / p, 1e-5, 1e-7):
                cause = "the survivors are divided by p; it should be 1 - p, the probability of keeping"
            else:
                cause = "the survivors are not x / (1 - p)"
            fail(f"With p = {p}, {cause}.", hint="inverted dropout keeps the expected value: out = x * mask / (1 - p).", module=MODULE)


@graded("regularization.dropout: returns x unchanged in evaluation mode", points=1)
def test_dropout_eval(submission):
    report = dropout_report(submission, 0.5, training=False)
    if not np.array_equal(dropout_output(report), values.array(report["x"], "x")):
        fail("dropout(x, p, training=False) should give back x's values untouched: no mask and no scaling.", module=MODULE)


@graded("regularization.dropout: p = 0 keeps everything, p = 1 zeroes everything (no NaN)", points=1)
def test_dropout_extremes(submission):
    zero = dropout_report(submission, 0.0)
    if not values.close(dropout_output(zero), values.array(zero["x"], "x"), 1e-6, 0):
        fail("With p = 0 nothing is dropped and 1 / (1 - p) = 1: the output should equal x.", module=MODULE)
    one = dropout_output(dropout_report(submission, 1.0))
    if not np.all(np.isfinite(one)):
        fail(
            "With p = 1 your dropout produced NaN or infinity: 1 / (1 - p) divides by zero.",
            hint="handle p = 1 on its own: every element is dropped.",
            module=MODULE,
        )
    if np.any(one != 0):
        fail("With p = 1 every element should be zeroed.", module=MODULE)


@graded("regularization.dropout: leaves x unchanged and lets gradients flow back to x", points=1)
def test_dropout_pure_and_differentiable(submission):
    report = dropout_report(submission, 0.3)
    if report["x_changed"]:
        fail(
            "Your dropout changed the tensor x it was given.",
            hint="build a new tensor (x * mask / (1 - p)) instead of assigning into x.",
            module=MODULE,
        )
    if report.get("grad_error"):
        fail(
            f"Called on an x that requires gradients (as activations in a network do), your dropout raised {report['grad_error']}.",
            hint="build a new tensor from x with tensor operations (x * mask / (1 - p)); do not assign into x.",
            module=MODULE,
        )
    if report["grad"] is None:
        fail(
            "No gradient reached x through your dropout: the output is cut off from the autograd graph.",
            hint="compute the output from x with tensor operations; avoid .detach(), .numpy() and torch.tensor(...).",
            module=MODULE,
        )
    out, x = dropout_output(report, "grad_out"), values.array(report["x"], "x")
    weights = (np.arange(out.size).reshape(out.shape) % 7) + 1
    if not values.close(values.array(report["grad"], "x.grad", tuple(SHAPE)), weights * out / x, 1e-5, 1e-7):
        fail("The gradient that reaches x is not mask / (1 - p).", module=MODULE)


@graded("regularization.dropout: draws a fresh mask from torch's random generator", points=1)
def test_dropout_random(submission):
    report = dropout_report(submission, 0.3)
    first, second, replay = (dropout_output(report, k) for k in ("first", "second", "replay"))
    if np.array_equal(first, second):
        fail("Two calls of dropout gave the same mask: each call should draw a new one.", module=MODULE)
    if not np.array_equal(first, replay):
        fail(
            "After torch.manual_seed(...) with the same seed, your dropout gave a different mask: draw it from torch's "
            "generator (torch.rand, torch.rand_like, torch.bernoulli), not from NumPy or random.",
            module=MODULE,
        )


# ------------------------------------------------------------------ l2_penalty

# The model is the judge's Linear-sigmoid-Linear times a learnable gain, a parameter of no nn.Linear: "every
# parameter of the model" means that one too (a penalty summed over nn.Linear layers only leaves it out).
L2 = {
    "data": {"kind": "regression", "seed": 19, "n_train": 8, "features": 3, "batch_size": 8},
    "model": {"hidden": 3, "seed": 4},
    "gain": 1.5,
    "lam": 0.3,
    "lr": 0.1,
}


def l2_report(submission) -> dict:
    return probe(submission, "l2", "l2", ["regularization.l2_penalty"], L2)


def judge_model() -> torch.nn.Module:
    return build_l2_model(L2, L2["data"]["features"])


@graded("regularization.l2_penalty: lam / 2 times the sum of squares of every parameter", points=2)
def test_l2_value(submission):
    report = l2_report(submission)
    if "value" not in report:
        fail(f"l2_penalty should return a scalar tensor; it returned {report['kind']}.", module=MODULE)
    got = values.number(report["value"], "the penalty")
    model = judge_model()
    squares = {name: float((p.detach().double() ** 2).sum()) for name, p in model.named_parameters()}
    lam = L2["lam"]
    want = lam / 2 * sum(squares.values())
    if not values.close(got, want, 1e-5, 1e-8):
        weights_only = lam / 2 * sum(v for k, v in squares.items() if k.endswith("weight"))
        linear_only = lam / 2 * sum(v for k, v in squares.items() if k.endswith(("weight", "bias")))
        if values.close(got, 2 * want, 1e-5, 1e-8):
            cause = " It is twice the expected value: the factor 1/2 is missing, or each parameter is counted twice (model.parameters() already holds every layer's)."
        elif values.close(got, weights_only, 1e-5, 1e-8):
            cause = " It leaves the biases out: weight_decay, which the penalty must match, covers every parameter."
        elif values.close(got, linear_only, 1e-5, 1e-8):
            cause = (
                " It leaves out the model's parameter that belongs to no nn.Linear layer (a learnable gain): every "
                "parameter counts, whatever module holds it, as with weight_decay."
            )
        else:
            cause = ""
        fail(
            f"Your penalty has the wrong value for the grader's model.{cause}",
            hint="lam / 2 * sum((p ** 2).sum() for p in model.parameters()).",
            module=MODULE,
        )


@graded("regularization.l2_penalty: SGD on loss + penalty takes the weight_decay step", points=2)
def test_l2_step(submission):
    report = l2_report(submission)
    if report["kind"] != "tensor-with-graph" or not report.get("requires_grad"):
        fail(
            "Your penalty is not part of the autograd graph (it is a plain number or a detached tensor), so loss.backward() never sees it.",
            hint="keep it a tensor built from the parameters: no .item(), float() or .detach().",
            module=MODULE,
        )
    want = weight_decay_step(L2)
    got = {
        name: values.array(value, name, want[name].shape)
        for name, value in values.mapping(report["params"], "the weights", list(want)).items()
    }
    if not all(values.close(got[k], want[k], 1e-5, 1e-7) for k in want):
        fail(
            "One SGD step on loss + your penalty does not match one step of SGD(weight_decay=lam) on the loss.",
            hint="its gradient should be lam * p for every parameter p.",
            module=MODULE,
        )


# ------------------------------------------------------------------ network


def network_spec() -> dict:
    rng = np.random.default_rng(23)
    return {
        "inputs": 3,
        "hidden": 10,
        "p": 0.3,
        "seed": 5,
        "W1": rng.normal(size=(10, 3)),
        "b1": rng.normal(size=10),
        "offset": 0.25,
        "X": rng.normal(size=(400, 3)),
    }


def network_report(submission) -> tuple[dict, dict, np.ndarray]:
    spec = network_spec()
    report = probe(submission, "network", "network", ["regularization.network"], spec)
    if not report.get("is_module"):
        fail(f"network(...) should return an nn.Module; it returned {report['kind']}.", module=MODULE)
    if report["linear_shapes"] != [[spec["hidden"], spec["inputs"]], [spec["hidden"], spec["hidden"]]]:
        fail(
            "network(input_size, hidden_size, output_size, p) should hold exactly two nn.Linear layers: "
            "Linear(input_size, hidden_size), then Linear(hidden_size, output_size).",
            module=MODULE,
        )
    activation = 1 / (1 + np.exp(-(spec["X"] @ spec["W1"].T + spec["b1"])))
    return report, spec, activation


@graded("regularization.network: Linear, sigmoid, Linear with the given sizes", points=1)
def test_network_structure(submission):
    report, spec, activation = network_report(submission)
    out = values.array(report["eval"][0], "the network's output", activation.shape)
    offset, p = spec["offset"], spec["p"]
    # Dropout left on in eval mode (the next test's mistake) still shows the right structure: every element
    # is either dropped or the scaled activation.
    dropout_on = np.isclose(out, offset, rtol=0, atol=1e-6) | np.isclose(out, activation / (1 - p) + offset, rtol=1e-5, atol=1e-6)
    if not values.close(out, activation + spec["offset"], 1e-5, 1e-6) and not np.all(dropout_on):
        fail(
            "In eval mode your network is not Linear, then sigmoid, then Linear.",
            hint="the hidden activation is torch.sigmoid (or nn.Sigmoid()).",
            module=MODULE,
        )


@graded("regularization.network: no dropout in eval mode", points=1)
def test_network_eval(submission):
    report, spec, activation = network_report(submission)
    first, second = (values.array(o, "the network's output", activation.shape) for o in report["eval"])
    if not np.array_equal(first, second) or not values.close(first, activation + spec["offset"], 1e-5, 1e-6):
        fail(
            "In eval mode your network should be deterministic, with no dropout and no scaling.",
            hint="use nn.Dropout (model.eval() turns it off) or pass training=self.training.",
            module=MODULE,
        )


@graded("regularization.network: dropout acts on the hidden activations in training mode", points=3)
def test_network_dropout_place(submission):
    report, spec, activation = network_report(submission)
    out = values.array(report["train"], "the network's output in train mode", activation.shape)
    offset, p = spec["offset"], spec["p"]
    dropped = np.isclose(out, offset, rtol=0, atol=1e-6)
    kept = np.isclose(out, activation / (1 - p) + offset, rtol=1e-5, atol=1e-6)
    fraction = float(dropped.mean())
    if np.all(dropped | kept) and abs(fraction - p) <= 0.03:
        return
    # What each misplaced dropout gives, element by element: dropped, or kept and scaled where it acts.
    z = spec["X"] @ spec["W1"].T + spec["b1"]
    before = np.isclose(out, 0.5 + offset, rtol=0, atol=1e-6)  # sigmoid(0) for a unit dropped before the sigmoid
    before_kept = np.isclose(out, 1 / (1 + np.exp(-z / (1 - p))) + offset, rtol=1e-5, atol=1e-6)
    after = np.isclose(out, 0, rtol=0, atol=1e-6)  # an output element dropped after the output layer
    after_kept = np.isclose(out, (activation + offset) / (1 - p), rtol=1e-5, atol=1e-6)
    if np.allclose(out, activation + offset, rtol=1e-5, atol=1e-6):
        cause = "In training mode your network applies no dropout at all."
    elif np.all(before | before_kept) and before.mean() > p / 2:
        cause = "Your dropout acts before the sigmoid: a dropped unit then gives sigmoid(0) = 0.5, not 0."
    elif np.all(after | after_kept) and after.mean() > p / 2:
        cause = "Your dropout acts after the output layer, on the network's output."
    else:
        cause = "In training mode your network's outputs are not those of dropout on the hidden activations."
    fail(cause, hint="order: Linear, sigmoid, Dropout(p), Linear.", module=MODULE)
