import numpy as np

CHAPTER_PARAMS = {"w1": 1.0, "w2": -1.0, "b1": 1.0, "b2": 2.0, "w3": 1.0, "w4": 2.0, "b3": -1.0}


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    s = 1 / (1 + np.exp(-z))
    return float(s) if s.ndim == 0 else s


def forward_pass(x, y, params):
    z1 = params["w1"] * x + params["b1"]
    a1 = sigmoid(z1)
    z2 = params["w2"] * x + params["b2"]
    a2 = sigmoid(z2)
    y_hat = params["w3"] * a1 + params["w4"] * a2 + params["b3"]
    return {"z1": z1, "z2": z2, "a1": a1, "a2": a2, "y_hat": y_hat, "loss": (y_hat - y) ** 2}


def backward_pass(x, y, params):
    v = forward_pass(x, y, params)
    # error term: target minus prediction
    error = 2 * (y - v["y_hat"])
    dz1 = error * params["w3"] * v["a1"] * (1 - v["a1"])
    dz2 = error * params["w4"] * v["a2"] * (1 - v["a2"])
    return {"w1": dz1 * x, "w2": dz2 * x, "b1": dz1, "b2": dz2,
            "w3": error * v["a1"], "w4": error * v["a2"], "b3": error}


def network_gradients(X, y, W1, b1, W2, b2):
    n = X.shape[0]
    Z1 = X @ W1.T + b1
    A1 = sigmoid(Z1)
    Y_hat = (A1 @ W2.T + b2)[:, 0]
    dY = (2.0 / n) * (Y_hat - y)
    dZ1 = (dY[:, None] @ W2) * A1 * (1 - A1)
    return {"hidden.weight": dZ1.T @ X, "hidden.bias": dZ1.sum(axis=0),
            "output.weight": dY[None, :] @ A1, "output.bias": np.array([dY.sum()])}


def numerical_gradient(f, x, h=1e-5):
    base = np.array(x, dtype=float)
    result = np.zeros_like(base)
    for index in np.ndindex(base.shape):
        plus = base.copy()
        minus = base.copy()
        plus[index] = plus[index] + h
        minus[index] = minus[index] - h
        result[index] = (f(plus) - f(minus)) / (2 * h)
    return result


def sgd_step(params, grads, lr):
    return {k: params[k] - lr * grads[k] for k in params}
