"""Part 5's rules for dropout, the L2 penalty and the network, shared by the hidden graders and the public checks.

Each ``check_*`` reads what the harness reported about the student's function
(the dropout's outputs, the penalty, the network's outputs for known weights)
and fails the test with the grader's own words when a rule is broken. The
inputs they judge are the caller's: the hidden graders and the public checks
pass different ones. Nothing here is secret.

Example:
    >>> scale_cause(np.array([2.0]), np.array([1.0]), 0.5) is None
    True
"""

from __future__ import annotations

import numpy as np

from autograder.judge import values
from autograder.judge.grading import fail, record

MODULE = "regularization"
MASK_HINT = "draw one random number per element, shaped like x: keep = torch.rand_like(x) >= p."


def survivors(out: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The elements dropout kept (non-zero), and the inputs they came from."""
    kept = out != 0
    return out[kept], x[kept]


def dropout_figures(out: np.ndarray, x: np.ndarray, p: float) -> dict:
    """The fraction of zeros and the survivors' scale (median of out / x) beside the expected ones, for the report."""
    kept = out != 0
    scale = float(np.median(out[kept] / x[kept])) if kept.any() else None
    return {
        "kind": "dropout",
        "p": p,
        "zero_fraction": {"student": float(np.mean(~kept)), "expected": p},
        "scale": {"student": scale, "expected": 1 / (1 - p)},
    }


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
            hint=MASK_HINT,
            module=MODULE,
        )
    if whole["row"].all() and not whole["column"].all():
        fail(
            f"With p = {p}, every row of your output is either all zeros or all kept: your mask has one draw per row "
            "(per sample), so whole samples are dropped together instead of each element on its own.",
            hint=MASK_HINT,
            module=MODULE,
        )
    for name, fractions, size in (("row", rows, zeros.shape[1]), ("column", columns, zeros.shape[0])):
        bound = 6 * np.sqrt(p * (1 - p) / size)
        if 0 < p < 1 and np.any(np.abs(fractions - p) > bound) and abs(float(zeros.mean()) - p) <= 0.02:
            worst = fractions[np.argmax(np.abs(fractions - p))]
            fail(
                f"With p = {p}, one {name} of your output has {worst:.0%} of its elements zeroed: far more or fewer than "
                "chance allows. Your elements are not dropped independently of each other.",
                hint=MASK_HINT,
                module=MODULE,
            )


def check_fraction(out: np.ndarray, p: float) -> None:
    """About p of the elements zeroed, in each half of the output too (tolerance 0.02 overall, 0.03 per half)."""
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


UNNAMED_SCALE = "the survivors are not x / (1 - p)"


def scale_cause(kept: np.ndarray, x: np.ndarray, p: float) -> str | None:
    """What is wrong with the survivors' scale (None: each is exactly x / (1 - p))."""
    if values.close(kept, x / (1 - p), 1e-5, 1e-7):
        return None
    if values.close(kept, x, 1e-5, 1e-7):
        return "the survivors are not rescaled at all"
    if values.close(kept, x / p, 1e-5, 1e-7):
        return "the survivors are divided by p; it should be 1 - p, the probability of keeping"
    return UNNAMED_SCALE


def check_scale(out: np.ndarray, x: np.ndarray, p: float) -> None:
    """Every survivor is exactly x / (1 - p)."""
    kept, x = survivors(out, x)
    if kept.size == 0:
        fail(f"With p = {p} your dropout zeroed every element.", module=MODULE)
    cause = scale_cause(kept, x, p)
    if cause and cause != UNNAMED_SCALE:  # a classic mistake: the class dashboard ranks it by these words
        record({"kind": "diagnosis", "says": cause})
    if cause:
        fail(f"With p = {p}, {cause}.", hint="inverted dropout keeps the expected value: out = x * mask / (1 - p).", module=MODULE)


def check_eval(out: np.ndarray, x: np.ndarray) -> None:
    """With training=False, x comes back untouched."""
    if not np.array_equal(out, x):
        fail("dropout(x, p, training=False) should give back x's values untouched: no mask and no scaling.", module=MODULE)


def check_p_zero(out: np.ndarray, x: np.ndarray) -> None:
    """With p = 0 the output equals x (nothing dropped, scale 1)."""
    if not values.close(out, x, 1e-6, 0):
        fail("With p = 0 nothing is dropped and 1 / (1 - p) = 1: the output should equal x.", module=MODULE)


def check_p_one(out: np.ndarray) -> None:
    """With p = 1 every element is 0, and none is NaN or infinite (1 / (1 - p) must not be computed)."""
    if not np.all(np.isfinite(out)):
        fail(
            "With p = 1 your dropout produced NaN or infinity: 1 / (1 - p) divides by zero.",
            hint="handle p = 1 on its own: every element is dropped.",
            module=MODULE,
        )
    if np.any(out != 0):
        fail("With p = 1 every element should be zeroed.", module=MODULE)


def check_pure_and_differentiable(report: dict, shape: tuple[int, ...]) -> None:
    """x unchanged by the calls, and the gradient reaching x is (weights *) mask / (1 - p)."""
    check_pure(report)
    check_differentiable(report, shape)


def check_pure(report: dict) -> None:
    """The calls leave the caller's x as it was."""
    x = np.asarray(report["x"])  # compared here, in the judge, from the plain numbers the child sent
    if any(not np.array_equal(np.asarray(after), x) for after in report["inputs_after"]):
        fail(
            "Your dropout changed the tensor x it was given.",
            hint="build a new tensor (x * mask / (1 - p)) instead of assigning into x.",
            module=MODULE,
        )


def check_differentiable(report: dict, shape: tuple[int, ...]) -> None:
    """The gradient reaching x through dropout is (weights *) mask / (1 - p)."""
    if report.get("grad_error"):
        fail(
            f"Called on an x that requires gradients (as activations in a network do), your dropout raised {report['grad_error']}.",
            hint="build a new tensor from x with tensor operations (x * mask / (1 - p)).",
            module=MODULE,
        )
    if report["grad"] is None:
        fail(
            "No gradient reached x through your dropout: the output is cut off from the autograd graph.",
            hint="compute the output from x with tensor operations; avoid .detach(), .numpy() and torch.tensor(...).",
            module=MODULE,
        )
    out, x = values.array(report["grad_out"], "dropout's output", shape), values.array(report["x"], "x")
    weights = (np.arange(out.size).reshape(out.shape) % 7) + 1
    if not values.close(values.array(report["grad"], "x.grad", shape), weights * out / x, 1e-5, 1e-7):
        fail("The gradient that reaches x is not mask / (1 - p).", module=MODULE)


def check_fresh_masks(first: np.ndarray, second: np.ndarray, replay: np.ndarray) -> None:
    """Two calls draw two masks; the same seed replays the first (the mask comes from torch's generator)."""
    if np.array_equal(first, second):
        fail("Two calls of dropout gave the same mask: each call should draw a new one.", module=MODULE)
    if not np.array_equal(first, replay):
        fail(
            "After torch.manual_seed(...) with the same seed, your dropout gave a different mask: draw it from torch's "
            "generator (torch.rand, torch.rand_like, torch.bernoulli), not from NumPy or random.",
            module=MODULE,
        )


# ------------------------------------------------------------------ l2_penalty


def penalty_cause(got: float, squares: dict[str, float], lam: float) -> str:
    """Why a penalty has the wrong value, from the model's sums of squares by parameter name ("" when no rule fits)."""
    want = lam / 2 * sum(squares.values())
    weights_only = lam / 2 * sum(v for k, v in squares.items() if k.endswith("weight"))
    linear_only = lam / 2 * sum(v for k, v in squares.items() if k.endswith(("weight", "bias")))
    if values.close(got, 2 * want, 1e-5, 1e-8):
        return " It is twice the expected value: the factor 1/2 is missing, or each parameter is counted twice (model.parameters() already holds every layer's)."
    if values.close(got, weights_only, 1e-5, 1e-8):
        return " It leaves the biases out: weight_decay, which the penalty must match, covers every parameter."
    if values.close(got, linear_only, 1e-5, 1e-8):
        return (
            " It leaves out the model's parameter that belongs to no nn.Linear layer (a learnable gain): every "
            "parameter counts, whatever module holds it, as with weight_decay."
        )
    return ""


def check_penalty_value(report: dict, squares: dict[str, float], lam: float, model_words: str = "the grader's model") -> None:
    """The penalty is lam / 2 times the sum of ``squares`` (every parameter's sum of squares, by name)."""
    if "value" not in report:
        fail(f"l2_penalty should return a scalar tensor; it returned {report['kind']}.", module=MODULE)
    got = values.number(report["value"], "the penalty")
    if not values.close(got, lam / 2 * sum(squares.values()), 1e-5, 1e-8):
        fail(
            f"Your penalty has the wrong value for {model_words}.{penalty_cause(got, squares, lam)}",
            hint="lam / 2 * sum((p ** 2).sum() for p in model.parameters()).",
            module=MODULE,
        )


def check_penalty_step(report: dict, want: dict[str, np.ndarray]) -> None:
    """One SGD step on loss + penalty equals ``want``, the step of SGD(weight_decay=lam) on the loss."""
    if report["kind"] != "tensor-with-graph" or not report.get("requires_grad"):
        fail(
            "Your penalty is not part of the autograd graph (it is a plain number or a detached tensor), so loss.backward() never sees it.",
            hint="keep it a tensor built from the parameters: no .item(), float() or .detach().",
            module=MODULE,
        )
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


def check_network_report(report: dict, spec: dict) -> np.ndarray:
    """A module with the two nn.Linear layers asked for; returns the hidden activations sigmoid(X W1^T + b1)."""
    check_network_sizes(report, spec)
    return 1 / (1 + np.exp(-(spec["X"] @ spec["W1"].T + spec["b1"])))


def check_network_sizes(report: dict, spec: dict) -> None:
    """A module whose two nn.Linear layers are (inputs -> hidden) and (hidden -> outputs, which defaults to hidden)."""
    if not report.get("is_module"):
        fail(f"network(...) should return an nn.Module; it returned {report['kind']}.", module=MODULE)
    if report["linear_shapes"] != [[spec["hidden"], spec["inputs"]], [spec.get("outputs", spec["hidden"]), spec["hidden"]]]:
        fail(
            "network(input_size, hidden_size, output_size, p) should hold exactly two nn.Linear layers: "
            "Linear(input_size, hidden_size), then Linear(hidden_size, output_size).",
            module=MODULE,
        )


def check_network_structure(report: dict, spec: dict, activation: np.ndarray) -> None:
    """In eval mode: Linear, sigmoid, Linear (dropout left on in eval still shows the right structure)."""
    out = values.array(report["eval"][0], "the network's output", activation.shape)
    offset, p = spec["offset"], spec["p"]
    # Dropout left on in eval mode (check_network_eval's mistake) still shows the right structure: every element
    # is either dropped or the scaled activation.
    dropout_on = np.isclose(out, offset, rtol=0, atol=1e-6) | np.isclose(out, activation / (1 - p) + offset, rtol=1e-5, atol=1e-6)
    if not values.close(out, activation + spec["offset"], 1e-5, 1e-6) and not np.all(dropout_on):
        fail(
            "In eval mode your network is not Linear, then sigmoid, then Linear.",
            hint="the hidden activation is torch.sigmoid (or nn.Sigmoid()).",
            module=MODULE,
        )


def check_network_eval(report: dict, spec: dict, activation: np.ndarray) -> None:
    """In eval mode: deterministic, no dropout and no scaling."""
    first, second = (values.array(o, "the network's output", activation.shape) for o in report["eval"])
    if not np.array_equal(first, second) or not values.close(first, activation + spec["offset"], 1e-5, 1e-6):
        fail(
            "In eval mode your network should be deterministic, with no dropout and no scaling.",
            hint="use nn.Dropout (model.eval() turns it off) or pass training=self.training.",
            module=MODULE,
        )


def check_network_dropout_place(report: dict, spec: dict, activation: np.ndarray) -> None:
    """In train mode each hidden unit is dropped or kept and scaled by 1 / (1 - p), about p of them dropped."""
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
    order = "order: Linear, sigmoid, Dropout(p), Linear."
    if np.allclose(out, activation + offset, rtol=1e-5, atol=1e-6):
        fail("In training mode your network applies no dropout at all.", hint=order, module=MODULE)
    if np.all(before | before_kept) and before.mean() > p / 2:
        fail("Your dropout acts before the sigmoid: a dropped unit then gives sigmoid(0) = 0.5, not 0.", hint=order, module=MODULE)
    if np.all(after | after_kept) and after.mean() > p / 2:
        fail("Your dropout acts after the output layer, on the network's output.", hint=order, module=MODULE)
    # No misplacement explains the outputs: say what differs and by how much, and name no cause (issue 23).
    others = ~dropped & (np.abs(activation) > 1e-3)
    scale = float(np.median((out[others] - offset) / activation[others])) if others.any() else None
    fail(
        f"In training mode your network's outputs are not those of dropout(p = {p:g}) on the hidden activations: "
        f"{fraction:.0%} of the hidden units come out dropped (about {p:.0%} expected)"
        + (f", and the others scaled by {scale:.3g} (1 / (1 - p) = {1 / (1 - p):.3g} expected)." if scale is not None else "."),
        hint="nn.Dropout(p) zeroes each hidden unit with probability p and scales the others by 1 / (1 - p).",
        module=MODULE,
    )
