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
    d = 2 * (f["y_hat"] - y)
    d1 = d * params["w3"] * f["a1"] * (1 - f["a1"])
    d2 = d * params["w4"] * f["a2"] * (1 - f["a2"])
    return {"w1": d1 * x, "w2": d2 * x, "b1": d1, "b2": d2, "w3": d * f["a1"], "w4": d * f["a2"], "b3": d}


def network_gradients(X, y, W1, b1, W2, b2):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    grads = {"hidden.weight": np.zeros_like(W1, dtype=float), "hidden.bias": np.zeros_like(b1, dtype=float),
             "output.weight": np.zeros_like(W2, dtype=float), "output.bias": np.zeros_like(b2, dtype=float)}
    # one sample at a time, as in backward_pass, and add the contributions up
    for x_i, y_i in zip(X, y):
        a = sigmoid(W1 @ x_i + b1)
        y_hat = W2[0] @ a + b2[0]
        d = 2 * (y_hat - y_i)
        dz = d * W2[0] * a * (1 - a)
        grads["hidden.weight"] += np.outer(dz, x_i)
        grads["hidden.bias"] += dz
        grads["output.weight"] += d * a[None, :]
        grads["output.bias"] += d
    return grads


def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        a, b = x.copy(), x.copy()
        a[i] += h
        b[i] -= h
        grad[i] = (f(a) - f(b)) / (2 * h)
    return grad


def sgd_step(params, grads, lr):
    return {k: params[k] - lr * grads[k] for k in params}
