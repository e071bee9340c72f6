"""The child's tamper check (autograder.sandbox.integrity), in this process: what it names, what it puts back, what it leaves alone.

The attacks of ``tests/attacks/tampering_*`` prove the whole path (child, judge,
results, gradebook) through ``grade-class``; these tests pin the check itself,
in milliseconds: each kind of modification is named, :func:`repair` undoes it,
and ordinary torch and NumPy work (the honest student's) changes nothing.
"""

from __future__ import annotations

import builtins
import sys

import numpy as np
import pytest
import torch

from autograder.sandbox import capture, child, integrity, observe, wire
from autograder.sandbox.runners import RUNNERS


@pytest.fixture(scope="module")
def sealed():
    capture.warm_torch()  # as the fork server and the local runner do before a child seals
    return integrity.seal()


@pytest.fixture
def fresh(sealed):
    """The seal, with everything put back after each test (a test that fails half way leaves nothing behind)."""
    assert integrity.changes(sealed) == []
    yield sealed
    integrity.repair(sealed)
    assert integrity.changes(sealed) == []


def _replace_saw_forward():
    observe.Tracker.saw_forward = lambda self, training: None


def _shadow_a_builtin():
    observe.any = lambda values: False  # the module's own name now wins over builtins.any


def _replace_code():
    observe.Tracker.report.__code__ = (lambda self: {}).__code__


def _replace_defaults():
    wire.encode.__defaults__ = (5,)


def _replace_builtin():
    builtins.isinstance = lambda value, kind: False


def _replace_runner():
    RUNNERS["trainer"] = lambda spec, trainer: {}


def _add_to_tensor():
    torch.Tensor.grad_fn = None


def _replace_torch_function():
    torch.is_grad_enabled = lambda: False


TAMPERING = [
    (_replace_saw_forward, "autograder.sandbox.observe.Tracker.saw_forward was replaced"),
    (_shadow_a_builtin, "autograder.sandbox.observe.any was added"),
    (_replace_code, "the code of autograder.sandbox.observe.Tracker.report was replaced"),
    (_replace_defaults, "the default arguments of autograder.sandbox.wire.encode were replaced"),
    (_replace_builtin, "builtins.isinstance was replaced"),
    (_replace_runner, "autograder.sandbox.runners.RUNNERS.trainer was replaced"),
    (_add_to_tensor, "torch.Tensor.grad_fn was added"),
    (_replace_torch_function, "torch.is_grad_enabled was replaced"),
]


@pytest.mark.parametrize(("tamper", "named"), TAMPERING, ids=[t.__name__.strip("_") for t, _ in TAMPERING])
def test_each_modification_is_named_and_put_back(fresh, tamper, named):
    originals = (observe.Tracker.saw_forward, observe.Tracker.report.__code__, builtins.isinstance, RUNNERS["trainer"])
    tamper()
    assert named in integrity.changes(fresh)
    integrity.repair(fresh)
    assert integrity.changes(fresh) == []
    assert (observe.Tracker.saw_forward, observe.Tracker.report.__code__, builtins.isinstance, RUNNERS["trainer"]) == originals
    assert not hasattr(observe, "any") and "grad_fn" not in vars(torch.Tensor)


def test_a_trace_function_is_named_and_removed(fresh):
    sys.settrace(lambda *args: None)
    try:
        assert integrity.changes(fresh) == ["a trace or profile function was installed (sys.settrace, sys.setprofile)"]
    finally:
        integrity.repair(fresh)
    assert sys.gettrace() is None


def test_honest_torch_and_numpy_work_changes_nothing(fresh):
    torch.manual_seed(0)
    np.random.seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.LeakyReLU(), torch.nn.Dropout(0.2), torch.nn.Linear(4, 1))
    data = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.rand(8, 3), torch.rand(8)), batch_size=4, shuffle=True)
    for name in ("sgd", "adam", "rmsprop"):
        optimizer = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "rmsprop": torch.optim.RMSprop}[name](model.parameters(), lr=0.1)
        for X, y in data:
            optimizer.zero_grad()
            torch.nn.functional.mse_loss(model(X).flatten(), y).backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        wire.dumps({"value": model(torch.rand(2, 3)), "array": np.arange(3)})
    assert integrity.changes(fresh) == []


def test_the_child_answers_a_tampering_request_with_what_changed_and_no_value():
    reply = child.tampered_reply(["autograder.sandbox.wire.encode was replaced"], {"id": 7, "op": "call"})
    assert reply["ok"] is False and reply["id"] == 7 and "value" not in reply
    assert reply["tampering"] == ["autograder.sandbox.wire.encode was replaced"]
