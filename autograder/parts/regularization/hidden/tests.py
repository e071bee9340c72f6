"""Part 5's hidden tests (dropout and L2 regularisation), as data: the runner executes each row; the part's points are their sum.

Dropout is judged by what it does, not how it draws its mask: any way of drawing from torch's
generator passes (``torch.rand``, ``torch.bernoulli``, ``torch.rand_like(x) < 1 - p``, ...).
"""

from __future__ import annotations

from autograder.judge.table import Test, ValuesFirst

# The property tests' value check: the chapter's nn.Dropout(p=0.5), loosely.
DROPOUT_RIGHT = ValuesFirst("the chapter's example, p = 0.5", "chapter_dropout_right")

TESTS = [
    Test("test_dropout_fraction", "dropout", "zeroes each element with probability p", 2, "dropout_fraction", hidden=False),
    Test("test_dropout_scale", "dropout", "scales the survivors by exactly 1 / (1 - p)", 2, "dropout_scale", hidden=False),
    Test("test_dropout_eval", "dropout", "returns x unchanged in evaluation mode", 1, "dropout_eval", values_first=DROPOUT_RIGHT),
    Test(
        "test_dropout_extremes", "dropout", "p = 0 keeps everything, p = 1 zeroes everything (no NaN)", 1, "dropout_extremes", values_first=DROPOUT_RIGHT
    ),
    Test("test_dropout_pure", "dropout", "leaves x unchanged", 0.5, "dropout_pure", values_first=DROPOUT_RIGHT),
    Test("test_dropout_differentiable", "dropout", "lets gradients flow back to x", 0.5, "dropout_differentiable", values_first=DROPOUT_RIGHT),
    Test("test_dropout_random", "dropout", "draws a fresh mask from torch's random generator", 1, "dropout_random", values_first=DROPOUT_RIGHT),
    Test("test_l2_value", "l2_penalty", "lam / 2 times the sum of squares of every parameter", 2, "l2_value"),
    Test("test_l2_step", "l2_penalty", "SGD on loss + penalty takes the weight_decay step", 2, "l2_step"),
    Test("test_network_structure", "network", "Linear, sigmoid, Linear with the given sizes", 1, "network_structure"),
    Test("test_network_eval", "network", "no dropout in eval mode", 1, "network_eval"),
    Test("test_network_dropout_place", "network", "dropout acts on the hidden activations in training mode", 3, "network_dropout_place"),
]
