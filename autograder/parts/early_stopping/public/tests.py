"""Part 4's public checks (early stopping), as data: what `python -m autograder check` runs, one point each, on public inputs."""

from __future__ import annotations

from autograder.judge.table import Test

TESTS = [
    Test("test_docstring", "trainer", "the docstring's example stops after epoch 6", 1, "docstring", hidden=False),
    Test("test_reset", "trainer", "a decrease resets the count (the docstring's second example)", 1, "reset", hidden=False),
    Test("test_equal", "trainer", "an equal loss is not an increase", 1, "equal", hidden=False),
    Test("test_patience_one", "trainer", "with patience 1 it stops at the first increase", 1, "patience_one", hidden=False),
    Test("test_message", "trainer", "prints the stop message with the epoch and the count", 1, "message", hidden=False),
    Test("test_curves", "trainer", "losses and weights match the solution's (model with dropout)", 1, "curves", hidden=False),
    Test("test_validation_hygiene", "trainer", "validates in eval mode, without a graph or updates", 1, "validation_hygiene", hidden=False),
]
