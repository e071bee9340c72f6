"""A student who likes tanh and einsum."""
import numpy as np

CHAPTER_PARAMS = {"w1": 1.0, "w2": -1.0, "b1": 1.0, "b2": 2.0, "w3": 1.0, "w4": 2.0, "b3": -1.0}


def sigmoid(z):
    # sigma(z) = (1 + tanh(z / 2)) / 2: no overflow for large |z|
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def forward_pass(x, y, params):
    z1 = params["w1"] * x + params["b1"]
    z2 = params["w2"] * x + params["b2"]
    a1, a2 = sigmoid(z1), sigmoid(z2)
    y_hat = params["w3"] * a1 + params["w4"] * a2 + params["b3"]
    return {"z1": float(z1), "z2": float(z2), "a1": float(a1), "a2": float(a2), "y_hat": float(y_hat), "loss": float((y_hat - y) ** 2)}


def backward_pass(x, y, params):
    f = forward_pass(x, y, params)
    g = 2.0 * (f["y_hat"] - y)
    s1 = f["a1"] * (1.0 - f["a1"])
    s2 = f["a2"] * (1.0 - f["a2"])
    return {
        "b3": g, "w3": g * f["a1"], "w4": g * f["a2"],
        "b1": g * params["w3"] * s1, "b2": g * params["w4"] * s2,
        "w1": g * params["w3"] * s1 * x, "w2": g * params["w4"] * s2 * x,
    }


def network_gradients(X, y, W1, b1, W2, b2):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    Z = np.einsum("nd,hd->nh", X, W1) + b1
    A = sigmoid(Z)
    y_hat = np.einsum("nh,oh->no", A, W2)[:, 0] + b2[0]
    g = 2.0 * (y_hat - y) / y.size
    dZ = np.einsum("n,h,nh->nh", g, W2[0], A * (1.0 - A))
    return {
        "hidden.weight": np.einsum("nh,nd->hd", dZ, X),
        "hidden.bias": np.einsum("nh->h", dZ),
        "output.weight": np.einsum("n,nh->h", g, A)[None, :],
        "output.bias": np.einsum("n->", g).reshape(1),
    }


def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    basis = np.eye(x.size).reshape(x.size, *x.shape) * h
    values = [(f(x + e) - f(x - e)) / (2 * h) for e in basis]
    return np.array(values, dtype=float).reshape(x.shape)


def sgd_step(params, grads, lr):
    return {name: np.subtract(value, np.multiply(lr, grads[name])) for name, value in params.items()}
