"""What the code under test prints, captured in Python and bounded: imports nothing heavy, so a child without torch has it too.

Who may import it: any module of :mod:`autograder.sandbox` (the child's loop, the runners); it imports none of them.

Example::

    with captured_stdout() as out:
        print("hello")
    out.text()            # 'hello\\n'
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator

STDOUT_LIMIT = 20_000


class BoundedText(io.StringIO):
    """A text buffer that keeps the first ``limit`` characters and counts the rest."""

    def __init__(self, limit: int = STDOUT_LIMIT) -> None:
        super().__init__()
        self.limit = limit
        self.dropped = 0

    def write(self, text: str) -> int:
        text = str(text)
        room = self.limit - self.tell()
        if room > 0:
            super().write(text[:room])
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def text(self) -> str:
        value = self.getvalue()
        return value + (f"\n[... {self.dropped} more characters not kept]" if self.dropped else "")


@contextlib.contextmanager
def captured_stdout() -> Iterator[BoundedText]:
    """Collect what the code under test prints (bounded)."""
    buffer = BoundedText()
    with contextlib.redirect_stdout(buffer):
        yield buffer
