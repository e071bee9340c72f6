

# ---- attack: an array far too large for the grader to read (80 MB)
import numpy as np


def train_step(model, criterion, optimizer, X, y):
    return np.zeros(20_000_000, dtype=np.float32)
