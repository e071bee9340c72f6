"""A student who writes backward_pass through network_gradients (n = d = 1)."""
import numpy as np

CHAPTER_PARAMS = {"w1": 1.0, "w2": -1.0, "b1": 1.0, "b2": 2.0, "w3": 1.0, "w4": 2.0, "b3": -1.0}


def sigmoid(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


def _as_matrices(params):
    W1 = np.array([[params["w1"]], [params["w2"]]])
    b1 = np.array([params["b1"], params["b2"]])
    W2 = np.array([[params["w3"], params["w4"]]])
    b2 = np.array([params["b3"]])
    return W1, b1, W2, b2


def forward_pass(x, y, params):
    W1, b1, W2, b2 = _as_matrices(params)
    z = W1[:, 0] * x + b1
    a = sigmoid(z)
    y_hat = float(W2[0] @ a + b2[0])
    return {"z1": float(z[0]), "z2": float(z[1]), "a1": float(a[0]), "a2": float(a[1]), "y_hat": y_hat, "loss": (y_hat - y) ** 2}


def backward_pass(x, y, params):
    # the squared error of one point is the mean squared error with n = 1
    g = network_gradients(np.array([[x]]), np.array([y]), *_as_matrices(params))
    return {
        "w1": float(g["hidden.weight"][0, 0]), "w2": float(g["hidden.weight"][1, 0]),
        "b1": float(g["hidden.bias"][0]), "b2": float(g["hidden.bias"][1]),
        "w3": float(g["output.weight"][0, 0]), "w4": float(g["output.weight"][0, 1]),
        "b3": float(g["output.bias"][0]),
    }


def network_gradients(X, y, W1, b1, W2, b2):
    X = np.atleast_2d(np.asarray(X, dtype=float))
    y = np.asarray(y, dtype=float).reshape(-1)
    n = X.shape[0]
    A = sigmoid(X.dot(W1.T) + b1)
    residual = A.dot(W2.T).reshape(-1) + b2 - y
    delta_out = (2.0 / n) * residual
    delta_hidden = np.outer(delta_out, W2.reshape(-1)) * A * (1 - A)
    return {
        "hidden.weight": delta_hidden.T.dot(X),
        "hidden.bias": delta_hidden.sum(axis=0),
        "output.weight": delta_out.dot(A).reshape(W2.shape),
        "output.bias": np.atleast_1d(delta_out.sum()),
    }


def numerical_gradient(f, x, h=1e-5):
    x0 = np.asarray(x, dtype=float)
    flat = x0.ravel().copy()
    out = np.empty_like(flat)
    for i in range(flat.size):
        saved = flat[i]
        flat[i] = saved + h
        up = f(flat.reshape(x0.shape).copy())
        flat[i] = saved - h
        down = f(flat.reshape(x0.shape).copy())
        flat[i] = saved
        out[i] = (up - down) / (2 * h)
    return out.reshape(x0.shape)


def sgd_step(params, grads, lr):
    result = {}
    for key in params.keys():
        result[key] = params[key] + (-lr) * grads[key]
    return result
