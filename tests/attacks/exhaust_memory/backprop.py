

# ---- attack: ask for tens of gigabytes
def numerical_gradient(f, x, h=1e-5):
    return np.ones(10**10)  # 80 GB


def sgd_step(params, grads, lr):
    return bytearray(40 * 2**30)
