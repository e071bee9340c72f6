"""Part 1's hidden tests (backpropagation by hand), as data: the runner executes each row; the part's points are their sum.

Every expected value comes from torch autograd in the judge's process, on the same numbers the
student's function receives; the random tests draw their inputs with hypothesis, the same ones
for every submission (a regrade sees the same inputs).
"""

from __future__ import annotations

from autograder.judge.table import Test, ValuesFirst

TESTS = [
    Test("test_sigmoid", "sigmoid", "the logistic function on floats and arrays", 2, "sigmoid", hidden=False),
    Test("test_forward_chapter", "forward_pass", "the chapter's example (x, y) = (1, 3)", 2, "forward_chapter", hidden=False),
    Test("test_forward_random", "forward_pass", "random points and parameters", 3, "forward_random"),
    Test("test_backward_chapter", "backward_pass", "the chapter's example (x, y) = (1, 3)", 3, "backward_chapter", hidden=False),
    Test("test_backward_random", "backward_pass", "random points and parameters, x other than 1", 6, "backward_random"),
    Test(
        "test_network_gradient_shapes",
        "network_gradients",
        "every gradient has its parameter's shape",
        2,
        "network_gradient_shapes",
        values_first=ValuesFirst("the chapter's example", "chapter_network_right"),
    ),
    Test(
        "test_network_gradient_values",
        "network_gradients",
        "matches autograd with n samples, d inputs, h hidden units",
        5,
        "network_gradient_values",
    ),
    Test(
        "test_numerical_gradient_accuracy",
        "numerical_gradient",
        "centred differences, accurate to about h squared",
        3,
        "numerical_gradient_accuracy",
    ),
    Test(
        "test_numerical_gradient_keeps_x",
        "numerical_gradient",
        "leaves the caller's x unchanged",
        1,
        "numerical_gradient_keeps_x",
        values_first=ValuesFirst("a smooth function", "basic_numerical_right"),
    ),
    Test("test_sgd_step", "sgd_step", "matches torch.optim.SGD's step", 2, "sgd_step"),
    Test(
        "test_sgd_step_pure",
        "sgd_step",
        "changes neither the params nor the grads it is given",
        1,
        "sgd_step_pure",
        values_first=ValuesFirst("the chapter's step", "chapter_step_right"),
    ),
]
