

# ---- attack: kill its own process group in the middle of training
import os
import signal


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5, patience=5, verbose=False):
    os.killpg(0, signal.SIGKILL)
