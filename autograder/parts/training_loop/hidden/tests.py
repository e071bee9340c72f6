"""Part 2's hidden tests (the training loop), as data: the runner executes each row; the part's points are their sum.

The student's ``train_step`` and ``trainer`` run on the judge's own model, data and optimizer (see
``scenarios.py``); their losses and final weights are compared with what ``solutions/`` gives in the
very same scenario.
"""

from __future__ import annotations

from autograder.judge.table import FAMILIES, Test, ValuesFirst

CURVES = f"{FAMILIES}:curves"
# train_step's property tests' value check: the loss it returns for the grader's first batch is the reference's.
FIRST_LOSS = ValuesFirst("the grader's first batch", "first_loss_right", {"scenario": "train_step.one"})

TESTS = [
    Test(
        "test_train_step_one",
        "train_step",
        "one step matches the reference",
        2,
        "steps",
        scenario="train_step.one",
        args={
            # The chapter's SGD(lr=0.1) and MSE, then Adam, SGD with momentum and an L1 loss: the optimizer and the criterion given.
            "also": ("train_step.adam", "train_step.momentum", "train_step.l1"),
            "hint": "zero_grad, y_hat = model(X).flatten(), loss = criterion(y_hat, y), loss.backward(), optimizer.step().",
        },
    ),
    Test(
        "test_train_step_three",
        "train_step",
        "gradients are zeroed before every step",
        2,
        "zeroed_steps",
        scenario="train_step.three",
        args={"hint": "call optimizer.zero_grad() at the start of every step: loss.backward() adds to what .grad already holds."},
        values_first=FIRST_LOSS,
    ),
    Test(
        "test_train_step_returns_float",
        "train_step",
        "returns the loss as a Python float",
        1,
        "returns_float",
        scenario="train_step.three",
        values_first=FIRST_LOSS,
    ),
    Test(
        "test_trainer_even",
        "trainer",
        "loss per epoch matches the reference",
        3,
        CURVES,
        scenario="training_loop.even",
        args={
            "also": ("training_loop.l1",),  # with the criterion and optimizer it is given, not the chapter's
            "hint": "for each batch call train_step; per epoch append sum of batch losses / len(dataloader).",
        },
    ),
    Test(
        "test_trainer_uneven",
        "trainer",
        "averages over batches when the last batch is smaller",
        2,
        CURVES,
        scenario="training_loop.uneven",
        args={"hint": "with 10 samples in batches of 4, 4 and 2, the epoch's loss is (l1 + l2 + l3) / 3: divide by len(dataloader)."},
    ),
    Test("test_trainer_chapter", "trainer", "the chapter's setting, batch size 1 and Adam", 1, CURVES, hidden=False, scenario="training_loop.chapter"),
    Test(
        "test_trainer_epochs",
        "trainer",
        "runs exactly `epochs` epochs, one pass over the data and one loss each",
        1,
        "epoch_count",
        scenario="training_loop.uneven",
        values_first=ValuesFirst("the chapter's setting", f"{FAMILIES}:weights_right", {"scenario": "training_loop.chapter"}),
    ),
]
