"""Type-strict reading of what the student's code returned.

Values arrive from the child as plain data (see :mod:`autograder.sandbox.wire`).
Before any comparison they are converted here to float64 NumPy arrays or
Python floats, or rejected with a message for the student. The judge never
calls a method of anything the student made.
"""

from __future__ import annotations

import math

import numpy as np

from autograder.judge.grading import GradingFailure
from autograder.sandbox.wire import Opaque, TensorData


def _describe_type(value: object) -> str:
    if isinstance(value, Opaque):
        return value.type_name
    if isinstance(value, TensorData):
        return "a tensor"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return type(value).__name__


def array(value: object, what: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """``value`` as a float64 array; ``shape``, when given, must match exactly.

    Accepts NumPy arrays and scalars, tensors, numbers and (nested) lists of numbers.
    """
    if isinstance(value, TensorData):
        value = value.values
    if isinstance(value, bool) or value is None or isinstance(value, (str, dict, Opaque)):
        raise GradingFailure(f"{what} should be numbers, but it is {_describe_type(value)}.")
    try:
        result = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise GradingFailure(f"{what} should be numbers, but it is {_describe_type(value)}.") from None
    if shape is not None and result.shape != tuple(shape):
        raise GradingFailure(f"{what} has shape {result.shape}, but it should have shape {tuple(shape)}.")
    return result


def number(value: object, what: str) -> float:
    """``value`` as a Python float: a number, or anything with exactly one numeric element."""
    if isinstance(value, bool):
        raise GradingFailure(f"{what} should be a number, but it is a bool.")
    if isinstance(value, (int, float)):
        return float(value)
    values = array(value, what)
    if values.size != 1:
        raise GradingFailure(f"{what} should be one number, but it has {values.size} values (shape {values.shape}).")
    return float(values.reshape(()))


def number_list(value: object, what: str, length: int | None = None) -> list[float]:
    """A list (or tuple) of numbers, each converted with :func:`number`."""
    if not isinstance(value, (list, tuple)):
        raise GradingFailure(f"{what} should be a list of numbers, but it is {_describe_type(value)}.")
    if length is not None and len(value) != length:
        raise GradingFailure(f"{what} has {len(value)} entries where {length} were expected.")
    return [number(item, f"{what}[{i}]") for i, item in enumerate(value)]


def mapping(value: object, what: str, keys: list[str]) -> dict:
    """A dict that has at least ``keys``."""
    if not isinstance(value, dict):
        raise GradingFailure(f"{what} should be a dict, but it is {_describe_type(value)}.")
    missing = [key for key in keys if key not in value]
    if missing:
        raise GradingFailure(f"{what} has no entry for {', '.join(repr(k) for k in missing)}.")
    return value


def close(actual: np.ndarray | float, expected: np.ndarray | float, rtol: float = 1e-5, atol: float = 1e-8) -> bool:
    """True when every value is finite and within tolerance of the expected one (shapes must match)."""
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape or not np.all(np.isfinite(actual)):
        return False
    return bool(np.all(np.abs(actual - expected) <= atol + rtol * np.abs(expected)))


def relative_error(actual: np.ndarray, expected: np.ndarray) -> float:
    """max |actual - expected| / max |expected| (infinite when anything is not finite)."""
    actual, expected = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape or not np.all(np.isfinite(actual)):
        return math.inf
    return float(np.max(np.abs(actual - expected)) / max(float(np.max(np.abs(expected))), 1e-12))
