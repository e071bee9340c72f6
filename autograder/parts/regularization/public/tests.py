"""Part 5's public checks (dropout and L2 regularisation), as data: what `python -m autograder check` runs, one point each, on public inputs."""

from __future__ import annotations

from autograder.judge.table import Test

TESTS = [
    Test("test_dropout_fraction", "dropout", "zeroes about p of the elements, each on its own draw", 1, "dropout_fraction", hidden=False),
    Test("test_dropout_scale", "dropout", "scales the survivors by exactly 1 / (1 - p)", 1, "dropout_scale", hidden=False),
    Test("test_dropout_eval", "dropout", "returns x unchanged in evaluation mode", 1, "dropout_eval", hidden=False),
    Test("test_dropout_extremes", "dropout", "p = 0 keeps everything, p = 1 zeroes everything (no NaN)", 1, "dropout_extremes", hidden=False),
    Test("test_dropout_pure", "dropout", "leaves x unchanged and lets gradients flow back to x", 1, "dropout_pure", hidden=False),
    Test("test_dropout_random", "dropout", "draws a fresh mask from torch's random generator", 1, "dropout_random", hidden=False),
    Test("test_l2_value", "l2_penalty", "lam / 2 times the sum of squares of every parameter", 1, "l2_value", hidden=False),
    Test("test_l2_step", "l2_penalty", "SGD on loss + penalty takes the weight_decay step", 1, "l2_step", hidden=False),
    Test("test_network_structure", "network", "Linear, sigmoid, Linear with the given sizes", 1, "network_structure", hidden=False),
    Test("test_network_eval", "network", "no dropout in eval mode", 1, "network_eval", hidden=False),
    Test("test_network_dropout_place", "network", "dropout acts on the hidden activations in training mode", 1, "network_dropout_place", hidden=False),
]
