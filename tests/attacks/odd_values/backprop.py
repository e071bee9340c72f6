

# ---- attack: NaN and infinity
def numerical_gradient(f, x, h=1e-5):
    return np.full(np.shape(x), np.nan)


def sgd_step(params, grads, lr):
    return {name: np.asarray(value, dtype=float) * np.inf for name, value in params.items()}
