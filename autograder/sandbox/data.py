"""The judge's data: seeded regression and image sets, scikit-learn's digits, and ``build_data`` for a data spec.

Every array comes from a seed through the captured NumPy generator (see
:mod:`autograder.sandbox.capture`), so the child and the judge build the
same data, number for number, whatever the student's code replaced. The
digits are read by the judge only (from scikit-learn's installed data file,
found without importing scikit-learn) and sent to the child with the scenario:
no data spec a child builds reads a data set, so nothing a submission puts in
``sys.modules`` can change them.

Who may import it: the sandbox's scenario modules (:mod:`autograder.sandbox.runners`) and the hidden graders.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import torch

from autograder.sandbox.capture import default_rng


def regression_data(seed: int, n: int, features: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A smooth target with noise: X (n, features) in [-2, 2], y (n,), both float32."""
    rng = default_rng(seed)
    X = rng.uniform(-2.0, 2.0, size=(n, features))
    y = np.sin(X).sum(axis=1) + 0.5 * X[:, 0] ** 2 + 0.3 * rng.standard_normal(n)
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)


def image_data(seed: int, n: int, side: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Small two-class "images": X (n, side, side) float32 in [0, 1], y (n,) int64 labels 0/1."""
    rng = default_rng(seed)
    labels = rng.integers(0, 2, size=n)
    pattern = rng.uniform(0.0, 1.0, size=(2, side, side))
    X = 0.6 * pattern[labels] + 0.4 * rng.uniform(0.0, 1.0, size=(n, side, side))
    return torch.tensor(X, dtype=torch.float32), torch.tensor(labels, dtype=torch.int64)


def _digits_csv():
    """scikit-learn's bundled digits file, found without importing scikit-learn (two seconds saved per process)."""
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
    rng = default_rng(seed)
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


def _generate(spec: dict, seed: int, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    if spec["kind"] == "regression":
        return regression_data(seed, n, spec["features"])
    if spec["kind"] == "images":
        return image_data(seed, n, spec["side"])
    raise ValueError(f"unknown data kind {spec['kind']!r}")


def build_data(spec: dict) -> tuple[torch.Tensor, ...]:
    """(X_train, y_train, X_valid, y_valid) for a data spec.

    ``valid_seed`` draws the validation samples from a seed of their own, leaving the training samples as they
    are: two scenarios that differ only there tell whether a trainer's training depends on its validation data.
    """
    n_train, n_valid = spec["n_train"], spec.get("n_valid", 0)
    X, y = _generate(spec, spec["seed"], n_train + n_valid)
    if spec.get("valid_seed") is not None:
        X_other, y_other = _generate(spec, spec["valid_seed"], n_valid)
        X, y = torch.cat([X[:n_train], X_other]), torch.cat([y[:n_train], y_other])
    if spec.get("valid_targets") == "zeros":  # scripted validation: targets 0 make the loss the script
        y = y.clone()
        y[n_train:] = 0
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]
