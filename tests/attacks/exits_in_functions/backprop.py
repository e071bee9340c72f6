

# ---- attack: leave early from inside the functions
import os
import sys


def numerical_gradient(f, x, h=1e-5):
    sys.exit(0)


def sgd_step(params, grads, lr):
    os._exit(0)
