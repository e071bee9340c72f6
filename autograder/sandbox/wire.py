"""Plain-data messages between the judge and the sandboxed child: JSON plus raw arrays.

A frame is ``[4-byte header length][JSON header][4-byte blob count]`` followed
by each array as ``[4-byte spec length][JSON spec][raw bytes]``. Arrays travel
as raw little-endian numbers with their dtype and shape; nothing is ever
unpickled, so a reply can claim any *values* but cannot run code in the judge
or hand it an object with methods of the student's choosing.

Encoded values (``encode`` in the child, ``decode`` in the judge):

- ``None``, ``bool``, ``int``, ``float``, ``str``: as JSON (NaN and infinities included);
- lists, tuples and dicts: tagged JSON ``{"$list": [...]}``, ``{"$tuple": [...]}``,
  ``{"$dict": [[key, value], ...]}``;
- NumPy arrays, NumPy scalars and torch tensors: ``{"$array": i, "kind": ...}``
  pointing at blob i (tensors carry ``requires_grad`` and ``grad_fn``);
- anything else: ``{"$object": "<type name>"}``, which the judge never trusts.
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import time
import types
from dataclasses import dataclass

import numpy as np

MAX_FRAME_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 60
_ALLOWED_DTYPES = frozenset("?bBhHiIlLqQefdgFD")
_LEN = struct.Struct("<I")
_BUILTINS = ((bool, bool.__bool__), (int, int.__index__), (float, float.__float__), (str, str.__str__))
# torch's switch that turns off every __torch_function__ (a tensor subclass's, or a mode's), taken when this module is
# imported: the fork server has imported torch by then, before any student code (None where torch is not loaded).
_TORCH = sys.modules.get("torch") if type(sys.modules.get("torch")) is types.ModuleType else None  # never a stand-in
_NO_TORCH_FUNCTION = getattr(getattr(_TORCH, "_C", None), "DisableTorchFunction", None)
# torch.Tensor's own __torch_dispatch__ (it dispatches nothing); a subclass with another one answers every operation.
_NO_DISPATCH = vars(getattr(_TORCH, "Tensor", object)).get("__torch_dispatch__")
del _TORCH


def dispatches(kind: type) -> bool:
    """Whether a tensor class has a ``__torch_dispatch__`` of its own: every operation on it, reading its numbers
    included, is answered by the student's code, and it may hold no numbers at all (a wrapper subclass)."""
    plain = _NO_DISPATCH if _NO_DISPATCH is not None else vars(sys.modules["torch"].Tensor).get("__torch_dispatch__")
    return any(vars(k).get("__torch_dispatch__", plain) is not plain for k in kind.__mro__)


class WireError(Exception):
    """A message that breaks the format: too big, too deep, or not the agreed types."""


@dataclass(frozen=True)
class TensorData:
    """A torch tensor as the judge sees it: its values (float64 or int or bool) and autograd facts."""

    values: np.ndarray
    requires_grad: bool
    has_grad_fn: bool
    dtype: str


@dataclass(frozen=True)
class Opaque:
    """A value the wire cannot carry (a function, a module, an object of the student's class)."""

    type_name: str


def type_name(value: object) -> str:
    """The exact type of ``value`` as ``module.qualname`` (builtins shown bare)."""
    kind = type(value)
    module = getattr(kind, "__module__", "?")
    name = getattr(kind, "__qualname__", kind.__name__)
    return name if module == "builtins" else f"{module}.{name}"


# ---------------------------------------------------------------- encoding (child side)


def encode(value: object, blobs: list[np.ndarray], depth: int = 0) -> object:
    """Turn ``value`` into JSON-able data, appending arrays to ``blobs``."""
    if depth > MAX_DEPTH:
        raise WireError("the value is nested too deeply")
    if value is None:
        return None
    for base, plain in _BUILTINS:
        if isinstance(value, base):
            # A subclass collapses to its builtin value: the judge never meets a student class.
            return plain(value)
    if isinstance(value, np.generic) and not isinstance(value, np.object_):
        blobs.append(np.asarray(value))
        return {"$array": len(blobs) - 1, "kind": "numpy_scalar", "type": type_name(value)}
    if isinstance(value, np.ndarray):
        if value.dtype.char not in _ALLOWED_DTYPES:
            return {"$object": f"numpy.ndarray[{value.dtype}]"}
        blobs.append(np.ascontiguousarray(value))
        return {"$array": len(blobs) - 1, "kind": "ndarray"}
    tensor = _as_tensor(value)
    if tensor is not None:
        if dispatches(type(tensor)):  # no numbers of its own to read: the judge never trusts it
            return {"$object": type_name(value)}
        return tensor_record(tensor, blobs)
    if isinstance(value, (list, tuple)):
        tag = "$tuple" if isinstance(value, tuple) else "$list"
        return {tag: [encode(item, blobs, depth + 1) for item in value]}
    if isinstance(value, dict):
        return {"$dict": [[encode(k, blobs, depth + 1), encode(v, blobs, depth + 1)] for k, v in dict.items(value)]}
    return {"$object": type_name(value)}


def _as_tensor(value: object):
    # A tensor exists only once torch is loaded, so the wire never imports it: it works without torch (a student's
    # Python without it, a child that withholds it, where importing it would only give a stand-in). What sits in
    # sys.modules["torch"] may be anything the student's code put there: read it as plain data, and never fail.
    torch = sys.modules.get("torch")
    if type(torch) is not types.ModuleType:  # absent, a stand-in, or not a module at all
        return None
    tensor = vars(torch).get("Tensor")
    try:
        return value if isinstance(tensor, type) and isinstance(value, tensor) else None
    except Exception:  # noqa: BLE001 - a class of the student's whose isinstance check raises: not a tensor
        return None


def tensor_record(tensor, blobs: list[np.ndarray]) -> dict:
    """Encode a torch tensor: detached values plus whether it sits in an autograd graph."""
    import torch  # a tensor is here, so torch is loaded: this only names it

    # The numbers in the tensor's memory, never what a subclass's __torch_function__ answers: a subclass whose detach()
    # or numpy() gives other numbers than the ones it holds (and computes with) would otherwise choose what the judge
    # reads (the torch_function attack). With torch functions off, each call below is torch's own and returns a plain tensor.
    with (_NO_TORCH_FUNCTION or torch._C.DisableTorchFunction)():
        plain = torch.Tensor.detach(tensor)
        if plain.is_complex() or plain.dtype in (torch.bfloat16,):
            plain = plain.to(torch.float64)
        array = np.array(plain.cpu().numpy(), copy=True)
        facts = {"requires_grad": bool(tensor.requires_grad), "grad_fn": tensor.grad_fn is not None, "dtype": str(tensor.dtype)}
    blobs.append(np.ascontiguousarray(array))
    return {"$array": len(blobs) - 1, "kind": "tensor", **facts}


def dumps(message: dict) -> bytes:
    """Serialise a message (a dict of plain data) into one frame."""
    blobs: list[np.ndarray] = []
    header = json.dumps(encode(message, blobs), allow_nan=True).encode()
    parts = [_LEN.pack(len(header)), header, _LEN.pack(len(blobs))]
    for blob in blobs:
        spec = json.dumps({"dtype": blob.dtype.str, "shape": list(blob.shape)}).encode()
        parts += [_LEN.pack(len(spec)), spec, blob.tobytes()]
    return b"".join(parts)


# ---------------------------------------------------------------- decoding (judge side)


def loads(frame: bytes) -> object:
    """Parse one frame into plain Python data, ndarrays, ``TensorData`` and ``Opaque``.

    Raises:
        WireError: anything malformed, oversized or of an unexpected type.
    """
    try:
        view = memoryview(frame)
        (header_len,) = _LEN.unpack_from(view, 0)
        offset = 4 + header_len
        header = json.loads(bytes(view[4:offset]))
        (count,) = _LEN.unpack_from(view, offset)
        offset += 4
        blobs = []
        for _ in range(count):
            (spec_len,) = _LEN.unpack_from(view, offset)
            spec = json.loads(bytes(view[offset + 4 : offset + 4 + spec_len]))
            offset += 4 + spec_len
            dtype = np.dtype(str(spec["dtype"]))
            if dtype.char not in _ALLOWED_DTYPES:
                raise WireError(f"arrays of dtype {dtype} are not accepted")
            shape = tuple(int(n) for n in spec["shape"])
            if any(n < 0 for n in shape):
                raise WireError("negative array dimension")
            size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
            if offset + size > len(frame):
                raise WireError("array data is truncated")
            blobs.append(np.frombuffer(frame, dtype=dtype, count=int(np.prod(shape, dtype=np.int64)), offset=offset).reshape(shape).copy())
            offset += size
        if offset != len(frame):
            raise WireError("trailing bytes after the last array")
        return decode(header, blobs)
    except WireError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, struct.error, RecursionError, OverflowError) as error:
        raise WireError(f"unreadable message: {type(error).__name__}: {error}") from None


def decode(data: object, blobs: list[np.ndarray], depth: int = 0) -> object:
    """Rebuild a value from ``encode``'s output, trusting nothing about its shape."""
    if depth > MAX_DEPTH:
        raise WireError("the value is nested too deeply")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is list:
        raise WireError("untagged list")
    if type(data) is not dict or len(data) == 0:
        raise WireError(f"unexpected {type(data).__name__}")
    if "$list" in data:
        return [decode(item, blobs, depth + 1) for item in _items(data["$list"])]
    if "$tuple" in data:
        return tuple(decode(item, blobs, depth + 1) for item in _items(data["$tuple"]))
    if "$dict" in data:
        result = {}
        for pair in _items(data["$dict"]):
            if type(pair) is not list or len(pair) != 2:
                raise WireError("bad dict entry")
            key = decode(pair[0], blobs, depth + 1)
            if type(key) not in (str, int, float, bool, type(None), tuple):
                raise WireError("unhashable dict key")
            result[key] = decode(pair[1], blobs, depth + 1)
        return result
    if "$array" in data:
        index = data["$array"]
        if type(index) is not int or not 0 <= index < len(blobs):
            raise WireError("bad array reference")
        array = blobs[index]
        if data.get("kind") == "tensor":
            return TensorData(
                values=array,
                requires_grad=data.get("requires_grad") is True,
                has_grad_fn=data.get("grad_fn") is True,
                dtype=str(data.get("dtype", "?")),
            )
        if data.get("kind") == "numpy_scalar":
            return array.reshape(()).copy()[()]
        return array
    if "$object" in data:
        return Opaque(type_name=str(data["$object"])[:200])
    raise WireError("unknown tag")


def _items(value: object) -> list:
    if type(value) is not list:
        raise WireError("expected a list")
    return value


# ---------------------------------------------------------------- sockets


def send(sock: socket.socket, message: dict) -> None:
    """Send one message, prefixed with its total length."""
    send_frame(sock, dumps(message))


def send_frame(sock: socket.socket, frame: bytes) -> None:
    """Send one frame made by :func:`dumps` (the child encodes its reply first, then checks the harness, then sends)."""
    if len(frame) > MAX_FRAME_BYTES:
        raise WireError(f"the message is {len(frame)} bytes, more than the {MAX_FRAME_BYTES} allowed")
    sock.sendall(struct.pack("<Q", len(frame)) + frame)


def recv_frame(sock: socket.socket, limit: int = MAX_FRAME_BYTES, deadline: float | None = None) -> bytes:
    """Receive one raw frame; raises EOFError if the peer has gone.

    With a ``deadline`` (a ``time.monotonic()`` value) the whole frame must arrive by then, or
    TimeoutError is raised: a peer that sends a byte now and then cannot keep us waiting.
    """
    (length,) = struct.unpack("<Q", _recv_exact(sock, 8, deadline))
    if length > limit:
        raise WireError(f"a reply of {length} bytes is more than the {limit} allowed")
    return _recv_exact(sock, length, deadline)


def recv(sock: socket.socket, limit: int = MAX_FRAME_BYTES, deadline: float | None = None) -> object:
    """Receive and decode one message."""
    return loads(recv_frame(sock, limit, deadline))


def _recv_exact(sock: socket.socket, size: int, deadline: float | None = None) -> bytes:
    chunks, remaining = [], size
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the reply did not arrive in time")
            sock.settimeout(left)
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
