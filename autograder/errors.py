"""Errors that reach a user, typed so that the command line tells them apart without reading their messages.

- :class:`InputError`: something the user gave is wrong (a path, an option, the course file); one line, exit 2.
- :class:`GraderLoadError`: the graders themselves cannot load (a part's record, a table, a known mistake's
  patch, a collection error); the instructor's to fix, not the student's; one line, exit 3.

Any layer may raise them; only :mod:`autograder.cli` catches them.

Example:
    >>> str(InputError("course.toml: unknown key 'limit'"))
    "course.toml: unknown key 'limit'"
"""

from __future__ import annotations

USAGE_EXIT = 2  # a bad command line or input
GRADER_EXIT = 3  # the grader itself broke
MISSING_EXIT = 4  # export wrote its file, but some students in it have no grade (blank): see lms.export


class InputError(Exception):
    """Something the user gave us is wrong; the message says what, in their terms, and what to try (one line)."""


class GraderLoadError(Exception):
    """The graders cannot load (a part's files do not fit together); the message names the file and what to fix."""
