import numpy as np

CHAPTER_PARAMS = {"w1": 1.0, "w2": -1.0, "b1": 1.0, "b2": 2.0, "w3": 1.0, "w4": 2.0, "b3": -1.0}


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward_pass(x, y, params):
    z1 = params["w1"] * x + params["b1"]
    z2 = params["w2"] * x + params["b2"]
    a1 = sigmoid(z1)
    a2 = sigmoid(z2)
    y_hat = params["w3"] * a1 + params["w4"] * a2 + params["b3"]
    return {"z1": float(z1), "z2": float(z2), "a1": float(a1), "a2": float(a2), "y_hat": float(y_hat), "loss": float((y_hat - y) ** 2)}


def backward_pass(x, y, params):
    f = forward_pass(x, y, params)
    d = 2.0 * (f["y_hat"] - y)
    d1 = d * params["w3"] * f["a1"] * (1.0 - f["a1"])
    d2 = d * params["w4"] * f["a2"] * (1.0 - f["a2"])
    return {"w1": d1 * x, "w2": d2 * x, "b1": d1, "b2": d2, "w3": d * f["a1"], "w4": d * f["a2"], "b3": d}


def network_gradients(X, y, W1, b1, W2, b2):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    A = sigmoid(X @ W1.T + b1)
    d = 2.0 * ((A @ W2.T + b2).ravel() - y) / len(y)
    dZ = d[:, None] * W2 * A * (1.0 - A)
    return {"hidden.weight": dZ.T @ X, "hidden.bias": dZ.sum(0), "output.weight": d[None, :] @ A, "output.bias": np.array([d.sum()])}


def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad


def sgd_step(params, grads, lr):
    updated = {}
    for name in params:
        step = lr * grads[name]
        updated[name] = params[name] + step
    return updated
