"""Part 3's hidden tests (validation loss), as data: the runner executes each row; the part's points are their sum."""

from __future__ import annotations

from autograder.judge.table import FAMILIES, Test, ValuesFirst, hygiene

# The property tests' value check: the trainer trains as part 2 does, in the grader's plain run.
TRAINS = ValuesFirst("the grader's plain run", f"{FAMILIES}:weights_right", {"scenario": "validation.plain"})

TESTS = [
    Test(
        "test_curves",
        "trainer",
        "training and validation losses match the reference",
        4,
        f"{FAMILIES}:curves",
        hidden=False,
        scenario="validation.plain",
        args={
            "also": ("validation.l1",),  # with the criterion and optimizer it is given, not the chapter's
            "hint": "after each epoch's training, average the validation batch losses over len(validloader).",
        },
    ),
    Test(
        "test_modes",
        "trainer",
        "validates in eval mode, trains in train mode (model with dropout)",
        3,
        f"{FAMILIES}:modes",
        scenario="validation.dropout",
        values_first=TRAINS,
    ),
    *hygiene("trainer", "validation.plain", {"no_graph": 2, "no_updates": 2}, TRAINS),
    Test(
        "test_shape",
        "trainer",
        "returns (train_loss, valid_loss), one float each per epoch",
        1,
        "epochs_and_types",
        scenario="validation.plain",
        values_first=TRAINS,
    ),
]
