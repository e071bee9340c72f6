"""The graders proven on corpora of submissions (issue: prove the graders).

Every submission of ``tests/corpus/`` (see :mod:`tests.proving`) is graded
once, through ``python -m autograder grade-class`` as an instructor runs it,
and each outcome is checked: a mistake loses exactly the points of the tests
its ``expected.json`` names, with the stated phrase in the feedback and
no other known mistake named in its place; a
right-but-different submission gets every point of the parts it hands in; a placeholder (a function that
computes nothing) scores 0 in every test of the function it stands in for.

The same run proves that behaviour is unchanged (issue 21): the corpora and the examples go
through collect, grade-class, every export, grade and ci (:mod:`tests.unchanged`), and every
grade, message and exported file must equal the snapshot in ``tests/golden/unchanged.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.api import GRADED_MODULES, STUDENT_API
from tests import unchanged
from tests.proving import (
    PRECISION,
    Entry,
    diagnosis_precision,
    diagnosis_words,
    load_entries,
    print_precision,
    problems,
    read_graded,
    recorded_diagnoses,
)
from tests.test_graders_meta import graded_marks

ENTRIES = load_entries()
MISTAKES = [e for e in ENTRIES if e.kind == "mistakes"]
VARIANTS = [e for e in ENTRIES if e.kind == "variants"]
PLACEHOLDERS = [e for e in ENTRIES if e.kind == "placeholders"]
FUNCTIONS = {f"{module}.{function}" for module in GRADED_MODULES for function in STUDENT_API[module]}
TEST_NAMES = {mark["name"] for mark in graded_marks()}


@pytest.fixture(scope="module")
def everything(tmp_path_factory) -> Path:
    """Every corpus entry and example collected, graded in one grade-class run, exported, and graded one by one."""
    return unchanged.grade_everything(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def graded(everything: Path) -> dict[str, Path]:
    """Each submission's graded folder, by its entry's key."""
    return unchanged.graded_folders(everything)


def test_grades_messages_and_exports_are_as_recorded(everything: Path):
    """Behaviour unchanged: what every submission scores and reads, and what every platform receives (tests/unchanged.py)."""
    differences = unchanged.compare(unchanged.snapshot(everything), json.loads(unchanged.GOLDEN.read_text()))
    assert differences == [], "\n".join(differences[:40])


def test_the_corpora_are_large_and_cover_every_module():
    assert len(MISTAKES) >= 40 and len(VARIANTS) >= 15
    for module in GRADED_MODULES:
        assert sum(module in e.modules for e in MISTAKES) >= 4, module
        assert any(module in e.modules for e in VARIANTS), module


def test_entries_are_well_formed():
    for entry in ENTRIES:
        assert entry.files and all(m in GRADED_MODULES for m in entry.modules), entry.name
        assert len(entry.about) > 20, entry.name
        assert set(entry.fails) <= TEST_NAMES, (entry.name, set(entry.fails) - TEST_NAMES)
        if entry.kind == "mistakes":
            # one mistake, in one module: every test it should fail grades that module
            assert len(entry.modules) == 1 and entry.fails and entry.feedback, entry.name
            # and the diagnosis it should get (issue 23): its own known mistake, by key or words, or null
            assert "diagnosis" in json.loads((entry.folder / "expected.json").read_text()), entry.name
            if entry.diagnosis and entry.diagnosis.startswith(f"{entry.modules[0]}."):
                assert diagnosis_words(entry.diagnosis) != entry.diagnosis, (entry.name, "no such known mistake")
            assert {name.partition(".")[0] for name in entry.fails} == set(entry.modules), entry.name
        elif entry.kind == "placeholders":
            # each function it stands in for is in one of its modules; no feedback phrase, since it does nothing
            assert entry.zero and set(entry.zero) <= FUNCTIONS, (entry.name, set(entry.zero) - FUNCTIONS)
            assert {name.partition(".")[0] for name in entry.zero} <= set(entry.modules), entry.name
            assert not entry.feedback, entry.name
        else:
            assert not entry.fails, entry.name


def test_every_graded_function_has_placeholders_and_one_entry_is_all_placeholders():
    for function in FUNCTIONS:
        assert sum(function in e.zero for e in PLACEHOLDERS) >= 3, function
    assert any(set(e.zero) == FUNCTIONS for e in PLACEHOLDERS)


@pytest.mark.parametrize("entry", MISTAKES, ids=[e.name for e in MISTAKES])
def test_a_mistake_loses_exactly_its_points_and_is_named(entry: Entry, graded):
    results, report = read_graded(graded[entry.key])
    assert problems(entry, results, report, TEST_NAMES) == []


def test_a_named_diagnosis_is_the_mistake_the_code_contains(graded):
    """Diagnosis precision over the mistakes corpus: named diagnoses that are the entry's own / all named (>= 98 %).

    Recall (entries whose own diagnosis is named / entries that have one) is printed, not held: a diagnosis is
    named only when the evidence singles it out, and some true ones lack that evidence.
    """
    named = {entry.name: recorded_diagnoses(read_graded(graded[entry.key])[1]) for entry in MISTAKES}
    result = diagnosis_precision(named, MISTAKES)
    print_precision(result, "hidden graders")
    blind = [entry for entry in MISTAKES if entry.origin == "blind"]  # written from the docstrings only (issue 23)
    print_precision(diagnosis_precision(named, blind), "hidden graders, blind entries only")
    assert result["precision"] >= PRECISION, result["wrong"]


@pytest.mark.parametrize("entry", VARIANTS, ids=[e.name for e in VARIANTS])
def test_a_right_but_different_submission_gets_full_marks(entry: Entry, graded):
    results, report = read_graded(graded[entry.key])
    assert problems(entry, results, report, TEST_NAMES) == []
    handed_in = [t for t in results["tests"] if t["name"].partition(".")[0] in entry.modules]
    assert handed_in and all(t["score"] == t["max_score"] for t in handed_in)  # every point of the parts it hands in


def test_every_graded_test_of_the_catalog_is_held_to_0_by_a_placeholder(graded):
    """Issue 22: for every test the graders have, some placeholder stands in for its function and scores 0 in it."""
    held = set()
    for entry in PLACEHOLDERS:
        results, _ = read_graded(graded[entry.key])
        held |= {t["name"] for t in results["tests"] if t["name"].partition(":")[0] in entry.zero and t["score"] == 0}
    assert TEST_NAMES - held == set()


@pytest.mark.parametrize("entry", PLACEHOLDERS, ids=[e.name for e in PLACEHOLDERS])
def test_a_placeholder_scores_0_in_every_test_of_its_function(entry: Entry, graded):
    results, report = read_graded(graded[entry.key])
    assert problems(entry, results, report, TEST_NAMES) == []
    if set(entry.zero) == FUNCTIONS:
        assert results["score"] == 0
