"""The hidden graders' reference book: every part's scenarios, their stored results checked once per process.

The known mistakes are checked against their solutions when this module loads, so a patch that no longer
applies is an error at start-up (:class:`~autograder.graders.material.MaterialError`), not a diagnosis
silently skipped during grading.
"""

from __future__ import annotations

from autograder.graders.material import canary, mistakes, scenarios
from autograder.references import ReferenceBook

BOOK = ReferenceBook(scenarios(), canary())
mistakes()


def checked(notes: list[str]) -> ReferenceBook:
    """:data:`BOOK`, checked against this environment (once per process), its notes added to ``notes``."""
    BOOK.ensure()
    notes.extend(note for note in BOOK.notes if note not in notes)
    return BOOK
