"""The stored reference results are trusted only where they were made: a differing fingerprint or canary recomputes.

A cold start skips recomputing the reference results when ``curves.json`` carries this
environment's fingerprint and its canary scenario reproduces bit for bit
(:mod:`autograder.references.fingerprint`). Each test forges one stored result that the
canary does not cover: trusted, the forged value would be graded against; so a start-up
that must not trust the file has to recompute, note it, and grade as before.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder import references
from autograder.course.config import Course
from autograder.graders import book as grader_book
from autograder.graders.material import canary, scenarios
from autograder.session import GradingSession

SCENARIOS = scenarios()
CANARY = canary()
FORGED = "training_loop.even"  # not the canary: only the fingerprint and the canary can tell it was forged


@pytest.fixture(scope="module")
def made_here(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """``curves.json`` as ``references --write`` makes it in this environment."""
    path = tmp_path_factory.mktemp("curves") / "curves.json"
    references.write(SCENARIOS, CANARY, path)
    return json.loads(path.read_text())


def forged_book(document: dict, tmp_path: Path, change=None) -> references.ReferenceBook:
    """A book over a copy of ``document`` whose FORGED result moved (as if from another torch), then ``change``d."""
    forged = json.loads(json.dumps(document))
    forged["results"][FORGED]["returned"][0] += 0.5
    if change:
        change(forged)
    path = tmp_path / "curves.json"
    path.write_text(json.dumps(forged))
    return references.ReferenceBook(SCENARIOS, CANARY, path)


def other_fingerprint(field: str):
    def change(document: dict) -> None:
        document["fingerprint"][field] = "another"

    return change


def canary_in_last_bit(document: dict) -> None:
    document["results"][CANARY]["returned"]["train_loss"][0] *= 1 + 1e-7  # what another CPU's rounding does to a float32 sum


LIVE = references.to_jsonable(references.run(SCENARIOS[FORGED]))


def test_the_written_file_carries_the_fingerprint_and_canary(made_here: dict):
    assert made_here["canary"] == CANARY and CANARY in made_here["results"]
    assert {"code", "torch", "numpy", "python", "cpu_capability", "cpu_flags", "threads"} <= set(made_here["fingerprint"])


def test_same_fingerprint_and_canary_trust_the_stored_results(made_here: dict, tmp_path: Path):
    book = forged_book(made_here, tmp_path)
    assert references.to_jsonable(book.result(FORGED)) != LIVE  # the forged value: nothing was recomputed
    assert book.recomputed is False and book.notes == []


@pytest.mark.parametrize("field", ["torch", "numpy", "python", "cpu_flags", "cpu_capability", "threads", "code"])
def test_a_differing_fingerprint_recomputes(made_here: dict, tmp_path: Path, field: str):
    book = forged_book(made_here, tmp_path, other_fingerprint(field))
    assert references.to_jsonable(book.result(FORGED)) == LIVE
    assert book.recomputed is True and len(book.notes) == 1 and FORGED in book.notes[0]


def test_a_canary_that_differs_in_the_last_bit_recomputes(made_here: dict, tmp_path: Path):
    book = forged_book(made_here, tmp_path, canary_in_last_bit)
    assert references.to_jsonable(book.result(FORGED)) == LIVE
    assert book.recomputed is True and FORGED in book.notes[0]


def test_an_untrusted_file_grades_exactly_as_recomputed_results_do(made_here: dict, tmp_path: Path, monkeypatch):
    """Through the graders: the solutions' training_loop, graded with each book in one session, test by test."""
    with GradingSession.hidden_graders(Course()) as session:

        def graded(book: references.ReferenceBook) -> list[tuple]:
            monkeypatch.setattr(grader_book, "BOOK", book)  # the session's reference book is read at each grade
            report = session.grade(Path(references.SOLUTIONS_DIR), select="training_loop")
            return [(t.name, t.points, t.passed, t.message) for t in report.tests]

        recomputed = graded(references.ReferenceBook(SCENARIOS, CANARY, tmp_path / "absent.json"))  # nothing stored to trust: today's path
        assert recomputed and all(passed for _, _, passed, _ in recomputed)
        for name, change in (("fingerprint", other_fingerprint("cpu_flags")), ("canary", canary_in_last_bit)):
            (tmp_path / name).mkdir()
            assert graded(forged_book(made_here, tmp_path / name, change)) == recomputed, name
        (tmp_path / "trusted").mkdir()
        trusted = graded(forged_book(made_here, tmp_path / "trusted"))
    assert trusted != recomputed  # trusted, the forged curve would have cost a right solution points


def test_the_stored_code_digest_is_current():
    """An edit to solutions/, the sandbox or a scenario leaves curves.json untrusted (every start recomputes) until rewritten."""
    from autograder.references.fingerprint import code_digest

    stored = json.loads(references.CURVES_PATH.read_text())["fingerprint"]
    assert stored["code"] == code_digest(SCENARIOS), "solutions/, the sandbox or a scenario changed: run `make references`"
