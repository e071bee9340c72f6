"""Hidden graders for part 4, early stopping: 14 points.

Most scenarios script the validation losses (the judge's model reports a
chosen loss on validation data each epoch), so the epoch at which the
chapter's rule stops is known exactly and each stopping mistake shows.
"""

from __future__ import annotations

import re

from autograder.graders import common
from autograder.graders.common import (
    check_no_graph,
    check_no_updates,
    check_ran,
    check_stop,
    check_trains_in_train,
    check_validates_in_eval,
)
from autograder.graders.early_stopping.scenarios import SCENARIOS
from autograder.judge.grading import fail, graded

MODULE = "early_stopping"


@graded("early_stopping.trainer: stops once patience consecutive increases are reached", points=3)
def test_stops(submission, book):
    check_stop(submission, book, "early_stopping.stop_at_6")


@graded("early_stopping.trainer: a decrease resets the count of increases", points=2)
def test_reset(submission, book):
    check_stop(submission, book, "early_stopping.reset")


@graded("early_stopping.trainer: an equal loss is not an increase", points=1)
def test_plateau(submission, book):
    # A flat run, and a plateau between rises: equal neither adds to the count nor keeps it.
    check_stop(submission, book, "early_stopping.plateau")
    check_stop(submission, book, "early_stopping.equal_between_rises")


@graded("early_stopping.trainer: runs every epoch while the loss keeps falling", points=1)
def test_falling(submission, book):
    check_stop(submission, book, "early_stopping.falling")


@graded("early_stopping.trainer: with patience 1 it stops at the first increase", points=1)
def test_patience_one(submission, book):
    check_stop(submission, book, "early_stopping.patience_1")


@graded("early_stopping.trainer: prints the stop message with the epoch and the count, and only when it stops", points=1)
def test_message(submission, book):
    # Judged against the student's own run: a message after a run of every epoch is wrong whatever the rule did.
    falling = common.run_student(submission, "early_stopping.falling")
    epochs = SCENARIOS["early_stopping.falling"].spec["kwargs"]["epochs"]
    ran = len(common.curve_values(falling["returned"], "early_stopping.trainer", "valid_loss"))
    if ran >= epochs and "stopped early" in falling["stdout"].lower():
        fail("Your trainer printed the early-stopping message although it ran every epoch.", module=MODULE)
    student = common.run_student(submission, "early_stopping.stop_at_6")
    reference = book.result("early_stopping.stop_at_6")
    want_epoch, want_count = (int(n) for n in re.findall(r"\d+", reference["stdout"])[:2])
    said = " ".join(student["stdout"].split()).lower()
    epoch = re.search(r"stopped early at epoch (\d+)", said)
    count = re.search(r"increased for (\d+) consecutive", said)
    if not epoch or not count:
        fail(
            'When it stops early, your trainer should print: "Stopped early at epoch N - val loss increased for K consecutive epochs!"',
            module=MODULE,
        )
    if int(epoch.group(1)) != want_epoch or int(count.group(1)) != want_count:
        fail(
            "Your stop message has the wrong numbers: N is the epoch training stopped at, counted from 1 "
            "(the length of the returned lists), and K the number of consecutive increases (the patience).",
            module=MODULE,
        )


@graded("early_stopping.trainer: losses and weights match the reference (model with dropout)", points=3, hidden=False)
def test_curves(submission, book):
    common.compare_run(
        submission, book, "early_stopping.real", hint="train and validate exactly as in part 3, then apply the stopping rule."
    )


def trains_right(submission, book) -> None:
    """The validation-hygiene tests' value check (:func:`common.right_values_first`): the weights of the run with dropout."""
    common.right_values_first(
        submission,
        "early_stopping.trainer",
        "the grader's run with dropout",
        lambda: common.weights_right(submission, book, "early_stopping.real"),
    )


@graded("early_stopping.trainer: validates in eval mode", points=0.5)
def test_validates_in_eval(submission, book):
    check_validates_in_eval(common.run_student(submission, "early_stopping.real"), MODULE)
    trains_right(submission, book)


@graded("early_stopping.trainer: trains in train mode", points=0.5)
def test_trains_in_train(submission, book):
    check_trains_in_train(common.run_student(submission, "early_stopping.real"), MODULE)
    trains_right(submission, book)


@graded("early_stopping.trainer: validation builds no autograd graph", points=0.5)
def test_no_graph(submission, book):
    check_no_graph(common.run_student(submission, "early_stopping.real"), MODULE)
    trains_right(submission, book)


@graded("early_stopping.trainer: validation never updates the weights", points=0.5)
def test_no_updates(submission, book):
    student = common.run_student(submission, "early_stopping.real")
    check_ran(student, MODULE)  # a trainer that never validates updates nothing there, and earns nothing for it
    check_no_updates(student, MODULE)
    trains_right(submission, book)
