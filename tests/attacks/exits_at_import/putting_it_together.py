

# ---- attack: ignore SIGTERM, then SIGKILL itself during the import
import os
import signal

signal.signal(signal.SIGTERM, signal.SIG_IGN)
os.kill(os.getpid(), signal.SIGKILL)
