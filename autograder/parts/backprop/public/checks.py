"""Public checks of part 1, backpropagation by hand: the chapter's example and a few public points.

Each known mistake's output on these very inputs is stored in ``expected.json``,
so a wrong result is named with the grader's own words.
"""

from __future__ import annotations

import numpy as np

from autograder.checks import public
from autograder.checks.public import CALL_TOL, explain
from autograder.judge import values
from autograder.judge.grading import GradingFailure, fail, raised_itself, record, result_of
from autograder.parts.backprop.public.rules import check_sigmoid_far_out

MODULE = "backprop"
FORWARD_KEYS = ("z1", "z2", "a1", "a2", "y_hat", "loss")
KEYS = ("w1", "w2", "b1", "b2", "w3", "w4", "b3")
NETWORK_KEYS = ("hidden.weight", "hidden.bias", "output.weight", "output.bias")


def _sigmoid(z: np.ndarray | float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def _close(a: object, b: object) -> bool:
    return values.close(a, b, *CALL_TOL)


def _table(value: object, function: str, keys: tuple[str, ...]) -> dict[str, float]:
    table = values.mapping(value, f"what {function} returned", list(keys))
    return {key: values.number(table[key], f'{function}(...)["{key}"]') for key in keys}


def _same_table(keys: tuple[str, ...]):
    def same(student: dict, other: object) -> bool:
        try:
            return all(_close(student[k], values.number(other[k], k)) for k in keys)
        except (AssertionError, KeyError, TypeError):
            return False

    return same


# Very large |z| (public values; the hidden graders use others), where e^z / (1 + e^z) overflows to nan.
FAR_OUT = np.array([-900.0, -720.0, 720.0, 900.0])


def sigmoid(submission):
    for z in (1.0, -2.0):
        got = values.number(result_of(submission.call("backprop.sigmoid", z), "backprop.sigmoid")["result"], f"sigmoid({z})")
        if not values.close(got, float(_sigmoid(z)), 1e-6, 1e-9):
            fail(f"sigmoid({z}) gave {got:.6g}, but 1 / (1 + e^(-z)) is {float(_sigmoid(z)):.6g}.", module=MODULE)
    z = np.linspace(-3.0, 3.0, 6).reshape(2, 3)
    got = values.array(result_of(submission.call("backprop.sigmoid", z), "backprop.sigmoid")["result"], "sigmoid of a (2, 3) array")
    if got.shape != z.shape or not values.close(got, _sigmoid(z), 1e-6, 1e-9):
        fail(
            "sigmoid of a (2, 3) array should be the sigmoid of each element, in an array of the same shape.",
            hint="use np.exp, which works elementwise (math.exp only takes single numbers).",
            module=MODULE,
        )
    z = np.array([-25.0, -14.0, 14.0, 25.0])
    got = values.array(result_of(submission.call("backprop.sigmoid", z), "backprop.sigmoid")["result"], "sigmoid far from 0", z.shape)
    wrong = [i for i in range(z.size) if not values.close(got[i], _sigmoid(z[i]), 1e-6, 1e-12)]
    if wrong:
        i = wrong[0]
        fail(
            f"Far from 0 your sigmoid is not the logistic function: sigmoid({z[i]:g}) gave {got[i]:.6g}, "
            f"but 1 / (1 + e^(-z)) is {float(_sigmoid(z[i])):.6g}.",
            hint="do not clip or cut off z: 1 / (1 + np.exp(-z)) is right for every z.",
            module=MODULE,
        )
    check_sigmoid_far_out(submission, FAR_OUT)


def _check_points(submission, function: str, keys: tuple[str, ...], prefix: str, hint: str) -> None:
    """The function on the chapter's example and on the other public point; the first wrong one fails, with a diagnosis."""
    calls = [f"{function}.chapter", f"{function}.other"]
    got = {key: _table(public.call(submission, key), function, keys) for key in calls}
    for key in calls:
        want = public.stored("calls", key)["reference"]
        wrong = [k for k in keys if not _close(got[key][k], want[k])]
        if key.endswith("chapter"):
            rows = [{"name": f"{prefix}{k}", "student": got[key][k], "autograd": want[k], "right": k not in wrong} for k in keys]
            record({"kind": "gradients", "title": f"{function} at the chapter's (x, y) = (1, 3)", "rows": rows})
        if wrong:
            x, y, _ = public.CALLS[key].args
            detail = ", ".join(f"{prefix}{k} = {got[key][k]:.4f} (expected {want[k]:.4f})" for k in wrong)
            cause = public.diagnose("calls", calls, got, _same_table(keys))
            fail(f"At (x, y) = ({x:g}, {y:g}), {detail}." + explain(cause), hint=hint, module=MODULE)


def forward(submission):
    _check_points(
        submission, "forward_pass", FORWARD_KEYS, "", "z = w * x + b, a = sigmoid(z), y_hat = w3 a1 + w4 a2 + b3, loss = (y_hat - y)**2."
    )


def backward(submission):
    _check_points(
        submission,
        "backward_pass",
        KEYS,
        "dL/d",
        "start from dL/dy_hat = 2 (y_hat - y) and apply the chain rule one node at a time; try an x other than 1, "
        "where a missing factor x shows.",
    )


def _network(submission) -> dict[str, np.ndarray]:
    value = public.call(submission, "network_gradients.public")
    table = values.mapping(value, "what network_gradients returned", list(NETWORK_KEYS))
    return {k: values.array(table[k], f'network_gradients(...)["{k}"]') for k in NETWORK_KEYS}


def network_gradient_shapes(submission):
    got = _network(submission)
    W1, b1, W2, b2 = public.CALLS["network_gradients.public"].args[2:]
    for key, shape in zip(NETWORK_KEYS, (W1.shape, b1.shape, W2.shape, b2.shape)):
        if got[key].shape != shape:
            fail(
                f'The gradient "{key}" has shape {got[key].shape}, but its parameter has shape {shape}'
                + (": it is transposed." if got[key].shape == shape[::-1] else "."),
                hint="a gradient always has its parameter's shape; for W1 (h, d) that is dZ.T @ X, of shape (h, d).",
                module=MODULE,
            )


def network_gradient_values(submission):
    got = _network(submission)
    want = {k: np.array(v) for k, v in public.stored("calls", "network_gradients.public")["reference"].items()}
    wrong = [k for k in NETWORK_KEYS if got[k].shape != want[k].shape or not _close(got[k], want[k])]
    if wrong:

        def same(student: dict, other: object) -> bool:
            try:
                return all(student[k].shape == np.shape(other[k]) and _close(student[k], np.array(other[k])) for k in NETWORK_KEYS)
            except (KeyError, TypeError):
                return False

        cause = public.diagnose("calls", ["network_gradients.public"], {"network_gradients.public": got}, same)
        fail(
            f"On 4 samples with 2 inputs and 3 hidden units, these gradients are wrong: {', '.join(wrong)}." + explain(cause),
            hint="the loss is the mean over the n samples (a factor 1/n), and every gradient keeps its parameter's shape.",
            module=MODULE,
        )


NUMERICAL = {"numerical_gradient.public": 1e-5, "numerical_gradient.public_default_h": 1e-7}


def numerical_gradient(submission):
    keys = list(NUMERICAL)
    got = {key: values.array(public.run(submission, key)["result"], "numerical_gradient's result") for key in keys}
    for key, tolerance in NUMERICAL.items():
        exact = np.array(public.fact(MODULE, "exact_gradients")[key])
        if got[key].shape != exact.shape:
            fail(
                f"numerical_gradient returned shape {got[key].shape} for an x of shape {exact.shape}: it must match x.",
                hint="start from np.zeros_like(x) and fill it with np.ndindex.",
                module=MODULE,
            )
        error = values.relative_error(got[key], exact)
        if error > tolerance:
            h = public.SCENARIOS[key].spec["h"]
            step = "the default h" if h is None else f"h = {h:g}"

            def same(student: object, other: dict) -> bool:
                result = np.array(other["result"])
                return np.shape(student) == result.shape and values.relative_error(student, result) < 1e-9

            cause = public.diagnose("scenarios", keys, got, same)
            fail(
                f"With {step}, your estimate is off from the exact gradient by a relative error of {error:.1e} "
                f"(a centred difference gets below {tolerance:.0e})." + explain(cause),
                hint="grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2h), changing only element i each time.",
                module=MODULE,
            )


def numerical_gradient_inputs(submission):
    for key in public.SCENARIOS:
        if not key.startswith("numerical_gradient."):
            continue
        report = public.run(submission, key)
        spec = public.SCENARIOS[key].spec
        x = np.array(spec["x"], dtype=spec.get("dtype", "float64"))
        after = values.array(report["x_after"], "x after the call")
        if after.shape != x.shape or not np.array_equal(after, x):
            fail(
                "After numerical_gradient(f, x) returned, the caller's x had changed.",
                hint="work on a copy (np.array(x, dtype=float)), or put every nudged element back exactly.",
                module=MODULE,
            )
    got = values.array(public.run(submission, "numerical_gradient.public_integers")["result"], "numerical_gradient's result")
    exact = np.array(public.fact(MODULE, "exact_gradients")["numerical_gradient.public_integers"])
    if got.shape != exact.shape or values.relative_error(got, exact) > 1e-7:
        fail(
            "For an x whose entries are integers (an integer array), your estimate is wrong: the nudged points x ± h "
            "need a float array, and the gradient is a float array too.",
            hint="nudge a float copy of x (np.array with dtype=float) and fill a float gradient shaped like it.",
            module=MODULE,
        )
    got = values.array(public.run(submission, "numerical_gradient.public_transposed")["result"], "numerical_gradient's result")
    exact = np.array(public.fact(MODULE, "exact_gradients")["numerical_gradient.public_transposed"])
    if got.shape != exact.shape or values.relative_error(got, exact) > 1e-7:
        zeros = got.shape == exact.shape and not np.any(got)
        fail(
            "For an x that is not C-contiguous (a transposed matrix, x = W.T), your estimate is "
            + (
                "all zeros: your nudges never reached the point f was called on. reshape(-1) or ravel() of such an "
                "array (and of np.array(x), which keeps its order) is a copy, not a view."
                if zeros
                else "wrong."
            ),
            hint="nudge the point itself, point[index] for index in np.ndindex(point.shape), not a flattened view of it.",
            module=MODULE,
        )


def sgd_step(submission):
    keys = ["sgd_step.chapter", "sgd_step.arrays"]
    got = {}
    for key in keys:
        params = public.CALLS[key].args[0]
        outcome = submission.call("backprop.sgd_step", *public.CALLS[key].args)
        if not outcome.ok and key.endswith("chapter") and raised_itself(outcome):
            try:
                result_of(outcome, "backprop.sgd_step")
            except GradingFailure as error:
                fail(
                    f"Given parameters that are floats, not arrays, as in the chapter's step sgd_step(CHAPTER_PARAMS, grads, 0.1): {error}",
                    hint="p - lr * g works for floats and arrays alike; a float has no .copy().",
                    module=MODULE,
                )
        table = values.mapping(result_of(outcome, "backprop.sgd_step")["result"], "what sgd_step returned", list(params))
        got[key] = {k: values.array(table[k], f'sgd_step(...)["{k}"]') for k in params}
    for key in keys:
        want = public.stored("calls", key)["reference"]
        if not all(_close(got[key][k], np.array(want[k])) for k in want):

            def same(student: dict, other: object) -> bool:
                try:
                    return all(_close(student[k], np.array(other[k])) for k in student)
                except (KeyError, TypeError):
                    return False

            cause = public.diagnose("calls", keys, got, same)
            where = (
                "On the chapter's step (b3 = -1, dL/db3 = -3.3142, lr = 0.1: b3 becomes -0.66858)"
                if key.endswith("chapter")
                else "On arrays"
            )
            fail(
                f"{where}, your step does not match p - lr * g." + explain(cause), hint="each parameter becomes p - lr * g.", module=MODULE
            )


def sgd_step_pure(submission):
    params, grads, _ = public.CALLS["sgd_step.arrays"].args
    reply = public.call(submission, "sgd_step.arrays", return_args=True)
    for label, before, after in (("params", params, reply["args_after"][0]), ("grads", grads, reply["args_after"][1])):
        table = values.mapping(after, label, list(before))
        if any(not np.array_equal(values.array(table[k], k), before[k]) for k in before):
            fail(
                f"sgd_step changed the {label} dict it was given (or the arrays inside it).",
                hint="build a new dict with p - lr * g; `p -= lr * g` changes the caller's array in place.",
                module=MODULE,
            )
