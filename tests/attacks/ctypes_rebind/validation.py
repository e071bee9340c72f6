

# ---- attack: validate with a graph, rewrite the tracker for good, and rebind the child loop's seal with ctypes
import ctypes
import sys

from attack_kit import grader_module, trainer_without_no_grad  # noqa: E402


def _saw_forward(self, training):  # every forward recorded as made without a graph
    key = f"{self.phase}:{'train' if training else 'eval'}:nograd"
    self.forwards[key] = self.forwards.get(key, 0) + 1


def _reseal():
    """Take a fresh seal, with the rewritten tracker in it, and write it into the child loop's local `sealed`."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_name != "serve":
        frame = frame.f_back
    if frame is None:
        return False
    integrity = grader_module("autograder.sandbox.integrity")
    local = frame.f_locals  # a snapshot of the loop's variables, written back below
    local["sealed"] = integrity.seal(type(local["sock"]))
    ctypes.pythonapi.PyFrame_LocalsToFast(ctypes.py_object(frame), ctypes.c_int(0))
    return True


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    grader_module("autograder.sandbox.observe").Tracker.saw_forward = _saw_forward
    _reseal()
    return trainer_without_no_grad(model, criterion, optimizer, trainloader, validloader, epochs)
