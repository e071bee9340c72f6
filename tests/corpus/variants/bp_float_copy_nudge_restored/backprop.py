"""A student who nudges a float copy in place and restores it, and deep-copies in sgd_step."""
import copy

import numpy as np

CHAPTER_PARAMS = {"w1": 1.0, "w2": -1.0, "b1": 1.0, "b2": 2.0, "w3": 1.0, "w4": 2.0, "b3": -1.0}


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward_pass(x, y, params):
    out = {}
    for unit, (w, b) in enumerate((("w1", "b1"), ("w2", "b2")), start=1):
        out[f"z{unit}"] = float(params[w] * x + params[b])
        out[f"a{unit}"] = float(sigmoid(out[f"z{unit}"]))
    out["y_hat"] = params["w3"] * out["a1"] + params["w4"] * out["a2"] + params["b3"]
    out["loss"] = (out["y_hat"] - y) ** 2
    return out


def backward_pass(x, y, params):
    f = forward_pass(x, y, params)
    grads = {"b3": 2.0 * (f["y_hat"] - y)}
    for unit, w_out in ((1, "w3"), (2, "w4")):
        a = f[f"a{unit}"]
        grads[w_out] = grads["b3"] * a
        dz = grads["b3"] * params[w_out] * a * (1.0 - a)
        grads[f"b{unit}"] = dz
        grads[f"w{unit}"] = dz * x
    return grads


def network_gradients(X, y, W1, b1, W2, b2):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    n = len(y)
    H = sigmoid(X @ W1.T + b1)
    dy = (2 / n) * ((H @ W2.T).ravel() + b2[0] - y)
    dH = dy[:, np.newaxis] * W2 * H * (1 - H)
    return {"hidden.weight": dH.T @ X, "hidden.bias": dH.sum(axis=0), "output.weight": (dy @ H)[np.newaxis], "output.bias": np.array([dy.sum()])}


def numerical_gradient(f, x, h=1e-5):
    x = x.astype(float)              # my own float copy: safe to nudge
    grad = np.zeros(x.shape)
    for i in np.ndindex(*x.shape):
        original = x[i]
        x[i] = original + h
        up = f(x)
        x[i] = original - h
        down = f(x)
        x[i] = original
        grad[i] = (up - down) / (2 * h)
    return grad


def sgd_step(params, grads, lr):
    new = copy.deepcopy(params)
    for name in new:
        new[name] -= lr * grads[name]
    return new
