"""Part 6's public checks (putting it all together), as data: what `python -m autograder check` runs, one point each, on public inputs."""

from __future__ import annotations

from autograder.judge.table import Test

TESTS = [
    Test("test_linear_block", "linear_block", "Linear, LeakyReLU, Dropout(p), in this order", 1, "linear_block", hidden=False),
    Test("test_classifier", "classifier", "one logit per image, from linear blocks, no activation at the end", 1, "classifier", hidden=False),
    Test("test_losses", "trainer", "training and validation losses match the solution's", 1, "losses", hidden=False),
    Test("test_accuracies", "trainer", "training and validation accuracy match the solution's", 1, "accuracies", hidden=False),
    Test("test_stops", "trainer", "stops early by the chapter's rule (patience 3, then 2)", 1, "stops", hidden=False),
    Test("test_verbose", "trainer", "one line per epoch with verbose=True, none without", 1, "verbose", hidden=False),
    Test("test_validation_hygiene", "trainer", "validates in eval mode, without a graph or updates", 1, "validation_hygiene", hidden=False),
]
