"""Part 5's public inputs, judged by the chapter's rules (other seeds, shapes and sizes than the hidden graders').

``facts()`` is what the stored expected results hold for the L2 checks: the squares of the judge's model's
parameters and the weight-decay step (``python -m autograder public-checks --write`` computes them).
"""

from __future__ import annotations

import numpy as np

from autograder.sandbox.specs import Scenario, regression

SCENARIOS: dict[str, Scenario] = {}

DROPOUT = {"data_seed": 8, "shape": [120, 80], "seed": 9}
DROPOUT_PS = (0.25, 0.6)
L2 = {"data": regression(6, 6, seed=27, features=2), "model": {"hidden": 4, "seed": 37}, "gain": 0.8, "lam": 0.2, "lr": 0.05}


def network_spec() -> dict:
    rng = np.random.default_rng(29)
    return {
        "inputs": 2,
        "hidden": 8,
        "p": 0.4,
        "seed": 6,
        "W1": rng.normal(size=(8, 2)),
        "b1": rng.normal(size=8),
        "offset": 0.5,
        "X": rng.normal(size=(300, 2)),
    }


def facts() -> dict:
    """The judge's facts for the L2 checks: each parameter's sum of squares, and one SGD step with weight decay."""
    from autograder.parts.regularization.runner import weight_decay_step  # only `public-checks --write` computes facts
    from autograder.sandbox.models import build_l2_model

    model = build_l2_model(L2, L2["data"]["features"])
    squares = {name: float((p.detach().double() ** 2).sum()) for name, p in model.named_parameters()}
    step = {name: np.asarray(value).tolist() for name, value in weight_decay_step(L2).items()}
    return {"l2": {"squares": squares, "weight_decay_step": step}}
