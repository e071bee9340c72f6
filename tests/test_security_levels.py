"""The attacks graded as root without changing the project's permissions: every attack at the ``namespaces``
level, and issue 22's at the ``none`` level. None earns more than its honest work.

``tests/test_security.py`` holds the runs that close the project to other users or grade as one (the
``user`` level, for ``DIFFERING`` and issue 22's attacks; an ordinary user; the weak-isolation
report): pytest-xdist runs a file's tests one after the other, so none of them can find the project
closed by another. This file's runs need no such care and go on the other worker
(``pytest -n 2 --dist loadfile``). Issue 22's attacks (frames, the garbage collector, ``__class__``,
patch-and-restore, ctypes rebinding, a socket relay, an optimizer patch, a dispatcher kernel,
``sys.modules`` shadowing, label peeking, autograd in part 1, a tensor subclass's protocol, five
placeholders) work on the interpreter the child shares with the grader's harness, the same at every
level; an ordinary user in a user namespace is the ``namespaces`` level again, without root.
"""

from __future__ import annotations

import pytest

from tests.test_security import ISSUE_22, ROOT_ONLY, grade_attacks, namespaces_refusal


def test_issue_22_attacks_at_the_none_level(arena):
    """No isolation at all (AUTOGRADER_ISOLATION=none): only what holds everywhere, which is what these attacks meet."""
    facts = grade_attacks(arena, ISSUE_22, level="none")
    assert any("WEAK ISOLATION" in note for note in facts["notes"]), facts["notes"]


@ROOT_ONLY
def test_every_attack_as_root_in_namespaces(arena):
    refusal = namespaces_refusal(None)
    if refusal:
        pytest.skip(f"namespaces are refused here ({refusal}); test_attacks_as_root_without_namespaces covers root")
    facts = grade_attacks(arena, None)
    assert not any(note.startswith("sandbox:") for note in facts["notes"]), facts["notes"]
