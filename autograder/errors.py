"""Errors a user can fix: a bad command line, a bad input, a bad course file. The command line prints one line and exits 2.

Any layer may raise them; only :mod:`autograder.cli` catches them.

Example:
    >>> str(InputError("course.toml: unknown key 'limit'"))
    "course.toml: unknown key 'limit'"
"""

from __future__ import annotations

USAGE_EXIT = 2  # a bad command line or input
GRADER_EXIT = 3  # the grader itself broke


class InputError(Exception):
    """Something the user gave us is wrong; the message says what, in their terms, and what to try (one line)."""
