"""Part 1's public inputs: the chapter's example, other points, and numerical gradients of public functions
(C order, integers, a transposed matrix); the hidden graders use other inputs.

``facts()`` is what the stored expected results hold besides the solution's outputs: autograd's exact
gradient of each numerical-gradient scenario (``python -m autograder public-checks --write`` computes it).
"""

from __future__ import annotations

import numpy as np

from autograder.sandbox.specs import Call, Scenario

SCENARIOS: dict[str, Scenario] = {
    "numerical_gradient.public": Scenario(
        "numerical_gradient", ("backprop.numerical_gradient",), {"function": "log_sum_exp", "x": [0.3, -0.8, 1.1], "h": 0.001}
    ),
    "numerical_gradient.public_default_h": Scenario(
        "numerical_gradient", ("backprop.numerical_gradient",), {"function": "coupled_quadratic", "x": [0.7, -0.2, 0.4, 1.3], "h": None}
    ),
    "numerical_gradient.public_integers": Scenario(
        "numerical_gradient",
        ("backprop.numerical_gradient",),
        {"function": "coupled_quadratic", "x": [2, 0, -1, 1], "h": None, "dtype": "int64"},
    ),
    "numerical_gradient.public_transposed": Scenario(
        "numerical_gradient",
        ("backprop.numerical_gradient",),
        {"function": "matrix", "x": [[0.2, -0.4], [0.9, 0.1], [-0.6, 0.5]], "h": None, "order": "F"},
    ),
}

CHAPTER = {"w1": 1.0, "w2": -1.0, "b1": 1.0, "b2": 2.0, "w3": 1.0, "w4": 2.0, "b3": -1.0}
OTHER_POINT = (2.0, -1.0, {"w1": 0.5, "w2": -1.5, "b1": 0.25, "b2": 1.0, "w3": -0.75, "w4": 1.25, "b3": 0.5})


def _network_case() -> tuple:
    rng = np.random.default_rng(2026)
    n, d, h = 4, 2, 3
    return (
        rng.normal(size=(n, d)),
        rng.normal(size=n),
        rng.normal(size=(h, d)),
        rng.normal(size=h),
        rng.normal(size=(1, h)),
        rng.normal(size=1),
    )


CHAPTER_GRADS = {"w1": 0.0, "w2": 0.0, "b1": 0.0, "b2": 0.0, "w3": 0.0, "w4": 0.0, "b3": -3.3142}  # the chapter's step for b3

CALLS: dict[str, Call] = {
    "forward_pass.chapter": Call("backprop.forward_pass", (1.0, 3.0, CHAPTER)),
    "forward_pass.other": Call("backprop.forward_pass", OTHER_POINT),
    "backward_pass.chapter": Call("backprop.backward_pass", (1.0, 3.0, CHAPTER)),
    "backward_pass.other": Call("backprop.backward_pass", OTHER_POINT),
    "network_gradients.public": Call("backprop.network_gradients", _network_case()),
    "sgd_step.chapter": Call("backprop.sgd_step", (dict(CHAPTER), CHAPTER_GRADS, 0.1)),
    "sgd_step.arrays": Call(
        "backprop.sgd_step",
        (
            {"hidden.weight": np.array([[0.5, -1.0], [2.0, 0.25]]), "output.bias": np.array([0.3])},
            {"hidden.weight": np.array([[1.0, -0.5], [0.0, 2.0]]), "output.bias": np.array([-1.5])},
            0.05,
        ),
    ),
}


def facts() -> dict:
    """Autograd's exact gradient at each numerical-gradient scenario's x (computed when the expected results are written)."""
    import torch  # only `public-checks --write` computes facts; the checks read them from expected.json

    from autograder.parts.backprop.runner import SCALAR_FUNCTIONS

    exact = {}
    for key, scenario in SCENARIOS.items():
        t = torch.tensor(np.array(scenario.spec["x"], dtype=float), dtype=torch.float64, requires_grad=True)
        SCALAR_FUNCTIONS[scenario.spec["function"]](t, torch).backward()
        exact[key] = t.grad.numpy().tolist()
    return {"exact_gradients": exact}
