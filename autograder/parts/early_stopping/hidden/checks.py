"""Part 4's own hidden checks (early stopping); the shared ones (the stopping rule, curves, hygiene) are in :mod:`autograder.graders.families`."""

from __future__ import annotations

import re

from autograder.graders import common
from autograder.graders.material import scenarios
from autograder.judge.grading import fail

MODULE = "early_stopping"


def message(submission, book):
    # Judged against the student's own run: a message after a run of every epoch is wrong whatever the rule did.
    falling = common.run_student(submission, "early_stopping.falling")
    epochs = scenarios()["early_stopping.falling"].spec["kwargs"]["epochs"]
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
