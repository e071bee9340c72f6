import numpy as np

CHAPTER_PARAMS = {"w1": 1.0, "w2": -1.0, "b1": 1.0, "b2": 2.0, "w3": 1.0, "w4": 2.0, "b3": -1.0}


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def forward_pass(x, y, params):
    z1 = params["w1"] * x + params["b1"]
    z2 = params["w2"] * x + params["b2"]
    a1, a2 = sigmoid(z1), sigmoid(z2)
    y_hat = params["w3"] * a1 + params["w4"] * a2 + params["b3"]
    return {"z1": z1, "z2": z2, "a1": float(a1), "a2": float(a2), "y_hat": float(y_hat), "loss": float((y_hat - y) ** 2)}


def backward_pass(x, y, params):
    f = forward_pass(x, y, params)
    dy = 2 * (f["y_hat"] - y)
    dz1 = dy * params["w3"] * f["a1"] * (1 - f["a1"])
    dz2 = dy * params["w4"] * f["a2"] * (1 - f["a2"])
    return {"w1": dz1 * x, "w2": dz2 * x, "b1": dz1, "b2": dz2, "w3": dy * f["a1"], "w4": dy * f["a2"], "b3": dy}


def network_gradients(X, y, W1, b1, W2, b2):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n = len(X)
    A = sigmoid(X @ W1.T + b1)
    out = A @ W2.T + b2
    d_out = 2 * (out - y[:, None]) / n   # (n, 1)
    d_Z = (d_out @ W2) * A * (1 - A)      # (n, h)
    return {
        "hidden.weight": d_Z.T @ X,
        "hidden.bias": d_Z.sum(axis=0, keepdims=True),   # (1, h)
        "output.weight": d_out.T @ A,
        "output.bias": d_out.sum(),                      # a number
    }


def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        hi, lo = x.copy(), x.copy()
        hi[i] += h
        lo[i] -= h
        out[i] = (f(hi) - f(lo)) / (2 * h)
    return out


def sgd_step(params, grads, lr):
    return {k: params[k] - lr * grads[k] for k in params}
