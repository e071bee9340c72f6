"""Public checks of part 2, the training loop: train_step and the trainer on public data, against the solution's numbers."""

from __future__ import annotations

from autograder.checks import public
from autograder.checks.compare import optimizer_steps
from autograder.checks.public import CURVE_TOL, PARAM_TOL, explain
from autograder.judge import values
from autograder.judge.grading import GradingFailure, fail

MODULE = "training_loop"
STEP_HINT = "zero_grad, y_hat = model(X).flatten(), loss = criterion(y_hat, y), loss.backward(), optimizer.step(), return loss.item()."


def same_steps(student: dict, other: dict) -> bool:
    """Two train_step runs agree: as many optimizer steps, the returned losses and the weights after each step."""
    try:
        losses = values.number_list(student["returned"], "the returned losses")
        return (
            optimizer_steps(student) == optimizer_steps(other)
            and values.close(losses, other["returned"], *CURVE_TOL)
            and all(
                values.close(values.array(s[k], k), values.array(o[k], k), *PARAM_TOL)
                for s, o in zip(student["params"], other["params"], strict=True)
                for k in o
            )
        )
    except (AssertionError, ValueError, TypeError, KeyError):
        return False


def train_step(submission):
    student = public.run(submission, "train_step.public")
    reference = public.stored("scenarios", "train_step.public")["reference"]
    if not same_steps(student, reference):
        cause = public.diagnose("scenarios", ["train_step.public"], {"train_step.public": student}, same_steps)
        fail(
            "After three calls of train_step on public data (batches of 3, SGD with lr = 0.1), the returned losses or the "
            "weights differ from the solution's." + explain(cause),
            hint=STEP_HINT,
            module=MODULE,
        )


def train_step_float(submission):
    kinds = public.run(submission, "train_step.public")["kinds"]
    if any(kind != "float" for kind in kinds):
        fail(
            f"train_step returned {'a tensor' if str(kinds[0]).startswith('tensor') else kinds[0]}, not a Python float. "
            "A loss tensor keeps the whole graph of its step alive.",
            hint="return loss.item().",
            module=MODULE,
        )


def trainer(submission):
    try:
        public.compare_runs(
            submission,
            ["training_loop.public"],
            hint="for each batch call train_step; per epoch append the sum of the batch losses / len(dataloader) "
            "(11 samples in batches of 4, 4 and 3: divide by 3).",
        )
    except GradingFailure:
        returned = public.run(submission, "training_loop.public")["returned"]
        epochs = public.SCENARIOS["training_loop.public"].spec["kwargs"]["epochs"]
        if isinstance(returned, list) and len(returned) != epochs:
            fail(f"trainer(..., epochs={epochs}) returned {len(returned)} losses: it should return one per epoch.", module=MODULE)
        raise
