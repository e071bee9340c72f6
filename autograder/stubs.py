"""Turn the reference solutions into student stubs.

Every block fenced by ``### BEGIN SOLUTION`` / ``### END SOLUTION`` becomes
``# YOUR CODE HERE`` and ``raise NotImplementedError()`` at the block's
indentation; everything else (signatures, docstrings, provided code) is kept.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from autograder import EXERCISES_DIR, SOLUTIONS_DIR

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
_MARKER = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>### (?:BEGIN|END) SOLUTION)[ \t]*$")


class StubError(ValueError):
    """A solution file whose markers do not pair up."""


def make_stub(source: str, filename: str = "<source>") -> str:
    """Return ``source`` with each solution block replaced by a stub.

    Example:
        >>> make_stub("def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION\\n")
        'def f():\\n    # YOUR CODE HERE\\n    raise NotImplementedError()\\n'
    """
    out: list[str] = []
    inside_since: int | None = None
    for number, line in enumerate(source.splitlines(keepends=True), start=1):
        match = _MARKER.match(line.rstrip("\n"))
        marker = match.group("marker") if match else None
        if marker == BEGIN:
            if inside_since is not None:
                raise StubError(f"{filename}:{number}: {BEGIN} inside the block opened at line {inside_since}")
            inside_since = number
            indent = match.group("indent")
            out.append(f"{indent}# YOUR CODE HERE\n{indent}raise NotImplementedError()\n")
        elif marker == END:
            if inside_since is None:
                raise StubError(f"{filename}:{number}: {END} without a {BEGIN} before it")
            inside_since = None
        elif inside_since is None:
            out.append(line)
    if inside_since is not None:
        raise StubError(f"{filename}:{inside_since}: {BEGIN} is never closed")
    return "".join(out)


def expected_exercises(solutions_dir: Path) -> dict[str, str]:
    """File name -> the stub text that ``exercises/`` must hold for it."""
    return {path.name: make_stub(path.read_text(), str(path)) for path in sorted(solutions_dir.glob("*.py"))}


def build_exercises(solutions_dir: Path, exercises_dir: Path, check: bool = False) -> list[str]:
    """Write (or, with ``check``, only compare) ``exercises/`` from ``solutions/``.

    Returns:
        The names of the files that differed (and, unless ``check``, were rewritten),
        including stale files in ``exercises/`` that have no solution.
    """
    wanted = expected_exercises(solutions_dir)
    differing = []
    for name, text in wanted.items():
        target = exercises_dir / name
        if not target.exists() or target.read_text() != text:
            differing.append(name)
            if not check:
                exercises_dir.mkdir(parents=True, exist_ok=True)
                target.write_text(text)
    for stale in sorted(exercises_dir.glob("*.py")):
        if stale.name not in wanted:
            differing.append(stale.name)
            if not check:
                stale.unlink()
    return differing


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if exercises/ is out of date")
    parser.add_argument("--solutions", default=str(SOLUTIONS_DIR))
    parser.add_argument("--exercises", default=str(EXERCISES_DIR))


def main(args: argparse.Namespace) -> int:
    """``python -m autograder build-exercises [--check]``: write (or compare) exercises/; exit 1 when out of date."""
    changed = build_exercises(Path(args.solutions), Path(args.exercises), check=args.check)
    if args.check:
        if changed:
            print(f"exercises/ is out of date for: {', '.join(changed)}. Run: python -m autograder build-exercises")
            return 1
        print("exercises/ matches solutions/.")
        return 0
    print(f"wrote {len(changed)} file(s): {', '.join(changed) or 'nothing changed'}")
    return 0
