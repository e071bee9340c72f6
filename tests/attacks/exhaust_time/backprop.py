

# ---- attack: never return
import time


def numerical_gradient(f, x, h=1e-5):
    while True:
        pass


def sgd_step(params, grads, lr):
    time.sleep(3600)
