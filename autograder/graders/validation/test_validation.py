"""Hidden graders for part 3, validation loss: 12 points."""

from __future__ import annotations

from autograder.graders import common
from autograder.graders.common import check_modes, check_no_graph, check_no_updates
from autograder.graders.validation.scenarios import SCENARIOS
from autograder.judge.grading import fail, graded

MODULE = "validation"
TRAINER = "validation.trainer"


@graded("validation.trainer: training and validation losses match the reference", points=4, hidden=False)
def test_curves(submission, book):
    common.compare_run(
        submission,
        book,
        "validation.plain",
        hint="after each epoch's training, average the validation batch losses over len(validloader).",
    )


@graded("validation.trainer: validates in eval mode, trains in train mode (model with dropout)", points=3)
def test_modes(submission, book):
    # Only the modes the judge's model saw: a wrong loss value is the curves test's business, not this one's.
    check_modes(common.run_student(submission, "validation.dropout"), MODULE)


def trains_right(submission, book) -> None:
    """The property tests' value check (:func:`common.right_values_first`): the training loss of the plain run."""
    common.right_values_first(
        submission, TRAINER, "the grader's plain run", lambda: common.weights_right(submission, book, "validation.plain")
    )


@graded("validation.trainer: validation builds no autograd graph", points=2)
def test_no_graph(submission, book):
    check_no_graph(common.run_student(submission, "validation.plain"), MODULE)
    trains_right(submission, book)


@graded("validation.trainer: validation never updates the weights", points=2)
def test_no_updates(submission, book):
    student = common.run_student(submission, "validation.plain")
    check_no_updates(student, MODULE)
    if student["observations"]["valid_passes"] == 0:
        fail("Your trainer never went through the validation loader.", module=MODULE)
    trains_right(submission, book)


@graded("validation.trainer: returns (train_loss, valid_loss), one float each per epoch", points=1)
def test_shape(submission, book):
    student = common.run_student(submission, "validation.plain")
    epochs = SCENARIOS["validation.plain"].spec["kwargs"]["epochs"]
    got = common.curves(student["returned"], TRAINER)
    for name, entries in got.items():
        if len(entries) != epochs:
            fail(
                f"With epochs={epochs}, the {common.READABLE[name]} list has {len(entries)} entries: it needs one per epoch.", module=MODULE
            )
    trains_right(submission, book)
