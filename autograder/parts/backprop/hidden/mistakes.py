"""Part 1's known mistakes (backpropagation by hand): patches of ``solutions/backprop.py`` that the grader names when a result matches one.

When two mistakes give the same numbers, other scenarios decide between them, else both are named (see diagnoses.py).
"""

from __future__ import annotations

from autograder.graders.mistakes import Mistake

MISTAKES: list[Mistake] = [
    Mistake(
        "no_sigmoid_derivative",
        "backprop",
        "backward_pass",
        (
            ('params["w3"] * f["a1"] * (1.0 - f["a1"])', 'params["w3"]'),
            ('params["w4"] * f["a2"] * (1.0 - f["a2"])', 'params["w4"]'),
        ),
        "the sigmoid's derivative is missing: going from a1 back to z1 multiplies by a1 * (1 - a1)",
    ),
    Mistake(
        "sigmoid_derivative_is_a",
        "backprop",
        "backward_pass",
        (('f["a1"] * (1.0 - f["a1"])', 'f["a1"]'), ('f["a2"] * (1.0 - f["a2"])', 'f["a2"]')),
        "the sigmoid's derivative written as a instead of a * (1 - a)",
    ),
    Mistake(
        "no_factor_2",
        "backprop",
        "backward_pass",
        (('d_y_hat = 2.0 * (f["y_hat"] - y)', 'd_y_hat = f["y_hat"] - y'),),
        "the factor 2 of the squared error is missing: dL/dy_hat = 2 * (y_hat - y)",
    ),
    Mistake(
        "sign_flipped",
        "backprop",
        "backward_pass",
        (('d_y_hat = 2.0 * (f["y_hat"] - y)', 'd_y_hat = 2.0 * (y - f["y_hat"])'),),
        "the sign is flipped: dL/dy_hat = 2 * (y_hat - y), not 2 * (y - y_hat)",
    ),
    Mistake(
        "no_factor_x",
        "backprop",
        "backward_pass",
        (('"w1": d_z1 * x,', '"w1": d_z1,'), ('"w2": d_z2 * x,', '"w2": d_z2,')),
        "dL/dw1 and dL/dw2 lack the factor x: z1 = w1 * x + b1, so dz1/dw1 = x (it hides when x = 1, as in the chapter)",
    ),
    Mistake(
        "no_factor_w3",
        "backprop",
        "backward_pass",
        (('d_y_hat * params["w3"] * f["a1"]', 'd_y_hat * f["a1"]'),),
        "dL/dz1 lacks the factor w3: hidden unit 1 reaches the output through w3, so dL/da1 = dL/dy_hat * w3 "
        "(it hides when w3 = 1, as in the chapter)",
    ),
    Mistake(
        "no_output_weight_factors",
        "backprop",
        "backward_pass",
        (('d_y_hat * params["w3"] * f["a1"]', 'd_y_hat * f["a1"]'), ('d_y_hat * params["w4"] * f["a2"]', 'd_y_hat * f["a2"]')),
        "the hidden gradients lack the output weights: dL/da1 = dL/dy_hat * w3 and dL/da2 = dL/dy_hat * w4",
    ),
    Mistake(
        "w3_w4_swapped",
        "backprop",
        "backward_pass",
        (('"w3": d_y_hat * f["a1"],', '"w3": d_y_hat * f["a2"],'), ('"w4": d_y_hat * f["a2"],', '"w4": d_y_hat * f["a1"],')),
        "dL/dw3 and dL/dw4 are swapped: w3 multiplies a1 and w4 multiplies a2",
    ),
    Mistake(
        "z_for_a",
        "backprop",
        "backward_pass",
        (('"w3": d_y_hat * f["a1"],', '"w3": d_y_hat * f["z1"],'), ('"w4": d_y_hat * f["a2"],', '"w4": d_y_hat * f["z2"],')),
        "the output weights' gradients use z (before the sigmoid) where a (after it) belongs",
    ),
    Mistake(
        "hidden_through_wrong_weight",
        "backprop",
        "backward_pass",
        (
            ('d_y_hat * params["w3"] * f["a1"]', 'd_y_hat * params["w4"] * f["a1"]'),
            ('d_y_hat * params["w4"] * f["a2"]', 'd_y_hat * params["w3"] * f["a2"]'),
        ),
        "the gradient reaches hidden unit 1 through w4 (and unit 2 through w3): unit 1 feeds the output through w3",
    ),
    Mistake(
        "forward_z_for_a",
        "backprop",
        "forward_pass",
        (('y_hat = params["w3"] * a1 + params["w4"] * a2 + params["b3"]', 'y_hat = params["w3"] * z1 + params["w4"] * z2 + params["b3"]'),),
        "the output is computed from z (before the sigmoid) instead of a (after it)",
    ),
    Mistake(
        "forward_no_square",
        "backprop",
        "forward_pass",
        (("    loss = (y_hat - y) ** 2\n    values", "    loss = y_hat - y\n    values"),),
        "the loss is not squared: loss = (y_hat - y) ** 2",
    ),
    Mistake(
        "sum_not_mean",
        "backprop",
        "network_gradients",
        (("d_y_hat = 2.0 * (y_hat - y) / len(y)", "d_y_hat = 2.0 * (y_hat - y)"),),
        "gradients summed over the n samples instead of averaged: the loss is a mean, so dL/dy_hat carries a factor 1/n",
    ),
    Mistake(
        "matrix_no_factor_2",
        "backprop",
        "network_gradients",
        (("d_y_hat = 2.0 * (y_hat - y) / len(y)", "d_y_hat = (y_hat - y) / len(y)"),),
        "the factor 2 of the squared error is missing",
    ),
    Mistake(
        "matrix_no_sigmoid_derivative",
        "backprop",
        "network_gradients",
        (("(d_y_hat[:, None] * W2) * A * (1.0 - A)", "(d_y_hat[:, None] * W2)"),),
        "the sigmoid's derivative A * (1 - A) is missing from the hidden layer's gradient",
    ),
    Mistake(
        "one_sided",
        "backprop",
        "numerical_gradient",
        (
            ("        point[index] = original - h\n", "        point[index] = original\n"),
            ("(f_plus - f_minus) / (2.0 * h)", "(f_plus - f_minus) / h"),
        ),
        "a one-sided difference (f(x + h) - f(x)) / h: use the centred (f(x + h) - f(x - h)) / (2h), which is far more accurate",
    ),
    Mistake(
        "divide_by_h",
        "backprop",
        "numerical_gradient",
        (("(f_plus - f_minus) / (2.0 * h)", "(f_plus - f_minus) / h"),),
        "dividing the centred difference by h instead of 2h (the two points are 2h apart)",
    ),
    Mistake(
        "sgd_plus",
        "backprop",
        "sgd_step",
        (("params[name] - lr * grads[name]", "params[name] + lr * grads[name]"),),
        "a step up the gradient: gradient descent moves against it, p - lr * g",
    ),
]
