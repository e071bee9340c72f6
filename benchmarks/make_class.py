"""Make a synthetic class for benchmarks: N submissions cycling through right, partly right, wrong and untouched.

Each submission is a folder laid out like ``exercises/``: the reference
solutions, the untouched stubs, or a mix, with one of several typical
mistakes for the "wrong" kind, so the graders do their full work (diagnoses
included) and not only the fast path of NotImplementedError.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from autograder import EXERCISES_DIR, SOLUTIONS_DIR

KINDS = ("right", "partly_right", "wrong", "untouched")
MISTAKES = [
    ("backprop.py", '"w1": d_z1 * x,', '"w1": d_z1,'),
    ("training_loop.py", "    optimizer.zero_grad()\n    y_hat = model(X).flatten()", "    y_hat = model(X).flatten()"),
    ("validation.py", "        model.eval()\n", ""),
    ("early_stopping.py", "if consecutive_increases == patience:", "if consecutive_increases > patience:"),
    ("regularization.py", "    return x * keep / (1.0 - p)", "    return x * keep / p"),
    ("putting_it_together.py", "(torch.sigmoid(y_hat) > 0.5)", "(y_hat > 0.5)"),
]
PARTLY_DONE = ("backprop.py", "training_loop.py", "validation.py")


def files_for(kind: str, index: int) -> dict[str, str]:
    """The files of submission number ``index`` of the given kind."""
    solutions = {p.name: p.read_text() for p in SOLUTIONS_DIR.glob("*.py")}
    stubs = {p.name: p.read_text() for p in EXERCISES_DIR.glob("*.py")}
    if kind == "right":
        return solutions
    if kind == "untouched":
        return stubs
    if kind == "partly_right":
        return {name: solutions[name] if name in PARTLY_DONE else stubs[name] for name in solutions}
    name, old, new = MISTAKES[index % len(MISTAKES)]
    return {**solutions, name: solutions[name].replace(old, new)}


def make_class(out: Path, n: int) -> dict[str, str]:
    """Write ``n`` submissions under ``out``; returns student -> kind."""
    if out.exists():
        shutil.rmtree(out)
    kinds = {}
    for index in range(n):
        kind = KINDS[index % len(KINDS)]
        student = f"student_{index:03d}_{kind}"
        folder = out / student
        folder.mkdir(parents=True)
        for name, text in files_for(kind, index // len(KINDS)).items():
            (folder / name).write_text(text)
        kinds[student] = kind
    return kinds
