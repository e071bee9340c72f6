"""Hidden graders for part 2, the training loop: 12 points.

The student's ``train_step`` and ``trainer`` run on the judge's own model,
data and optimizer (see ``scenarios.py``); their losses and final weights are
compared with what ``solutions/`` gives in the very same scenario.
"""

from __future__ import annotations

from autograder.graders import common
from autograder.graders.diagnoses import diagnose_scenario
from autograder.graders.training_loop.scenarios import SCENARIOS
from autograder.judge import values
from autograder.judge.grading import fail, graded

MODULE = "training_loop"


def _steps_match(student: dict, reference: dict) -> bool:
    try:
        losses = values.number_list(student["returned"], "the returned losses")
        return values.close(losses, reference["returned"], common.CURVE_RTOL, common.CURVE_ATOL) and all(
            common.params_match({k: values.array(v, k) for k, v in s.items()}, r)
            for s, r in zip(student["params"], reference["params"], strict=True)
        )
    except (AssertionError, ValueError, TypeError):
        return False


def _same_steps_and_grads(student: dict, other: dict) -> bool:
    """For naming a mistake: the same steps, and gradients left in the model after the same calls.

    A step before backward() and zero_grad() between backward() and the step both leave the weights
    where they were; only the first leaves this batch's gradients behind.
    """
    return _steps_match(student, other) and student.get("grads_left") == other.get("grads_left")


def _zeroes_gradients(student: dict) -> bool:
    """Later calls moved the weights, each exactly as one call from the same weights on a fresh model and optimizer does.

    With plain SGD that holds for a train_step that zeroes the gradients before each step, whatever loss
    it computes; gradients left over from earlier calls make the steps in the chain differ.
    """
    try:
        chain = [{k: values.array(v, k) for k, v in step.items()} for step in student["params"]]
        fresh = [{k: values.array(v, k) for k, v in step.items()} for step in student["fresh"]]
        moved = all(not common.params_match(a, b, 0.0, 0.0) for a, b in zip(chain[1:], chain[:-1]))
        return len(chain) > 1 and moved and all(common.params_match(a, b) for a, b in zip(chain, fresh, strict=True))
    except (AssertionError, ValueError, TypeError, KeyError, AttributeError):
        return False


def _check_steps(submission, book, key: str, hint: str) -> dict:
    student = common.run_student(submission, key)
    reference = book.result(key)
    if not _steps_match(student, reference):
        steps = len(reference["returned"])
        cause = diagnose_scenario(key, SCENARIOS[key], student, _same_steps_and_grads, common.elsewhere(submission))
        fail(
            f"After {steps} call{'s' if steps > 1 else ''} of train_step on the grader's model, the returned loss or the "
            "weights differ from the reference's." + common.explain(cause),
            hint=hint,
            module=MODULE,
        )
    return student


@graded("training_loop.train_step: one step matches the reference", points=2)
def test_train_step_one(submission, book):
    _check_steps(
        submission,
        book,
        "train_step.one",
        "zero_grad, y_hat = model(X).flatten(), loss = criterion(y_hat, y), loss.backward(), optimizer.step().",
    )


@graded("training_loop.train_step: gradients are zeroed before every step", points=2)
def test_train_step_three(submission, book):
    # A step that computes something else (say a loss of the wrong shape) is the one-step test's business:
    # here only whether gradients of earlier calls leak into later steps.
    if _zeroes_gradients(common.run_student(submission, "train_step.three")):
        return
    _check_steps(
        submission,
        book,
        "train_step.three",
        "call optimizer.zero_grad() at the start of every step: loss.backward() adds to what .grad already holds.",
    )


def first_loss_right(submission, book) -> None:
    """The loss train_step returns for its first batch is the reference's (its type and the step are other tests' business)."""
    student = common.run_student(submission, "train_step.one")
    want = book.result("train_step.one")["returned"]
    try:
        got = values.number_list(student["returned"], "the returned losses")
        right = len(got) == len(want) and values.close(got, want, common.CURVE_RTOL, common.CURVE_ATOL)
    except (AssertionError, ValueError, TypeError):
        right = False
    if not right:
        fail(
            "on the grader's model and batch, the loss your train_step returns is not criterion(model(X).flatten(), y).",
            hint="y_hat = model(X).flatten(), loss = criterion(y_hat, y); return loss.item().",
            module=MODULE,
        )


@graded("training_loop.train_step: returns the loss as a Python float", points=1)
def test_train_step_returns_float(submission, book):
    student = common.run_student(submission, "train_step.three")
    kinds = values.mapping(student, "the result", ["kinds"])["kinds"]
    if not isinstance(kinds, list) or any(kind != "float" for kind in kinds):
        shown = kinds[0] if isinstance(kinds, list) and kinds else "something else"
        fail(
            f"train_step returned {'a tensor' if str(shown).startswith('tensor') else shown}, not a Python float. "
            "A loss tensor keeps the whole graph of its step alive.",
            hint="return loss.item().",
            module=MODULE,
        )
    common.right_values_first(
        submission, "training_loop.train_step", "the grader's first batch", lambda: first_loss_right(submission, book)
    )


@graded("training_loop.trainer: loss per epoch matches the reference", points=3)
def test_trainer_even(submission, book):
    common.compare_run(
        submission,
        book,
        "training_loop.even",
        hint="for each batch call train_step; per epoch append sum of batch losses / len(dataloader).",
    )


@graded("training_loop.trainer: averages over batches when the last batch is smaller", points=2)
def test_trainer_uneven(submission, book):
    common.compare_run(
        submission,
        book,
        "training_loop.uneven",
        hint="with 10 samples in batches of 4, 4 and 2, the epoch's loss is (l1 + l2 + l3) / 3: divide by len(dataloader).",
    )


@graded("training_loop.trainer: the chapter's setting, batch size 1 and Adam", points=1, hidden=False)
def test_trainer_chapter(submission, book):
    common.compare_run(submission, book, "training_loop.chapter")


@graded("training_loop.trainer: runs exactly `epochs` epochs, one pass over the data and one loss each", points=1)
def test_trainer_epochs(submission, book):
    # The count only: whether each loss is a float (not a tensor) and right is the curve tests' business.
    student = common.run_student(submission, "training_loop.uneven")
    epochs = SCENARIOS["training_loop.uneven"].spec["kwargs"]["epochs"]
    if not isinstance(student["returned"], list) or len(student["returned"]) != epochs:
        fail(f"trainer(..., epochs={epochs}) should return a list of {epochs} losses, one per epoch.", module=MODULE)
    passes = student["observations"]["train_passes"]
    if passes != epochs:
        fail(f"With epochs={epochs} your trainer went through the data loader {passes} times: once per epoch is right.", module=MODULE)
    common.right_values_first(
        submission,
        "training_loop.trainer",
        "the chapter's setting",
        lambda: common.weights_right(submission, book, "training_loop.chapter"),
    )
