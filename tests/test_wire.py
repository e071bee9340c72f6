"""The judge and the child exchange plain data only."""

from __future__ import annotations

import struct

import numpy as np
import pytest
import torch

from autograder.sandbox import wire


class LyingFloat(float):
    def __eq__(self, other):
        return True

    def __float__(self):
        return 42.0


def round_trip(value):
    return wire.loads(wire.dumps({"value": value}))["value"]


def test_plain_values_round_trip():
    value = {"a": 1.5, "b": [1, 2, (3, "x")], "c": None, "d": True, "nan": float("nan"), 3: "int key"}
    back = round_trip(value)
    assert back["b"] == [1, 2, (3, "x")] and back[3] == "int key" and np.isnan(back["nan"])


def test_arrays_and_tensors_become_numpy():
    back = round_trip({"array": np.arange(6.0).reshape(2, 3), "tensor": torch.ones(2, requires_grad=True) * 2})
    np.testing.assert_array_equal(back["array"], np.arange(6.0).reshape(2, 3))
    assert isinstance(back["tensor"], wire.TensorData)
    assert back["tensor"].requires_grad and back["tensor"].has_grad_fn


def test_subclasses_collapse_to_builtin_values():
    back = round_trip(LyingFloat(2.0))
    assert type(back) is float and back == 2.0


class HalvingTensor(torch.Tensor):
    """Every method that reads its numbers answers half of them (the torch_function attack)."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        with torch._C.DisableTorchFunctionSubclass():
            result = func(*args, **(kwargs or {}))
        return result / 2 if getattr(func, "__name__", "") in ("detach", "to", "cpu", "numpy") else result


class DispatchingTensor(torch.Tensor):
    @classmethod
    def __torch_dispatch__(cls, func, types, args=(), kwargs=None):
        return torch.full((2,), 7.0)


def test_a_tensor_subclass_is_read_as_its_own_numbers():
    """No __torch_function__ runs while a tensor is encoded or a runner reads it; a __torch_dispatch__ subclass is opaque."""
    from autograder.sandbox.capture import numbers

    halving = (torch.ones(2) * 4).as_subclass(HalvingTensor)
    assert round_trip(halving).values.tolist() == [4.0, 4.0]
    assert numbers(halving).tolist() == [4.0, 4.0]
    dispatching = torch.ones(2).as_subclass(DispatchingTensor)
    assert round_trip(dispatching) == wire.Opaque("tests.test_wire.DispatchingTensor")
    with pytest.raises(TypeError, match="cannot be read"):
        numbers(dispatching)


def test_functions_and_objects_stay_opaque():
    back = round_trip([print, object()])
    assert all(isinstance(item, wire.Opaque) for item in back)


def test_object_arrays_are_never_unpickled():
    back = round_trip(np.array([{"x": 1}], dtype=object))
    assert isinstance(back, wire.Opaque)


@pytest.mark.parametrize(
    "frame",
    [
        b"",
        struct.pack("<I", 5) + b"{bad}" + struct.pack("<I", 0),
        struct.pack("<I", 2) + b"[]" + struct.pack("<I", 0),
        struct.pack("<I", 17) + b'{"$array": 0, "k"' + struct.pack("<I", 0),
    ],
)
def test_malformed_frames_raise_wire_errors(frame):
    with pytest.raises(wire.WireError):
        wire.loads(frame)


def test_pickled_dtype_refused():
    spec = b'{"dtype": "|O", "shape": [1]}'
    header = b'{"$array": 0, "kind": "ndarray"}'
    frame = struct.pack("<I", len(header)) + header + struct.pack("<I", 1) + struct.pack("<I", len(spec)) + spec + b"x" * 8
    with pytest.raises(wire.WireError):
        wire.loads(frame)


def test_deep_nesting_refused():
    value: list = []
    for _ in range(wire.MAX_DEPTH + 5):
        value = [value]
    with pytest.raises(wire.WireError):
        wire.dumps({"v": value})
