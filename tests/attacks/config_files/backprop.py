

# ---- attack: a sentinel that is "true" whatever it is compared with
def sigmoid(z):
    return True
