"""Public checks of part 4, early stopping: the docstring's examples and other scripted validation losses, and a real run."""

from __future__ import annotations

import re

from autograder.checks import public
from autograder.checks.behaviour import check_modes, check_no_graph, check_no_updates
from autograder.judge.grading import GradingFailure, fail

MODULE = "early_stopping"
# Every scripted scenario: a diagnosis must fit the student's runs in all of them.
SCRIPTED = [
    "early_stopping.docstring",
    "early_stopping.docstring_reset",
    "early_stopping.equal_steps",
    "early_stopping.rising",
    "early_stopping.flat_after_drop",
]


def _stops(submission, key: str) -> None:
    public.compare_runs(submission, [key], also=SCRIPTED)


def docstring(submission):
    _stops(submission, "early_stopping.docstring")


def reset(submission):
    _stops(submission, "early_stopping.docstring_reset")


def equal(submission):
    _stops(submission, "early_stopping.equal_steps")


def patience_one(submission):
    _stops(submission, "early_stopping.rising")


def message(submission):
    said = " ".join(public.run(submission, "early_stopping.docstring")["stdout"].split()).lower()
    epoch = re.search(r"stopped early at epoch (\d+)", said)
    count = re.search(r"increased for (\d+) consecutive", said)
    if not epoch or not count:
        fail(
            'When it stops early, your trainer should print: "Stopped early at epoch N - val loss increased for K consecutive epochs!"',
            module=MODULE,
        )
    if (int(epoch.group(1)), int(count.group(1))) != (6, 3):
        fail(
            "On the docstring's example (validation losses 5, 4, 3, 4, 5, 6, 7, patience 3) it should print "
            '"Stopped early at epoch 6 - val loss increased for 3 consecutive epochs!": N counts epochs from 1.',
            module=MODULE,
        )


def curves(submission):
    student = public.run(submission, "early_stopping.public_real")
    try:
        public.compare_runs(
            submission, ["early_stopping.public_real"], hint="train and validate exactly as in part 3, then apply the rule."
        )
    except GradingFailure as failure:
        if "This looks like" not in str(failure):
            check_modes(student, MODULE)
        raise


def validation_hygiene(submission):
    student = public.run(submission, "early_stopping.public_real")
    check_modes(student, MODULE)
    check_no_graph(student, MODULE)
    check_no_updates(student, MODULE)
