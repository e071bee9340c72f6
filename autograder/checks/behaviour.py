"""What the judge's model saw a trainer do (modes, graph, updates): checks shared by the hidden graders and the public checks.

The harness that runs a trainer records, per phase of the loop, every forward
pass of the judge's model (train or eval mode, with or without a graph) and
every optimizer step; these checks read that record. Nothing here is secret.

Example:
    >>> forwards({"observations": {"forwards": {"valid:eval:nograd": 3}}}, "valid", mode="eval")
    3
"""

from __future__ import annotations

from autograder.judge.grading import fail

STOPPING_RULE = (
    "after each epoch compare the validation loss with the previous epoch's: strictly greater adds one to the "
    "count, anything else resets it to 0; stop (after recording the epoch) when the count reaches patience."
)


def forwards(student: dict, phase: str, mode: str | None = None, grad: str | None = None) -> int:
    """How many forward passes the judge's model saw in a phase (optionally: in a mode, with or without grad)."""
    total = 0
    for key, count in student["observations"]["forwards"].items():
        seen_phase, seen_mode, seen_grad = key.split(":")
        if seen_phase == phase and mode in (None, seen_mode) and grad in (None, seen_grad):
            total += count
    return total


def check_ran(student: dict, module: str) -> None:
    """The behaviour checks below judge what the loop did: a trainer that never ran the model earns none of them."""
    if not forwards(student, "train") or not forwards(student, "valid"):
        fail(
            "Your trainer did not run the grader's model on batches while iterating over trainloader and over "
            "validloader, so how it trains and validates cannot be judged. (Batches read out of a loader once, "
            "for instance into a list reused every epoch, do not count as a pass over it.)",
            hint="each epoch: a training pass `for X, y in trainloader:`, then a validation pass `for X, y in validloader:`.",
            module=module,
        )


def check_modes(student: dict, module: str) -> None:
    """Validation in eval mode, training in train mode (the judge's model reports which it saw)."""
    check_validates_in_eval(student, module)
    check_trains_in_train(student, module)


def check_validates_in_eval(student: dict, module: str) -> None:
    """Every forward pass on validation data in eval mode (dropout off while measuring)."""
    check_ran(student, module)
    if forwards(student, "valid", mode="train"):
        fail(
            "Your validation loop ran the model in training mode, so dropout was active while measuring.",
            hint="call model.eval() before the validation loop.",
            module=module,
        )


def check_trains_in_train(student: dict, module: str) -> None:
    """Every forward pass on training data in train mode (dropout on while training)."""
    check_ran(student, module)
    if forwards(student, "train", mode="eval"):
        fail(
            "Your trainer ran the model in eval mode (dropout off) on the training data: either it trained in eval mode "
            "(the model came in eval mode, or stayed in it after a validation), or it measured the training loss "
            "with an extra pass in eval mode, which the chapter's trainer does not do.",
            hint="call model.train() again before each epoch's training; the training loss is the mean of that pass's batch losses.",
            module=module,
        )


def check_no_graph(student: dict, module: str) -> None:
    check_ran(student, module)
    if forwards(student, "valid", grad="grad"):
        fail(
            "Your validation loop builds an autograd graph: the forward passes on validation data ran with gradients enabled.",
            hint="wrap the validation loop in `with torch.no_grad():` (torch.inference_mode() works too).",
            module=module,
        )


def check_no_updates(student: dict, module: str) -> None:
    observations = student["observations"]
    if observations["steps"]["valid"] or observations["valid_param_changes"]:
        fail(
            "Your trainer changed the weights while going through the validation data.",
            hint="no loss.backward() and no optimizer.step() in the validation loop: it only measures.",
            module=module,
        )
