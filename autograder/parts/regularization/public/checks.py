"""Public checks of part 5, dropout and L2: the grader's own rules (shared in ``regularization_rules``) on public inputs."""

from __future__ import annotations

import numpy as np

from autograder.checks import public
from autograder.judge import values
from autograder.judge.grading import fail, record, result_of
from autograder.parts.regularization.public import rules
from autograder.parts.regularization.public import scenarios as inputs

MODULE = "regularization"
SHAPE = tuple(inputs.DROPOUT["shape"])


def dropout_report(submission, p: float, training: bool = True) -> dict:
    key = f"public:dropout:{p}:{training}"
    if key not in submission.cache:
        spec = {**inputs.DROPOUT, "p": p, "training": training}
        submission.cache[key] = submission.scenario("dropout", ["regularization.dropout"], spec)
    report = result_of(submission.cache[key], "regularization.dropout")
    if "first" not in report:
        fail(f"dropout(x, p={p}) should return a tensor shaped like x; it returned {report['kind']}.", module=MODULE)
    return report


def output(report: dict, key: str = "first") -> np.ndarray:
    return values.array(report[key], "dropout's output", SHAPE)


def dropout_fraction(submission):
    for p in inputs.DROPOUT_PS:
        report = dropout_report(submission, p)
        record(rules.dropout_figures(output(report), values.array(report["x"], "x"), p))
        rules.check_shared_mask(output(report) == 0, p)
        rules.check_fraction(output(report), p)


def dropout_scale(submission):
    for p in inputs.DROPOUT_PS:
        report = dropout_report(submission, p)
        rules.check_scale(output(report), values.array(report["x"], "x"), p)


def dropout_eval(submission):
    report = dropout_report(submission, inputs.DROPOUT_PS[0], training=False)
    rules.check_eval(output(report), values.array(report["x"], "x"))


def dropout_extremes(submission):
    zero = dropout_report(submission, 0.0)
    rules.check_p_zero(output(zero), values.array(zero["x"], "x"))
    rules.check_p_one(output(dropout_report(submission, 1.0)))


def dropout_pure(submission):
    rules.check_pure_and_differentiable(dropout_report(submission, inputs.DROPOUT_PS[0]), SHAPE)


def dropout_random(submission):
    report = dropout_report(submission, inputs.DROPOUT_PS[0])
    rules.check_fresh_masks(*(output(report, k) for k in ("first", "second", "replay")))


def l2_report(submission) -> dict:
    if "public:l2" not in submission.cache:
        submission.cache["public:l2"] = submission.scenario("l2", ["regularization.l2_penalty"], inputs.L2)
    return result_of(submission.cache["public:l2"], "regularization.l2_penalty")


def l2_value(submission):
    rules.check_penalty_value(l2_report(submission), public.fact(MODULE, "l2")["squares"], inputs.L2["lam"], "a small model with a learnable gain")


def l2_step(submission):
    want = {name: np.array(value) for name, value in public.fact(MODULE, "l2")["weight_decay_step"].items()}
    rules.check_penalty_step(l2_report(submission), want)


def network_report(submission) -> tuple[dict, dict, np.ndarray]:
    spec = inputs.network_spec()
    if "public:network" not in submission.cache:
        submission.cache["public:network"] = submission.scenario("network", ["regularization.network"], spec)
    report = result_of(submission.cache["public:network"], "regularization.network")
    return report, spec, rules.check_network_report(report, spec)


def network_structure(submission):
    rules.check_network_structure(*network_report(submission))


def network_eval(submission):
    rules.check_network_eval(*network_report(submission))


def network_dropout_place(submission):
    rules.check_network_dropout_place(*network_report(submission))
