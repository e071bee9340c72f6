"""Part 2's public checks (the training loop), as data: what `python -m autograder check` runs, one point each, on public inputs."""

from __future__ import annotations

from autograder.judge.table import Test

TESTS = [
    Test("test_train_step", "train_step", "three steps match the solution's (public data)", 1, "train_step", hidden=False),
    Test("test_train_step_float", "train_step", "returns the loss as a Python float", 1, "train_step_float", hidden=False),
    Test("test_trainer", "trainer", "one loss per epoch, the mean of the batch losses (last batch smaller)", 1, "trainer", hidden=False),
]
