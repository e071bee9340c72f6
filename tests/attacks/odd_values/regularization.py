

# ---- attack: wrong types
import sys


def l2_penalty(model, lam):
    return "0.0"


def network(input_size, hidden_size, output_size, p=0.5):
    return sys
