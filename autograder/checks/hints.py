"""The public checks' hints: three steps per graded function, read from each part's ``public/hints.toml``.

Step 1 says what to look at, step 2 which equation or rule applies, step 3 a near-complete line of
reasoning in words; never the solution's code (a test holds the hints to that). The instructor may
leave the files out of the student bundle (``[release] hints = false`` in ``course.toml``); then
every hint says so.

Example:
    >>> len(steps("training_loop", "train_step"))
    3
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from autograder.course.parts import NAMES, UnknownPart, part

HINTS_NAME = "hints.toml"
HINTS_OFF = "Hints are turned off in this course. Run the checks to see what differs, or ask your instructor or a TA."


def hints_file(name: str) -> Path:
    """Where part ``name``'s hints live: ``autograder/parts/<name>/public/hints.toml``."""
    return part(name).folder / "public" / HINTS_NAME


@cache
def _table(name: str) -> dict | None:
    try:
        path = hints_file(name)
    except UnknownPart:
        return None
    if not path.is_file():
        return None
    with path.open("rb") as file:
        return tomllib.load(file)


def available() -> bool:
    """Whether this installation carries the hints (the instructor may turn them off)."""
    return any(_table(name) is not None for name in NAMES)


def steps(part: str, function: str) -> list[str]:
    """The hint steps of ``part.function`` (empty when hints are off or none were written for it)."""
    table = _table(part) or {}
    return list(table.get(function, {}).get("steps", []))


def step_text(part: str, function: str, step: int, again: str) -> str:
    """Hint ``step`` (from 1) of ``part.function`` with its heading, and ``again`` (how to get the next one).

    A step past the last repeats the last one and says it was the last.
    """
    if not available():
        return HINTS_OFF
    written = steps(part, function)
    if not written:
        return f"There are no hints for {part}.{function}; run its checks to see what differs."
    shown = min(max(step, 1), len(written))
    lines = [f"Hint {shown} of {len(written)} for {function} ({part}): {written[shown - 1]}"]
    if step > len(written):
        lines.append("That was the last hint. The checks' messages say what still differs from the expected behaviour.")
    elif shown < len(written):
        lines.append(f"Still stuck? {again} gives the next hint.")
    return "\n".join(lines)
