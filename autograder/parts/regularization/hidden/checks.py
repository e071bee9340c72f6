"""Part 5's own hidden checks (dropout and L2 regularisation).

Dropout is judged by what it does, not how it draws its mask: any way of
drawing from torch's generator passes (``torch.rand``, ``torch.bernoulli``,
``torch.rand_like(x) < 1 - p``, ...).
"""

from __future__ import annotations

import numpy as np
import torch

from autograder.graders.common import probe
from autograder.judge import values
from autograder.judge.grading import GradingFailure, fail, record
from autograder.parts.regularization.public import rules
from autograder.parts.regularization.runner import weight_decay_step
from autograder.sandbox.models import build_l2_model

MODULE = "regularization"
SHAPE = [200, 100]  # 20,000 elements: the zero fraction's standard deviation is at most 0.0036
# x of another number of dimensions (20,000 elements too): "a tensor of any shape", not only (rows, columns).
CUBE = [20, 25, 40]


def dropout_report(submission, p: float, training: bool = True, shape: list[int] = SHAPE) -> dict:
    spec = {"data_seed": 3, "shape": shape, "p": p, "training": training, "seed": 17}
    key = f"dropout:{p}:{training}" + ("" if shape == SHAPE else f":{shape}")
    report = probe(submission, key, "dropout", ["regularization.dropout"], spec)
    if "first" not in report:
        fail(f"dropout(x, p={p}) should return a tensor shaped like x; it returned {report['kind']}.", module=MODULE)
    return report


def dropout_output(report: dict, key: str = "first", shape: list[int] = SHAPE) -> np.ndarray:
    return values.array(report[key], "dropout's output", tuple(shape))


def record_dropout(report: dict, p: float) -> None:
    """The fraction of zeros and the survivors' scale this dropout gave, beside the expected ones."""
    record(rules.dropout_figures(dropout_output(report), values.array(report["x"], "x"), p))


def dropout_fraction(submission):
    for p in (0.3, 0.7):
        report = dropout_report(submission, p)
        record_dropout(report, p)
        out = dropout_output(report)
        rules.check_shared_mask(out == 0, p)
        rules.check_fraction(out, p)
    try:
        out = dropout_output(dropout_report(submission, 0.3, shape=CUBE), shape=CUBE)
    except GradingFailure as error:
        fail(
            f"On an x with three dimensions (dropout takes a tensor of any shape), your dropout fails: {error}",
            hint="draw the mask shaped like x itself, torch.rand_like(x) or torch.rand(x.shape), not from x.shape[0] and x.shape[1].",
            module=MODULE,
        )
    rules.check_fraction(out, 0.3)


def dropout_scale(submission):
    for p in (0.3, 0.7):
        report = dropout_report(submission, p)
        rules.check_scale(dropout_output(report), values.array(report["x"], "x"), p)


def chapter_dropout_right(submission) -> None:
    """The chapter's nn.Dropout(p=0.5), loosely: in training about half the elements are zeroed and the others are
    x times one common factor (the exact fraction and scale are other tests' business)."""
    report = dropout_report(submission, 0.5)
    out, x = dropout_output(report), values.array(report["x"], "x")
    zeroed = float(np.mean(out == 0))
    kept = out != 0
    ratio = out[kept] / x[kept] if kept.any() else np.array([])
    if not 0.3 <= zeroed <= 0.7 or not ratio.size or not np.all(ratio > 0) or not np.allclose(ratio, ratio[0], rtol=1e-5):
        fail(
            f"with p = 0.5 in training mode, as the chapter's nn.Dropout(p=0.5), your dropout zeroed {zeroed:.0%} of the "
            "elements, or did not keep the others as x times one common factor; about half should be zeroed.",
            hint="draw a mask that keeps each element with probability 1 - p, then out = x * mask / (1 - p).",
            module=MODULE,
        )


def dropout_eval(submission):
    report = dropout_report(submission, 0.5, training=False)
    rules.check_eval(dropout_output(report), values.array(report["x"], "x"))


def dropout_extremes(submission):
    zero = dropout_report(submission, 0.0)
    rules.check_p_zero(dropout_output(zero), values.array(zero["x"], "x"))
    rules.check_p_one(dropout_output(dropout_report(submission, 1.0)))


def dropout_pure(submission):
    rules.check_pure(dropout_report(submission, 0.3))


def dropout_differentiable(submission):
    rules.check_differentiable(dropout_report(submission, 0.3), tuple(SHAPE))


def dropout_random(submission):
    report = dropout_report(submission, 0.3)
    rules.check_fresh_masks(*(dropout_output(report, k) for k in ("first", "second", "replay")))


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


def l2_value(submission):
    squares = {name: float((p.detach().double() ** 2).sum()) for name, p in judge_model().named_parameters()}
    rules.check_penalty_value(l2_report(submission), squares, L2["lam"])


def l2_step(submission):
    rules.check_penalty_step(l2_report(submission), weight_decay_step(L2))


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
    return report, spec, rules.check_network_report(report, spec)


# Other sizes than network_spec's, where output_size differs from hidden_size (there, to read each hidden unit in the
# output, it equals it): a network whose output layer is Linear(hidden_size, hidden_size) shows only here.
SIZES = {"inputs": 4, "hidden": 7, "outputs": 2, "p": 0.2, "seed": 6, "X": np.random.default_rng(24).normal(size=(9, 4))}


def network_structure(submission):
    rules.check_network_structure(*network_report(submission))
    report = probe(submission, "network:sizes", "network", ["regularization.network"], SIZES)
    rules.check_network_sizes(report, SIZES)
    if report.get("eval_shape") != [len(SIZES["X"]), SIZES["outputs"]]:
        fail("network(input_size, hidden_size, output_size, p) should map (batch, input_size) to (batch, output_size).", module=MODULE)


def network_eval(submission):
    rules.check_network_eval(*network_report(submission))


def network_dropout_place(submission):
    rules.check_network_dropout_place(*network_report(submission))
