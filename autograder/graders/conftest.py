"""Fixtures of the hidden graders: the reference book (checked once per process)."""

from __future__ import annotations

import pytest

from autograder.graders.material import mistakes, scenarios
from autograder.references import ReferenceBook

BOOK = ReferenceBook(scenarios())
mistakes()  # every known mistake checked against its solution when the graders load, not at its first use


@pytest.fixture(scope="session")
def book(grading_notes: list[str]) -> ReferenceBook:
    BOOK.ensure()  # recompute and compare with curves.json, once per process
    grading_notes.extend(note for note in BOOK.notes if note not in grading_notes)
    return BOOK
