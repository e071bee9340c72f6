"""Part 2's own hidden checks (the training loop); the shared ones (curves, the trainer's value check) are in :mod:`autograder.graders.families`."""

from __future__ import annotations

from autograder.checks.compare import how_far
from autograder.graders import common
from autograder.graders.diagnoses import diagnose_scenario
from autograder.graders.material import scenarios
from autograder.judge import values
from autograder.judge.grading import fail

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


def _step_difference(student: dict, reference: dict) -> str:
    """Which call first differs, in what, and by how much (relative words: no value of the reference's)."""
    try:
        losses = values.number_list(student["returned"], "the returned losses")
        for call, (got, want) in enumerate(zip(losses, reference["returned"]), start=1):
            if not values.close(got, want, common.CURVE_RTOL, common.CURVE_ATOL):
                return f"the loss returned by call {call} differs from the reference's ({how_far(got, want)})"
        for call, (mine, theirs) in enumerate(zip(student["params"], reference["params"]), start=1):
            for name, want in theirs.items():
                got = values.array(mine[name], name)
                if not common.params_match({name: got}, {name: want}):
                    return f"the weights after call {call} differ from the reference's ({name} {how_far(got, want)})"
    except (AssertionError, ValueError, TypeError, KeyError):
        pass
    return "the returned loss or the weights differ from the reference's"


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


def _check_steps(submission, book, key: str, hint: str, setting: str = "") -> dict:
    student = common.run_student(submission, key)
    reference = book.result(key)
    if not _steps_match(student, reference):
        steps = len(reference["returned"])
        cause = diagnose_scenario(key, scenarios()[key], student, _same_steps_and_grads, common.elsewhere(submission))
        fail(
            f"After {steps} call{'s' if steps > 1 else ''} of train_step on the grader's model{setting}, "
            f"{_step_difference(student, reference)}." + common.explain(cause),
            hint=hint,
            module=MODULE,
        )
    return student


def _setting(key: str) -> str:
    """In words, what scenario ``key`` hands train_step that the chapter's SGD(lr=0.1) and MSE loss do not."""
    spec = scenarios()[key].spec
    if spec["criterion"] != "mse":
        return " with another loss than MSE as the criterion: compute the loss with the criterion you are given"
    if spec["optimizer"] != {"name": "sgd", "lr": 0.1}:
        return (
            " with another optimizer than the chapter's SGD(lr=0.1) (Adam, or SGD with momentum, at other rates): "
            "let the optimizer you are given take the step"
        )
    return ""


def steps(submission, book, scenario, hint, also=()):
    """train_step's calls in ``scenario``, then in each of ``also`` (other optimizers and losses), match the reference's."""
    for key in (scenario, *also):
        _check_steps(submission, book, key, hint, _setting(key))


def zeroed_steps(submission, book, scenario, hint):
    # A step that computes something else (say a loss of the wrong shape) is the one-step test's business:
    # here only whether gradients of earlier calls leak into later steps.
    if _zeroes_gradients(common.run_student(submission, scenario)):
        return
    _check_steps(submission, book, scenario, hint)


def first_loss_right(submission, book, scenario) -> None:
    """The loss train_step returns for its first batch is the reference's (its type and the step are other tests' business)."""
    student = common.run_student(submission, scenario)
    want = book.result(scenario)["returned"]
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


def returns_float(submission, scenario):
    student = common.run_student(submission, scenario)
    kinds = values.mapping(student, "the result", ["kinds"])["kinds"]
    if not isinstance(kinds, list) or any(kind != "float" for kind in kinds):
        shown = kinds[0] if isinstance(kinds, list) and kinds else "something else"
        fail(
            f"train_step returned {'a tensor' if str(shown).startswith('tensor') else shown}, not a Python float. "
            "A loss tensor keeps the whole graph of its step alive.",
            hint="return loss.item().",
            module=MODULE,
        )


def epoch_count(submission, scenario):
    # The count only: whether each loss is a float (not a tensor) and right is the curve tests' business. One pass
    # over the data per epoch shows in the weights, which the placeholder rule checks (the chapter's setting): the
    # passes a loader counted in the child are a record the judge does not trust for points.
    student = common.run_student(submission, scenario)
    epochs = scenarios()[scenario].spec["kwargs"]["epochs"]
    if not isinstance(student["returned"], list) or len(student["returned"]) != epochs:
        fail(f"trainer(..., epochs={epochs}) should return a list of {epochs} losses, one per epoch.", module=MODULE)
