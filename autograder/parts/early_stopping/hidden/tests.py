"""Part 4's hidden tests (early stopping), as data: the runner executes each row; the part's points are their sum.

Most scenarios script the validation losses (the judge's model reports a chosen loss on validation
data each epoch), so the epoch at which the chapter's rule stops is known exactly and each stopping
mistake shows.
"""

from __future__ import annotations

from autograder.judge.table import FAMILIES, Test, ValuesFirst, hygiene

STOPS = f"{FAMILIES}:stops"
# The validation-hygiene tests' value check: the weights of the run with dropout.
TRAINS = ValuesFirst("the grader's run with dropout", f"{FAMILIES}:weights_right", {"scenario": "early_stopping.real"})

TESTS = [
    Test("test_stops", "trainer", "stops once patience consecutive increases are reached", 3, STOPS, scenario="early_stopping.stop_at_6"),
    Test("test_reset", "trainer", "a decrease resets the count of increases", 2, STOPS, scenario="early_stopping.reset"),
    # A flat run, and a plateau between rises: equal neither adds to the count nor keeps it.
    Test(
        "test_plateau",
        "trainer",
        "an equal loss is not an increase",
        1,
        STOPS,
        scenario="early_stopping.plateau",
        args={"also": ("early_stopping.equal_between_rises",)},
    ),
    Test("test_falling", "trainer", "runs every epoch while the loss keeps falling", 1, STOPS, scenario="early_stopping.falling"),
    Test("test_patience_one", "trainer", "with patience 1 it stops at the first increase", 1, STOPS, scenario="early_stopping.patience_1"),
    Test("test_message", "trainer", "prints the stop message with the epoch and the count, and only when it stops", 1, "message"),
    Test(
        "test_curves",
        "trainer",
        "losses and weights match the reference (model with dropout)",
        3,
        f"{FAMILIES}:curves",
        hidden=False,
        scenario="early_stopping.real",
        args={
            "also": ("early_stopping.l1",),  # with the criterion and optimizer it is given, not the chapter's
            "hint": "train and validate exactly as in part 3, then apply the stopping rule.",
        },
    ),
    *hygiene("trainer", "early_stopping.real", {"validates_in_eval": 0.5, "trains_in_train": 0.5, "no_graph": 0.5, "no_updates": 0.5}, TRAINS),
]
