"""Part 3's public checks (validation loss), as data: what `python -m autograder check` runs, one point each, on public inputs."""

from __future__ import annotations

from autograder.judge.table import Test

TESTS = [
    Test("test_curves", "trainer", "training and validation losses match the solution's (public data)", 1, "curves", hidden=False),
    Test("test_modes", "trainer", "validates in eval mode, trains in train mode (model with dropout)", 1, "modes", hidden=False),
    Test("test_no_graph", "trainer", "validation builds no autograd graph", 1, "no_graph", hidden=False),
    Test("test_no_updates", "trainer", "validation never updates the weights", 1, "no_updates", hidden=False),
]
