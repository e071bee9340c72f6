"""Feedback says by how much a value is off (issue 23, point 1), in relative terms that give no expected value away."""

from __future__ import annotations

import math

import pytest

from autograder.checks.compare import first_difference, how_far


@pytest.mark.parametrize(
    ("got", "want", "words"),
    [
        (1.0, 0.5, "about 2 times what it should be"),
        (0.25, 0.5, "about 0.5 times what it should be"),
        (0.45, 0.5, "about 10 % smaller than it should be"),
        (0.50000001, 1.0, "about 0.5 times what it should be"),  # the same words as 0.5 and 0.49999999
        (0.49999999, 1.0, "about 0.5 times what it should be"),
        (0.9969, 1.0, "about 0.31 % smaller than it should be"),  # a small gap is not "0 %"
        (-0.55, -0.5, "about 10 % larger than it should be"),  # in size
        (-0.5, 0.5, "with the wrong sign"),
        (0.0, 0.5, "0 where it should not be"),
        (0.003, 0.0, "by 0.003"),
        (math.nan, 0.5, "nan (not a finite number)"),
        ([1.0, 2.0, 3.0], [1.0, 2.0, 3.3], "about 9.1 % smaller than it should be"),  # the entry furthest off
        ([[1.0, 2.0]], [[1.0], [2.0]], "of another shape"),
    ],
)
def test_how_far_says_the_size_of_the_gap(got, want, words):
    assert how_far(got, want) == words


def test_a_curve_says_where_it_parts_and_by_how_much():
    assert first_difference([0.5, 0.6, 0.7], [0.5, 0.55, 0.5]) == "it first differs at epoch 2 (about 9.1 % larger than it should be)"
    assert first_difference([0.5], [0.5, 0.4]) == "it has 1 entries where 2 epochs were run"
    assert first_difference([0.5, 0.4], [0.5, 0.4]) == "it matches"


def test_a_stub_gets_no_hint_about_a_mistake_it_has_not_made(tmp_path):
    """sgd_step still a stub is "not written yet", with no hint about floats and .copy() (a newcomer's walk found one)."""
    from tests.conftest import ROOT, grade

    results, _ = grade(ROOT / "exercises" / "backprop.py", tmp_path)
    sgd = [t for t in results["tests"] if t["name"].startswith("backprop.sgd_step")]
    assert sgd and all("not written yet" in t["output"] for t in sgd), [t["output"] for t in sgd]
    assert not any(".copy()" in t["output"] for t in sgd), [t["output"] for t in sgd]
