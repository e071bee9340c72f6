"""Part 1 - my backprop."""

import numpy as np

CHAPTER_PARAMS = {"w1": 1.0, "w2": -1.0, "b1": 1.0, "b2": 2.0, "w3": 1.0, "w4": 2.0, "b3": -1.0}


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward_pass(x, y, params):
    w1, w2, b1, b2 = params["w1"], params["w2"], params["b1"], params["b2"]
    w3, w4, b3 = params["w3"], params["w4"], params["b3"]
    z1 = w1 * x + b1
    z2 = w2 * x + b2
    a1 = sigmoid(z1)
    a2 = sigmoid(z2)
    y_hat = w3 * a1 + w4 * a2 + b3
    return {"z1": float(z1), "z2": float(z2), "a1": float(a1), "a2": float(a2),
            "y_hat": float(y_hat), "loss": float((y_hat - y) ** 2)}


def backward_pass(x, y, params):
    fw = forward_pass(x, y, params)
    dL_dyhat = 2 * (fw["y_hat"] - y)
    # hidden units: back through the output weights
    dL_dz1 = dL_dyhat * params["w3"]
    dL_dz2 = dL_dyhat * params["w4"]
    return {
        "b3": dL_dyhat,
        "w3": dL_dyhat * fw["a1"],
        "w4": dL_dyhat * fw["a2"],
        "b1": dL_dz1,
        "b2": dL_dz2,
        "w1": dL_dz1 * x,
        "w2": dL_dz2 * x,
    }


def network_gradients(X, y, W1, b1, W2, b2):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n = X.shape[0]
    Z = X @ W1.T + b1
    A = sigmoid(Z)
    y_hat = A @ W2.T + b2           # (n, 1)
    dy = 2 * (y_hat[:, 0] - y) / n   # (n,)
    dZ = np.outer(dy, W2[0]) * A * (1 - A)
    return {
        "hidden.weight": dZ.T @ X,
        "hidden.bias": dZ.sum(axis=0),
        "output.weight": (dy @ A).reshape(1, -1),
        "output.bias": np.array([dy.sum()]),
    }


def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        xp = x.copy()
        xm = x.copy()
        xp[i] += h
        xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / (2 * h)
    return grad


def sgd_step(params, grads, lr):
    new_params = {}
    for k in params:
        new_params[k] = params[k] - lr * grads[k]
    return new_params
