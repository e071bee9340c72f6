"""Issue 22's attacks at every isolation level: none earns more than its honest control, whoever grades.

``tests/test_security.py`` grades every attack as root in namespaces, and only those whose defence
depends on the machine (``DIFFERING``) at the other levels. The attacks of issue 22 (frames, the
garbage collector, ``__class__``, patch-and-restore, ctypes rebinding, a socket relay, an optimizer
patch, a dispatcher kernel, ``sys.modules`` shadowing, label peeking, autograd in part 1, a tensor
subclass's protocol, ...) work on the interpreter the child shares with the grader's harness, which
is the same at every level; this module proves it, one ``grade-class`` run per level: the ``user``
level (root without namespaces) and the ``none`` level (test_security.py grades them all at the
``namespaces`` level; an ordinary user in a user namespace is that level again, without root).
It is a module of its own so that ``pytest -n 2 --dist loadfile`` runs it beside test_security.py.
"""

from __future__ import annotations

from tests.test_security import ROOT_ONLY, grade_attacks, project_modes_kept

# Issue 22's attacks; their honest controls (tampering_control, label_peeking_control) are graded with them.
ISSUE_22 = [
    "frame_walk",
    "gc_objects",
    "class_swap",
    "patch_restore",
    "ctypes_rebind",
    "socket_relay",
    "optimizer_patch",
    "dispatcher_kernel",
    "modules_shadow",
    "label_peeking",
    "autograd_in_backprop",
    "torch_smuggled",
    "global_switches",
    "torch_function",
    "placeholder_dropout_extremes",
    "placeholder_dropout_random",
    "placeholder_three_steps",
    "placeholder_validation_modes",
    "placeholder_verbose",
]


@ROOT_ONLY
def test_issue_22_attacks_at_the_user_level(arena):
    """Root without namespaces, as in a default Docker container: an unprivileged user id per fork server."""
    with project_modes_kept():
        facts = grade_attacks(arena, ISSUE_22, level="user")
    assert any("unprivileged user id" in note for note in facts["notes"]), facts["notes"]


def test_issue_22_attacks_at_the_none_level(arena):
    """No isolation at all (AUTOGRADER_ISOLATION=none): only what holds everywhere, which is what these attacks meet."""
    facts = grade_attacks(arena, ISSUE_22, level="none")
    assert any("WEAK ISOLATION" in note for note in facts["notes"]), facts["notes"]

