import numpy as np

CHAPTER_PARAMS = {"w1": 1.0, "w2": -1.0, "b1": 1.0, "b2": 2.0, "w3": 1.0, "w4": 2.0, "b3": -1.0}


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(a):
    # derivative of the sigmoid, in terms of its output
    return a


def forward_pass(x, y, params):
    p = params
    out = {}
    out["z1"] = p["w1"] * x + p["b1"]
    out["z2"] = p["w2"] * x + p["b2"]
    out["a1"] = sigmoid(out["z1"])
    out["a2"] = sigmoid(out["z2"])
    out["y_hat"] = p["w3"] * out["a1"] + p["w4"] * out["a2"] + p["b3"]
    out["loss"] = (out["y_hat"] - y) ** 2
    return {k: float(v) for k, v in out.items()}


def backward_pass(x, y, params):
    f = forward_pass(x, y, params)
    g_out = 2 * (f["y_hat"] - y)
    g_z1 = g_out * params["w3"] * sigmoid_prime(f["a1"])
    g_z2 = g_out * params["w4"] * sigmoid_prime(f["a2"])
    grads = {"b3": g_out, "w3": g_out * f["a1"], "w4": g_out * f["a2"],
             "b1": g_z1, "w1": g_z1 * x, "b2": g_z2, "w2": g_z2 * x}
    return {k: float(v) for k, v in grads.items()}


def network_gradients(X, y, W1, b1, W2, b2):
    X, y = np.asarray(X, float), np.asarray(y, float)
    A = sigmoid(X @ W1.T + b1)
    err = (A @ W2.T + b2).ravel() - y
    d_out = 2.0 * err / len(y)
    d_hidden = d_out[:, None] * W2 * A * (1.0 - A)
    return {"hidden.weight": d_hidden.T @ X, "hidden.bias": d_hidden.sum(0),
            "output.weight": (A.T @ d_out)[None, :], "output.bias": d_out.sum(keepdims=True)}


def numerical_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        g[idx] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def sgd_step(params, grads, lr):
    return {name: value - lr * grads[name] for name, value in params.items()}
