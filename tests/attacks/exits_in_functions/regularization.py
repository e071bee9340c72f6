

# ---- attack: KeyboardInterrupt, and a BaseException whose message cannot be read
class Weird(BaseException):
    def __str__(self):
        raise RuntimeError("no message for you")

    def __repr__(self):
        raise RuntimeError("no repr either")


def dropout(x, p=0.5, training=True):
    raise KeyboardInterrupt


def l2_penalty(model, lam):
    raise Weird()
