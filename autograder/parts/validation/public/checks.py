"""Public checks of part 3, validation loss: the trainer on public data, with and without dropout, and how it validates."""

from __future__ import annotations

from autograder.checks import public
from autograder.checks.behaviour import check_modes, check_no_graph, check_no_updates
from autograder.judge.grading import GradingFailure, fail

MODULE = "validation"


def curves(submission):
    public.compare_runs(
        submission,
        ["validation.public_plain"],
        hint="after each epoch's training, average the validation batch losses over len(validloader).",
    )


def modes(submission):
    student = public.run(submission, "validation.public_dropout")
    try:
        public.compare_runs(
            submission, ["validation.public_dropout"], hint="model.eval() before validating, model.train() before training."
        )
    except GradingFailure as failure:
        if "This looks like" not in str(failure):
            check_modes(student, MODULE)
        raise
    check_modes(student, MODULE)


def no_graph(submission):
    check_no_graph(public.run(submission, "validation.public_plain"), MODULE)


def no_updates(submission):
    student = public.run(submission, "validation.public_plain")
    check_no_updates(student, MODULE)
    if student["observations"]["valid_passes"] == 0:
        fail("Your trainer never went through the validation loader.", module=MODULE)
