"""Part 1 - Backpropagation by hand (chapter section 1.1).

The chapter's tiny network has one input, two hidden units with a sigmoid
activation, one output and the squared-error loss::

    z1 = w1 * x + b1        a1 = sigmoid(z1)
    z2 = w2 * x + b2        a2 = sigmoid(z2)
    y_hat = w3 * a1 + w4 * a2 + b3
    loss  = (y_hat - y) ** 2

In PyTorch terms: ``hidden = nn.Linear(1, 2)`` holds ``[[w1], [w2]]`` and
``[b1, b2]``; ``output = nn.Linear(2, 1)`` holds ``[[w3, w4]]`` and ``[b3]``.

Everything in this file uses NumPy only: no torch. The point is to do by hand
what ``loss.backward()`` does for you, then check yourself against it.

The checks and the grader run this file where torch cannot be used:
``import torch`` still works, but any use of it fails with "part 1 asks for
NumPy only: torch is not available here", and the function that used it earns
no points. Compare with autograd under ``if __name__ == "__main__":`` or in a
separate script, which they never run.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

CHAPTER_PARAMS = {"w1": 1.0, "w2": -1.0, "b1": 1.0, "b2": 2.0, "w3": 1.0, "w4": 2.0, "b3": -1.0}


def sigmoid(z):
    """The logistic function 1 / (1 + e^(-z)), elementwise.

    Args:
        z: a float or a NumPy array of any shape.

    Returns:
        A float for a float, an array of the same shape for an array; every
        value lies strictly between 0 and 1.

    Example:
        >>> round(float(sigmoid(2.0)), 4)    # the chapter's a1
        0.8808

    Hint: ``np.exp`` works on floats and arrays alike.
    """
    return 1.0 / (1.0 + np.exp(-z))


def forward_pass(x: float, y: float, params: dict) -> dict:
    """Run the tiny network forward on one data point and keep every value.

    Args:
        x: the input (a float).
        y: the target (a float).
        params: the seven parameters as floats, under the keys of
            ``CHAPTER_PARAMS``: "w1", "w2", "b1", "b2", "w3", "w4", "b3".

    Returns:
        A dict of floats under "z1", "z2" (hidden values before the
        activation), "a1", "a2" (after it), "y_hat" (the output) and "loss",
        where loss = (y_hat - y) ** 2. No mean, no factor 1/2.

    Example (the chapter's point (x, y) = (1, 3) with ``CHAPTER_PARAMS``):
        z1 = 2, z2 = 1, a1 = 0.8808, a2 = 0.7311, y_hat = 1.3429, loss = 2.746.

    Hint: write the five equations at the top of this file one per line.
    """
    z1 = params["w1"] * x + params["b1"]
    z2 = params["w2"] * x + params["b2"]
    a1 = sigmoid(z1)
    a2 = sigmoid(z2)
    y_hat = params["w3"] * a1 + params["w4"] * a2 + params["b3"]
    loss = (y_hat - y) ** 2
    return {"z1": float(z1), "z2": float(z2), "a1": float(a1), "a2": float(a2), "y_hat": float(y_hat), "loss": float(loss)}


def backward_pass(x: float, y: float, params: dict) -> dict:
    """The gradient of the loss with respect to each of the seven parameters.

    Apply the chain rule from the loss backwards, reusing what the forward
    pass computed:

    - dL/dy_hat = 2 (y_hat - y)
    - the output layer: dL/db3 = dL/dy_hat; dL/dw3 = dL/dy_hat * a1; dL/dw4 = dL/dy_hat * a2
    - into each hidden unit: dL/dz1 = dL/dy_hat * w3 * sigmoid'(z1), and
      sigmoid'(z) = sigmoid(z) (1 - sigmoid(z)) = a1 (1 - a1); likewise for unit 2 with w4
    - the hidden layer: dL/db1 = dL/dz1 and dL/dw1 = dL/dz1 * x (the chapter
      leaves w1 and w2 to the reader: they are required here)

    Args:
        x, y: one data point (floats).
        params: the seven parameters, as for :func:`forward_pass`.

    Returns:
        A dict with the same seven keys as ``params``, each holding dL/dp as a float.

    Example (the chapter's point and parameters), rounded to 4 decimals:
        b3: -3.3142, w3: -2.9191, w4: -2.4229, b1: -0.3480, b2: -1.3032,
        w1: -0.3480, w2: -1.3032. (w1 equals b1 only because x = 1.)

    Hint: call :func:`forward_pass` first. Check yourself against
    ``torch.autograd`` on the same numbers, with an x other than 1, in a
    separate script or under ``if __name__ == "__main__":`` (torch is not
    available to this file's functions when they are checked and graded).
    """
    f = forward_pass(x, y, params)
    d_yhat = 2 * (f["y_hat"] - y)
    d_z1 = d_yhat * params["w3"] * f["a1"] * (1 - f["a1"])
    d_z2 = d_yhat * params["w4"] * f["a2"] * (1 - f["a2"])
    return {
        "w1": float(d_z1 * x), "w2": float(d_z2 * x), "b1": float(d_z1), "b2": float(d_z2),
        "w3": float(d_yhat * f["a1"]), "w4": float(d_yhat * f["a2"]), "b3": float(d_yhat),
    }


def network_gradients(X, y, W1, b1, W2, b2) -> dict:
    """Gradients of the same network, generalised to d inputs, h hidden units and n samples.

    The model is ``y_hat = sigmoid(X @ W1.T + b1) @ W2.T + b2`` (one output),
    and the loss is the mean over the n samples of (y_hat - y) ** 2, as
    ``nn.MSELoss()`` computes it.

    Args:
        X: inputs, shape (n, d).
        y: targets, shape (n,).
        W1: hidden weights, shape (h, d); b1: hidden biases, shape (h,).
        W2: output weights, shape (1, h); b2: output bias, shape (1,).

    Returns:
        A dict of NumPy arrays named as in a torch ``state_dict``, each with its
        parameter's shape: "hidden.weight" (h, d), "hidden.bias" (h,),
        "output.weight" (1, h), "output.bias" (1,).

    Example:
        With X = [[1.0]], y = [3.0] and the chapter's parameters as arrays
        (W1 = [[1], [-1]], b1 = [1, 2], W2 = [[1, 2]], b2 = [-1]) you get the
        chapter's gradients: "output.bias" = [-3.3142],
        "output.weight" = [[-2.9191, -2.4229]], "hidden.bias" = [-0.3480, -1.3032].

    Hint: the mean brings a factor 1/n into dL/dy_hat. Then work in matrices:
    a gradient with respect to a weight matrix is (upstream gradient).T @ (layer input).
    Test with n > 1 and d != h: a wrong transpose or a sum instead of a mean
    hides when everything is 1.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n = X.shape[0]
    Z1 = X @ W1.T + b1                 # (n, h)
    A1 = sigmoid(Z1)
    y_hat = (A1 @ W2.T + b2).ravel()   # (n,)
    d_yhat = 2.0 * (y_hat - y) / n     # (n,)
    d_out = d_yhat[:, None]            # (n, 1)
    g_W2 = d_out.T @ A1                # (1, h)
    g_b2 = d_out.sum(axis=0)           # (1,)
    d_A1 = d_out @ W2                  # (n, h)
    d_Z1 = d_A1 * A1 * (1 - A1)
    g_W1 = d_Z1.T @ X                  # (h, d)
    g_b1 = d_Z1.sum(axis=0)            # (h,)
    return {"hidden.weight": g_W1, "hidden.bias": g_b1, "output.weight": g_W2, "output.bias": g_b2}


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Estimate the gradient of a scalar function with centred finite differences.

    For each element i of x, nudge only that element up and down by h:

        grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2 h)

    The centred difference is accurate to about h**2; the one-sided
    (f(x + h e_i) - f(x)) / h only to about h, which is why we use the former.

    Args:
        f: a function taking an array shaped like x and returning a float.
        x: the point, an array of any shape (it is not modified).
        h: the step.

    Returns:
        An array of floats with the shape of x.

    Example:
        >>> numerical_gradient(lambda v: float(np.sum(v ** 2)), np.array([1.0, -2.0]))
        array([ 2., -4.])    # up to about 1e-10

    What "good" looks like: against an exact gradient, the relative error
    |num - exact| / max(|num| + |exact|, tiny) is about 1e-7 or smaller for a smooth f.

    Hint: work on a float copy of x (``np.array(x, dtype=float)``), and
    ``np.ndindex(x.shape)`` visits every index of an array of any shape.
    """
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        x_plus = x.copy()
        x_minus = x.copy()
        x_plus[i] = x_plus[i] + h
        x_minus[i] = x_minus[i] - h
        grad[i] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad


def sgd_step(params: dict, grads: dict, lr: float) -> dict:
    """One step of plain gradient descent: every parameter moves against its gradient.

    Args:
        params: name -> value (floats or arrays).
        grads: name -> gradient, the same keys and shapes as ``params``.
        lr: the learning rate.

    Returns:
        A new dict with p - lr * g under each name. Neither ``params`` nor
        ``grads`` (nor the arrays inside them) is modified.

    Example (the chapter's step with lr = 0.1):
        b3 = -1 and dL/db3 = -3.3142 give b3 = -1 - 0.1 * (-3.3142) = -0.6686.

    Hint: ``p - lr * g`` makes a new array; ``p -= lr * g`` would change the
    caller's array in place.
    """
    return {name: params[name] - lr * grads[name] for name in params}
