"""Part 1's public checks (backpropagation by hand), as data: what `python -m autograder check` runs, one point each, on public inputs."""

from __future__ import annotations

from autograder.judge.table import Test

TESTS = [
    Test("test_sigmoid", "sigmoid", "the logistic function on floats, arrays and far from 0", 1, "sigmoid", hidden=False),
    Test("test_forward", "forward_pass", "the chapter's example and another point", 1, "forward", hidden=False),
    Test("test_backward", "backward_pass", "the chapter's example and a point with x = 2", 1, "backward", hidden=False),
    Test("test_network_gradient_shapes", "network_gradients", "each gradient has its parameter's shape (n=4, d=2, h=3)", 1, "network_gradient_shapes", hidden=False),
    Test("test_network_gradient_values", "network_gradients", "matches the solution on 4 samples", 1, "network_gradient_values", hidden=False),
    Test("test_numerical_gradient", "numerical_gradient", "centred differences on two public functions", 1, "numerical_gradient", hidden=False),
    Test("test_numerical_gradient_inputs", "numerical_gradient", "an integer x, a transposed x, and x left unchanged", 1, "numerical_gradient_inputs", hidden=False),
    Test("test_sgd_step", "sgd_step", "the chapter's step on floats, and a step on arrays", 1, "sgd_step", hidden=False),
    Test("test_sgd_step_pure", "sgd_step", "returns a new dict and changes neither input", 1, "sgd_step_pure", hidden=False),
]
