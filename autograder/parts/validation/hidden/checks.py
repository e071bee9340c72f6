"""Part 3's own hidden checks (validation loss); the shared ones are in :mod:`autograder.graders.families`."""

from __future__ import annotations

from autograder.graders import common
from autograder.graders.material import scenarios
from autograder.judge.grading import fail

MODULE = "validation"
TRAINER = "validation.trainer"


def epochs_and_types(submission, scenario):
    student = common.run_student(submission, scenario)
    epochs = scenarios()[scenario].spec["kwargs"]["epochs"]
    got = common.curves(student["returned"], TRAINER)
    for name, entries in got.items():
        if len(entries) != epochs:
            fail(
                f"With epochs={epochs}, the {common.READABLE[name]} list has {len(entries)} entries: it needs one per epoch.", module=MODULE
            )
