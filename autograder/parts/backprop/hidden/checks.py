"""Part 1's hidden checks (backpropagation by hand).

Every expected value comes from torch autograd in this (the judge's)
process, on the same numbers the student's function receives.
"""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograder.checks.compare import how_far
from autograder.graders.common import cases, cases_after, explain
from autograder.graders.diagnoses import diagnose_call
from autograder.judge import values
from autograder.judge.grading import GradingFailure, fail, raised_itself, record, result_of
from autograder.parts.backprop.public.rules import check_sigmoid_far_out, expit
from autograder.parts.backprop.runner import SCALAR_FUNCTIONS

MODULE = "backprop"
KEYS = ("w1", "w2", "b1", "b2", "w3", "w4", "b3")
FORWARD_KEYS = ("z1", "z2", "a1", "a2", "y_hat", "loss")
CHAPTER = {"w1": 1.0, "w2": -1.0, "b1": 1.0, "b2": 2.0, "w3": 1.0, "w4": 2.0, "b3": -1.0}
RTOL, ATOL = 1e-6, 1e-9

moderate = st.floats(-2.5, 2.5, allow_nan=False, allow_infinity=False)
params_strategy = st.fixed_dictionaries({key: moderate for key in KEYS})
# x far from 0 and 1 so that a missing factor x shows; y anywhere.
x_strategy = st.one_of(st.floats(-2.5, -0.3), st.floats(0.3, 0.7), st.floats(1.4, 2.5))


def autograd_tiny(x: float, y: float, params: dict) -> tuple[dict, dict]:
    """The chapter's network in torch (float64): forward values and dL/dp from autograd."""
    t = {key: torch.tensor(float(params[key]), dtype=torch.float64, requires_grad=True) for key in KEYS}
    z1, z2 = t["w1"] * x + t["b1"], t["w2"] * x + t["b2"]
    a1, a2 = torch.sigmoid(z1), torch.sigmoid(z2)
    y_hat = t["w3"] * a1 + t["w4"] * a2 + t["b3"]
    loss = (y_hat - y) ** 2
    loss.backward()
    forward = {"z1": z1, "z2": z2, "a1": a1, "a2": a2, "y_hat": y_hat, "loss": loss}
    return {k: float(v) for k, v in forward.items()}, {k: float(t[k].grad) for k in KEYS}


def tried(submission, function: str) -> list[tuple[tuple, object]]:
    """Every (arguments, student's result) of ``function`` the checks saw for this submission, right or wrong: a
    diagnosis must reproduce the student's results on all of them (:func:`~autograder.graders.diagnoses.diagnose_call`)."""
    return submission.cache.setdefault(f"tried:{MODULE}.{function}", [])


def student_dict(submission, function: str, keys: tuple[str, ...], *args) -> dict[str, float]:
    value = result_of(submission.call(f"{MODULE}.{function}", *args), f"{MODULE}.{function}")["result"]
    table = values.mapping(value, f"what {function} returned", list(keys))
    got = {key: values.number(table[key], f'{function}(...)["{key}"]') for key in keys}
    tried(submission, function).append((args, got))
    return got


def wrong_keys(got: dict, want: dict) -> list[str]:
    return [key for key in want if not values.close(got[key], want[key], RTOL, ATOL)]


def same_dict(a: dict, b: dict) -> bool:
    return not wrong_keys(a, b)


def record_table(title: str, got: dict, want: dict, wrong: list[str], keys: tuple[str, ...], prefix: str) -> None:
    """The student's values beside autograd's, for the report (visible tests only call this)."""
    rows = [{"name": f"{prefix}{k}", "student": got[k], "autograd": want[k], "right": k not in wrong} for k in keys]
    record({"kind": "gradients", "title": title, "rows": rows})


# ------------------------------------------------------------------ sigmoid


def sigmoid(submission):
    for z in (0.0, 2.0, -3.5):
        got = values.number(result_of(submission.call("backprop.sigmoid", z), "backprop.sigmoid")["result"], f"sigmoid({z})")
        want = float(torch.sigmoid(torch.tensor(z, dtype=torch.float64)))
        if not values.close(got, want, RTOL, ATOL):
            # The sign hint only for the value a flipped sign gives, 1 / (1 + e^z); otherwise only how far off it is.
            flipped = z != 0.0 and values.close(got, 1.0 - want, RTOL, ATOL)
            fail(
                f"sigmoid({z}) gave {got:.6g}, but 1 / (1 + e^(-z)) is {want:.6g}"
                + (": that is 1 / (1 + e^z)." if flipped else f" (off by {abs(got - want):.2g})."),
                hint="check the sign inside the exponential." if flipped else "",
                module=MODULE,
            )
    z = np.linspace(-4.0, 4.0, 12).reshape(3, 4)
    got = values.array(result_of(submission.call("backprop.sigmoid", z), "backprop.sigmoid")["result"], "sigmoid of a (3, 4) array")
    if got.shape != z.shape or not values.close(got, torch.sigmoid(torch.tensor(z)).numpy(), RTOL, ATOL):
        fail(
            "sigmoid of a (3, 4) array should be the sigmoid of each element, in an array of the same shape.",
            hint="use np.exp, which works elementwise (math.exp only takes single numbers).",
            module=MODULE,
        )
    # Far from 0 too, compared relatively: clipping z "against overflow" (say to [-10, 10]) makes another
    # function there, sigmoid(-15) = 4.5e-5 instead of 3.1e-7. The absolute 1e-12 only forgives the rounding
    # of the tanh form 0.5 * (1 + tanh(z / 2)), about 1e-17 next to sigmoid(-30) = 9.4e-14.
    z = np.array([-30.0, -20.0, -15.0, -12.0, 12.0, 15.0, 20.0, 30.0])
    got = values.array(
        result_of(submission.call("backprop.sigmoid", z), "backprop.sigmoid")["result"], "sigmoid of an array of large |z|", z.shape
    )
    want = torch.sigmoid(torch.tensor(z)).numpy()
    wrong = [i for i in range(z.size) if not values.close(got[i], want[i], 1e-6, 1e-12)]
    if wrong:
        i = wrong[0]
        fail(
            f"Far from 0 your sigmoid is not the logistic function: sigmoid({z[i]:g}) gave {got[i]:.6g}, "
            f"but 1 / (1 + e^(-z)) is {want[i]:.6g}.",
            hint="do not clip or cut off z: 1 / (1 + np.exp(-z)) is right for every z.",
            module=MODULE,
        )
    check_sigmoid_far_out(submission, FAR_OUT)
    sigmoid_precision(submission)


# Far beyond |z| = 709, where e^z / (1 + e^z) is nan (the rule: autograder/checks/backprop_rules.py).
FAR_OUT = np.array([-1000.0, -745.0, -710.0, -500.0, 500.0, 710.0, 745.0, 1000.0])

# A sigmoid computed in float32 is within about 1e-7 of the truth, so every comparison above (relative 1e-6) passes it;
# but it returns np.float32 for a float, and from z = 17 on it gives exactly 1.0. The docstring promises a float (a
# Python float, or NumPy's float64, its subclass), so these are judged in float64's terms: the type first, then the
# values up to |z| = 40 on the side where they are small, 1 - sigmoid(z) for z > 0 and sigmoid(z) for z < 0, each
# relatively (1e-6) down to a floor of a few roundings of float64 next to 1. Below that floor no float64 sigmoid can
# go (1 / (1 + e^-40) is 1.0 exactly, and the tanh form gives 0.0 at z = -40); float32 misses it by 1e-8 and more.
PRECISE_Z = np.array([-40.0, -30.0, -20.0, -17.0, -8.0, 8.0, 17.0, 20.0, 30.0, 40.0])
PRECISION_FLOOR = 4 * float(np.finfo(np.float64).eps)  # 8.9e-16
FLOAT64_HINT = (
    "compute in float64: 1 / (1 + np.exp(-z)) on a Python float or a float64 array is; converting z to float32 "
    "(np.float32, dtype=np.float32) keeps about 7 digits, and sigmoid(z) rounds to exactly 1.0 from z = 17 on."
)


def short_float(value: object) -> str | None:
    """The dtype of a result held in fewer bits than float64 (float32, float16), else None."""
    dtype = getattr(value, "dtype", None)
    if isinstance(dtype, np.dtype) and np.issubdtype(dtype, np.floating) and dtype.itemsize < 8:
        return str(dtype)
    return None


def sigmoid_precision(submission) -> None:
    """A float in gives a float64 out, an array a float64 array, and far from 0 the small side is right to float64."""
    for z, what in ((2.0, "sigmoid(2.0)"), (np.linspace(-4.0, 4.0, 12).reshape(3, 4), "sigmoid of a float64 array")):
        reply = result_of(submission.call("backprop.sigmoid", z), "backprop.sigmoid")["result"]
        short = short_float(reply)
        if short:
            fail(
                f"{what} returned {short} values: for a float the docstring asks for a float (Python's float, or NumPy's "
                "float64), and for a float64 array a float64 array; a sigmoid in float32 loses the digits of 1 - sigmoid(z) "
                "far from 0.",
                hint=FLOAT64_HINT,
                module=MODULE,
            )
    reply = result_of(submission.call("backprop.sigmoid", PRECISE_Z), "backprop.sigmoid")["result"]
    got = values.array(reply, "sigmoid of an array of |z| up to 40", PRECISE_Z.shape)
    small_want = expit(-np.abs(PRECISE_Z))  # sigmoid(z) for z < 0, 1 - sigmoid(z) for z > 0, without rounding at 1
    small_got = np.where(PRECISE_Z > 0, 1.0 - got, got)
    wrong = np.flatnonzero(~(np.abs(small_got - small_want) <= 1e-6 * small_want + PRECISION_FLOOR))
    if wrong.size:
        i = wrong[0]
        z = PRECISE_Z[i]
        side = "1 - sigmoid" if z > 0 else "sigmoid"
        fail(
            f"Far from 0 your sigmoid is not precise to float64: sigmoid({z:g}) gave {got[i]:.17g}, so {side}({z:g}) = "
            f"{small_got[i]:.6g}, but it is {small_want[i]:.6g}.",
            hint=FLOAT64_HINT,
            module=MODULE,
        )


# ------------------------------------------------------------------ forward_pass


def forward_chapter(submission):
    got = student_dict(submission, "forward_pass", FORWARD_KEYS, 1.0, 3.0, CHAPTER)
    want, _ = autograd_tiny(1.0, 3.0, CHAPTER)
    wrong = wrong_keys(got, want)
    record_table("forward values at (x, y) = (1, 3)", got, want, wrong, FORWARD_KEYS, "")
    if wrong:
        detail = ", ".join(f"{k} = {got[k]:.4f} (expected {want[k]:.4f})" for k in wrong)
        fail(
            f"On the chapter's example, {detail}.",
            hint="z = w * x + b, a = sigmoid(z), y_hat = w3 a1 + w4 a2 + b3, loss = (y_hat - y)**2.",
            module=MODULE,
        )


@cases(x=x_strategy, y=moderate, params=params_strategy)
def forward_random(submission, x, y, params):
    got = student_dict(submission, "forward_pass", FORWARD_KEYS, x, y, params)
    want, _ = autograd_tiny(x, y, params)
    wrong = wrong_keys(got, want)
    if wrong:
        cause = diagnose_call(MODULE, "forward_pass", (x, y, params), got, same_dict, tried(submission, "forward_pass"))
        fail(
            f"On other points and parameters than the chapter's, these values are wrong: {', '.join(wrong)}; at x = {x:.4g}, "
            f"y = {y:.4g}, " + "; ".join(f"{k} {how_far(got[k], want[k])}" for k in wrong) + "." + explain(cause),
            hint="make sure nothing depends on the chapter's numbers: use x, y and params everywhere.",
            module=MODULE,
        )


# ------------------------------------------------------------------ backward_pass


def backward_chapter(submission):
    got = student_dict(submission, "backward_pass", KEYS, 1.0, 3.0, CHAPTER)
    _, want = autograd_tiny(1.0, 3.0, CHAPTER)
    wrong = wrong_keys(got, want)
    record_table("gradients at (x, y) = (1, 3)", got, want, wrong, KEYS, "dL/d")
    if wrong:
        detail = ", ".join(f"dL/d{k} = {got[k]:.4f} (autograd: {want[k]:.4f})" for k in wrong)
        cause = diagnose_call(MODULE, "backward_pass", (1.0, 3.0, CHAPTER), got, same_dict, tried(submission, "backward_pass"))
        fail(
            f"On the chapter's example, {detail}." + explain(cause),
            hint="start from dL/dy_hat = 2 (y_hat - y) = -3.3142 and apply the chain rule one node at a time.",
            module=MODULE,
        )


@cases(x=x_strategy, y=moderate, params=params_strategy)
def backward_random(submission, x, y, params):
    got = student_dict(submission, "backward_pass", KEYS, x, y, params)
    _, want = autograd_tiny(x, y, params)
    wrong = wrong_keys(got, want)
    if wrong:
        cause = diagnose_call(MODULE, "backward_pass", (x, y, params), got, same_dict, tried(submission, "backward_pass"))
        right = [k for k in KEYS if k not in wrong]
        off = "; ".join(f"dL/d{k} {how_far(got[k], want[k])}" for k in wrong)
        fail(
            f"Against torch autograd on other points and parameters, dL/d{', dL/d'.join(wrong)} "
            f"{'is' if len(wrong) == 1 else 'are'} wrong"
            + (f" (dL/d{', dL/d'.join(right)} are right)" if right else "")
            + f": at x = {x:.4g}, y = {y:.4g}, {off}."
            + explain(cause),
            hint=hiding_factor_hint(wrong),
            module=MODULE,
        )


def hiding_factor_hint(wrong: list[str]) -> str:
    """What the chapter's numbers hide, for the gradients found wrong: x = 1 hides a missing x, w3 = 1 a missing w3."""
    if set(wrong) <= {"w1", "w2"}:
        return "check dL/dw1 and dL/dw2 against autograd with an x other than 1 (at x = 1 a missing factor x hides)."
    return (
        "apply the chain rule one node at a time and check each gradient against autograd away from the chapter's "
        "numbers, whose ones (x = 1, w3 = 1) hide a missing factor."
    )


# ------------------------------------------------------------------ network_gradients


@st.composite
def network_case(draw):
    n = draw(st.integers(2, 6))
    d = draw(st.integers(1, 4))
    h = draw(st.integers(2, 5).filter(lambda h: h != d))
    element = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)
    arrays = {
        "X": draw(hnp.arrays(np.float64, (n, d), elements=element)),
        "y": draw(hnp.arrays(np.float64, (n,), elements=element)),
        "W1": draw(hnp.arrays(np.float64, (h, d), elements=element)),
        "b1": draw(hnp.arrays(np.float64, (h,), elements=element)),
        "W2": draw(hnp.arrays(np.float64, (1, h), elements=element)),
        "b2": draw(hnp.arrays(np.float64, (1,), elements=element)),
    }
    return arrays


NETWORK_KEYS = ("hidden.weight", "hidden.bias", "output.weight", "output.bias")


def autograd_network(case: dict) -> dict[str, np.ndarray]:
    """torch's Linear-sigmoid-Linear with MSELoss, weights set to the case's: the gradients by state_dict name."""
    d, h = case["W1"].shape[1], case["W1"].shape[0]
    hidden, output = torch.nn.Linear(d, h).double(), torch.nn.Linear(h, 1).double()
    with torch.no_grad():
        hidden.weight.copy_(torch.tensor(case["W1"]))
        hidden.bias.copy_(torch.tensor(case["b1"]))
        output.weight.copy_(torch.tensor(case["W2"]))
        output.bias.copy_(torch.tensor(case["b2"]))
    y_hat = output(torch.sigmoid(hidden(torch.tensor(case["X"])))).flatten()
    torch.nn.functional.mse_loss(y_hat, torch.tensor(case["y"])).backward()
    return {
        "hidden.weight": hidden.weight.grad.numpy(),
        "hidden.bias": hidden.bias.grad.numpy(),
        "output.weight": output.weight.grad.numpy(),
        "output.bias": output.bias.grad.numpy(),
    }


def student_network_gradients(submission, case: dict, shaped: bool) -> dict[str, np.ndarray]:
    args = [case[k] for k in ("X", "y", "W1", "b1", "W2", "b2")]
    value = result_of(submission.call("backprop.network_gradients", *args), "backprop.network_gradients")["result"]
    table = values.mapping(value, "what network_gradients returned", list(NETWORK_KEYS))
    shapes = {
        "hidden.weight": case["W1"].shape,
        "hidden.bias": case["b1"].shape,
        "output.weight": case["W2"].shape,
        "output.bias": case["b2"].shape,
    }
    got = {k: values.array(table[k], f'network_gradients(...)["{k}"]', shapes[k] if shaped else None) for k in NETWORK_KEYS}
    if all(got[k].shape == shapes[k] for k in NETWORK_KEYS):
        tried(submission, "network_gradients").append((tuple(args), got))
    return got


# The chapter's example as network_gradients' docstring writes it: one sample, one input, two hidden units.
CHAPTER_NETWORK = {
    "X": np.array([[1.0]]),
    "y": np.array([3.0]),
    "W1": np.array([[1.0], [-1.0]]),
    "b1": np.array([1.0, 2.0]),
    "W2": np.array([[1.0, 2.0]]),
    "b2": np.array([-1.0]),
}


def chapter_network_right(submission) -> None:
    """network_gradients gives autograd's values on the chapter's example (shapes are another test's business)."""
    got = student_network_gradients(submission, CHAPTER_NETWORK, shaped=False)
    want = autograd_network(CHAPTER_NETWORK)
    wrong = [k for k in NETWORK_KEYS if got[k].size != want[k].size or not values.close(got[k].ravel(), want[k].ravel(), 1e-6, 1e-9)]
    if wrong:
        fail(
            f"on the chapter's example (X = [[1]], y = [3], the chapter's weights as arrays) these gradients are wrong: "
            f"{', '.join(wrong)}.",
            hint="the docstring's example gives the chapter's gradients: check it before anything else.",
            module=MODULE,
        )


@cases(case=network_case())
def network_gradient_shapes(submission, case):
    got = student_network_gradients(submission, case, shaped=False)
    expected = {
        "hidden.weight": case["W1"].shape,
        "hidden.bias": case["b1"].shape,
        "output.weight": case["W2"].shape,
        "output.bias": case["b2"].shape,
    }
    for key, shape in expected.items():
        if got[key].shape != shape:
            transposed = got[key].shape == shape[::-1]
            fail(
                f'The gradient "{key}" has shape {got[key].shape}, but its parameter has shape {shape}'
                + (": it is transposed." if transposed else "."),
                hint="a gradient always has its parameter's shape; for W1 (h, d) that is dZ.T @ X, of shape (h, d).",
                module=MODULE,
            )


@cases(case=network_case())
def network_gradient_values(submission, case):
    got = student_network_gradients(submission, case, shaped=True)
    want = autograd_network(case)
    wrong = [k for k in NETWORK_KEYS if not values.close(got[k], want[k], 1e-6, 1e-9)]
    if wrong:
        args = tuple(case[k] for k in ("X", "y", "W1", "b1", "W2", "b2"))
        cause = diagnose_call(
            MODULE,
            "network_gradients",
            args,
            got,
            lambda a, b: all(values.close(a[k], b[k], 1e-6, 1e-9) for k in NETWORK_KEYS),
            tried(submission, "network_gradients"),
        )
        fail(
            "Against torch autograd (nn.Linear, sigmoid, nn.Linear, nn.MSELoss), these gradients are wrong: "
            + "; ".join(f"{k}, {how_far(got[k], want[k])}" for k in wrong)
            + "."
            + explain(cause),
            hint="test with n > 1 samples and d != h: the mean brings a factor 1/n, and shapes catch transposes.",
            module=MODULE,
        )


# ------------------------------------------------------------------ numerical_gradient

NUMERICAL_CASES = [("coupled_quadratic", (5,), 1), ("log_sum_exp", (4,), 2), ("matrix", (3, 2), 3), ("cube", (2, 3, 2), 4)]
# Points given in Fortran order (the transpose of a C-ordered array), where a flattened copy is not a view.
FORTRAN_CASES = [("matrix", (3, 4), 5), ("cube", (2, 3, 4), 6)]


def autograd_scalar(name: str, x: np.ndarray) -> np.ndarray:
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    SCALAR_FUNCTIONS[name](t, torch).backward()
    return t.grad.numpy()


def student_numerical(submission, name: str, x: np.ndarray, h: float | None, order: str = "C") -> dict:
    """The student's numerical_gradient on a catalogue function at x; order "F" hands it x in Fortran order (like W.T)."""
    spec = {"function": name, "x": x, "h": h, "dtype": str(x.dtype), "order": order}
    return result_of(submission.scenario("numerical_gradient", ["backprop.numerical_gradient"], spec), "backprop.numerical_gradient")


def numerical_gradient_accuracy(submission):
    seen: list[tuple[tuple, object]] = []  # (arguments, estimate) of the cases tried so far: a diagnosis must fit them all
    for name, shape, seed in NUMERICAL_CASES:
        x = np.random.default_rng(seed).uniform(-1.5, 1.5, size=shape)
        exact = autograd_scalar(name, x)
        # h = 1e-3: a centred difference is within ~1e-6 of the truth here, a one-sided one ~1e-4 away.
        for h, tolerance in ((1e-3, 1e-5), (None, 1e-7)):
            report = student_numerical(submission, name, x, h)
            got = values.array(report["result"], "numerical_gradient's result")
            if got.shape != x.shape:
                fail(
                    f"numerical_gradient returned shape {got.shape} for an x of shape {x.shape}: it must match x.",
                    hint="start from np.zeros_like(x) and fill it with np.ndindex.",
                    module=MODULE,
                )
            error = values.relative_error(got, exact)
            args = (lambda v, n=name: float(SCALAR_FUNCTIONS[n](np.asarray(v), np)), x, *(() if h is None else (h,)))
            seen.append((args, got))
            if error > tolerance:
                step = "the default h" if h is None else f"h = {h:g}"
                cause = diagnose_call(
                    MODULE, "numerical_gradient", args, got, lambda a, b: values.relative_error(a, b) < 1e-9, seen
                )
                fail(
                    f"With {step}, your estimate is off from autograd's exact gradient by a relative error of {error:.1e} "
                    f"(a centred difference gets below {tolerance:.0e})." + explain(cause),
                    hint="grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2h), changing only element i each time.",
                    module=MODULE,
                )
    # A point given as integers (dtype int64): x[i] + h written back into an integer array is cut to an integer.
    x = np.array([1, -2, 0, 2, 1])
    got = values.array(student_numerical(submission, "coupled_quadratic", x, None)["result"], "numerical_gradient's result")
    if got.shape != x.shape or values.relative_error(got, autograd_scalar("coupled_quadratic", x.astype(float))) > 1e-7:
        fail(
            "For an x whose entries are integers (an integer array), your estimate is wrong: the nudged points x ± h "
            "need a float array, and the gradient is a float array too.",
            hint="work on a float copy, point = np.array(x, dtype=float), and fill grad = np.zeros_like(point).",
            module=MODULE,
        )
    # A point that is not C-contiguous, as a transpose W.T is: np.array(x) keeps its (Fortran) order, and then
    # reshape(-1) or ravel() is a copy, not a view of the point.
    for name, shape, seed in FORTRAN_CASES:
        x = np.random.default_rng(seed).uniform(-1.5, 1.5, size=shape[::-1]).T
        got = values.array(student_numerical(submission, name, x, None, order="F")["result"], "numerical_gradient's result")
        error = values.relative_error(got, autograd_scalar(name, x))
        if got.shape != x.shape or error > 1e-7:
            zeros = got.shape == x.shape and not np.any(got)
            fail(
                f"For an x that is not C-contiguous (a transposed matrix, x = W.T, of shape {x.shape}), your estimate is "
                + (
                    "all zeros: your nudges never reached the point f was called on. reshape(-1) or ravel() of such an "
                    "array (and of np.array(x), which keeps its order) is a copy, not a view."
                    if zeros
                    else f"wrong (relative error {error:.1e})."
                ),
                hint="nudge the point itself, point[index] for index in np.ndindex(point.shape), not a flattened view of it.",
                module=MODULE,
            )


def basic_numerical_right(submission) -> None:
    """numerical_gradient estimates a smooth function's gradient with the default h (loosely: a one-sided
    difference passes here; accuracy is another test's business)."""
    name, shape, seed = NUMERICAL_CASES[0]
    x = np.random.default_rng(seed).uniform(-1.5, 1.5, size=shape)
    got = values.array(student_numerical(submission, name, x, None)["result"], "numerical_gradient's result")
    if got.shape != x.shape or values.relative_error(got, autograd_scalar(name, x)) > 1e-3:
        fail(
            "on a smooth function of five variables your estimate is not the gradient, even roughly.",
            hint="grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2h), changing only element i each time.",
            module=MODULE,
        )


def numerical_gradient_keeps_x(submission):
    for (name, shape, seed), order in [*((case, "C") for case in NUMERICAL_CASES), *((case, "F") for case in FORTRAN_CASES)]:
        x = np.random.default_rng(seed + 10).uniform(-1.5, 1.5, size=shape)
        report = student_numerical(submission, name, x, 1e-4, order=order)
        after = values.array(report["x_after"], "x after the call")
        if after.shape != x.shape or not np.array_equal(after, x):
            fail(
                "After numerical_gradient(f, x) returned, the caller's x had changed.",
                hint="work on a copy (np.array(x, dtype=float)), or put every nudged element back exactly.",
                module=MODULE,
            )


# ------------------------------------------------------------------ sgd_step


@st.composite
def sgd_case(draw):
    names = draw(
        st.lists(
            st.sampled_from(["hidden.weight", "hidden.bias", "output.weight", "output.bias", "w1", "b3"]),
            min_size=2,
            max_size=4,
            unique=True,
        )
    )
    element = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)
    params, grads = {}, {}
    for name in names:
        shape = draw(st.sampled_from([(3,), (2, 3), (1,), (4, 1)]))
        params[name] = draw(hnp.arrays(np.float64, shape, elements=element))
        grads[name] = draw(hnp.arrays(np.float64, shape, elements=element))
    lr = draw(st.sampled_from([0.1, 0.01, 0.5]))
    return params, grads, lr


def torch_sgd(params: dict, grads: dict, lr: float) -> dict[str, np.ndarray]:
    """torch.optim.SGD's step, in float64; a float parameter becomes a 0-d tensor (its result has shape ())."""
    tensors = {k: torch.nn.Parameter(torch.tensor(np.asarray(v, dtype=np.float64))) for k, v in params.items()}
    for k, t in tensors.items():
        t.grad = torch.tensor(np.asarray(grads[k], dtype=np.float64))
    torch.optim.SGD(list(tensors.values()), lr=lr).step()
    return {k: t.detach().numpy() for k, t in tensors.items()}


# The docstring allows floats as well as arrays: the chapter's step is on the seven floats, and a dict may mix both.
SGD_FIXED = [
    {"case": (dict(CHAPTER), autograd_tiny(1.0, 3.0, CHAPTER)[1], 0.1)},
    {
        "case": (
            {"w": 0.75, "hidden.weight": np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])},
            {"w": -2.0, "hidden.weight": np.array([[1.0, 0.5, -0.25], [-2.0, 0.0, 3.0]])},
            0.5,
        )
    },
]


@cases_after(SGD_FIXED, case=sgd_case())
def sgd_step(submission, case):
    params, grads, lr = case
    outcome = submission.call("backprop.sgd_step", params, grads, lr)
    floats = [k for k, v in params.items() if isinstance(v, float)]
    if not outcome.ok and floats and raised_itself(outcome):
        try:
            result_of(outcome, "backprop.sgd_step")
        except GradingFailure as error:
            fail(
                f"Given parameters that are floats, not arrays ({', '.join(floats)}), as the docstring allows and as in the "
                f"chapter's step sgd_step(CHAPTER_PARAMS, backward_pass(1, 3, CHAPTER_PARAMS), 0.1): {error}",
                hint="p - lr * g works for floats and arrays alike, and makes a new value without copying; a float has no .copy().",
                module=MODULE,
            )
    value = result_of(outcome, "backprop.sgd_step")["result"]
    table = values.mapping(value, "what sgd_step returned", list(params))
    want = torch_sgd(params, grads, lr)
    got = {k: values.array(table[k], f'sgd_step(...)["{k}"]', want[k].shape) for k in want}
    tried(submission, "sgd_step").append((case, got))
    if not all(values.close(got[k], want[k], 1e-9, 1e-12) for k in want):
        cause = diagnose_call(MODULE, "sgd_step", case, got, same_step, tried(submission, "sgd_step"))
        fail(
            "Your step does not match torch.optim.SGD(lr=lr).step() on the same parameters and gradients." + explain(cause),
            hint="each parameter becomes p - lr * g.",
            module=MODULE,
        )


def same_step(a: dict, b: object) -> bool:
    """Two sgd_step results agree: the same names, each value within 1e-9 (relative) of the other's."""
    try:
        return a.keys() == b.keys() and all(values.close(a[k], b[k], 1e-9, 1e-12) for k in a)
    except (AttributeError, ValueError, TypeError):
        return False


def chapter_step_right(submission) -> None:
    """sgd_step takes the chapter's step (lr = 0.1), each parameter given as a one-element array (floats are
    another test's business)."""
    params = {k: np.array([v]) for k, v in CHAPTER.items()}
    grads = {k: np.array([g]) for k, g in autograd_tiny(1.0, 3.0, CHAPTER)[1].items()}
    value = result_of(submission.call("backprop.sgd_step", params, grads, 0.1), "backprop.sgd_step")["result"]
    table = values.mapping(value, "what sgd_step returned", list(params))
    want = torch_sgd(params, grads, 0.1)
    if not all(values.close(values.array(table[k], f'sgd_step(...)["{k}"]', (1,)), want[k], 1e-9, 1e-12) for k in want):
        fail(
            "on the chapter's step (lr = 0.1, from b3 = -1 and dL/db3 = -3.3142 to b3 = -0.6686) your step is wrong.",
            hint="each parameter becomes p - lr * g.",
            module=MODULE,
        )


@cases(case=sgd_case())
def sgd_step_pure(submission, case):
    params, grads, lr = case
    reply = result_of(submission.call("backprop.sgd_step", params, grads, lr, return_args=True), "backprop.sgd_step")
    params_after, grads_after = reply["args_after"][0], reply["args_after"][1]
    for label, before, after in (("params", params, params_after), ("grads", grads, grads_after)):
        table = values.mapping(after, label, list(before))
        if any(not np.array_equal(values.array(table[k], k), before[k]) for k in before):
            fail(
                f"sgd_step changed the {label} dict it was given (or the arrays inside it).",
                hint="build a new dict with p - lr * g; `p -= lr * g` changes the caller's array in place.",
                module=MODULE,
            )
