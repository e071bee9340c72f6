"""Part 3's own hidden checks (validation loss); the shared ones are in :mod:`autograder.graders.families`."""

from __future__ import annotations

from autograder.graders import common
from autograder.graders.common import check_modes, check_no_updates
from autograder.graders.material import scenarios
from autograder.judge.grading import fail

MODULE = "validation"
TRAINER = "validation.trainer"


def modes(submission, scenario):
    # Only the modes the judge's model saw: a wrong loss value is the curves test's business, not this one's.
    check_modes(common.run_student(submission, scenario), MODULE)


def no_updates(submission, scenario):
    student = common.run_student(submission, scenario)
    check_no_updates(student, MODULE)
    if student["observations"]["valid_passes"] == 0:
        fail("Your trainer never went through the validation loader.", module=MODULE)


def epochs_and_types(submission, scenario):
    student = common.run_student(submission, scenario)
    epochs = scenarios()[scenario].spec["kwargs"]["epochs"]
    got = common.curves(student["returned"], TRAINER)
    for name, entries in got.items():
        if len(entries) != epochs:
            fail(
                f"With epochs={epochs}, the {common.READABLE[name]} list has {len(entries)} entries: it needs one per epoch.", module=MODULE
            )
