"""Public checks of part 6, putting it all together: the block, the classifier, and the trainer's four curves and stopping."""

from __future__ import annotations

import numpy as np

from autograder.checks import public
from autograder.checks.behaviour import check_modes, check_no_graph, check_no_updates
from autograder.judge import values
from autograder.judge.grading import GradingFailure, fail, result_of
from autograder.parts.putting_it_together.public.rules import check_architecture, own_block

MODULE = "putting_it_together"
STOPS = ["putting_it_together.public_stop_p3", "putting_it_together.public_stop_p2"]
LOSSES = ("train_loss", "valid_loss")


def _block_spec() -> dict:
    rng = np.random.default_rng(31)
    return {"inputs": 3, "outputs": 4, "p": 0.2, "W": rng.normal(size=(4, 3)), "b": rng.normal(size=4), "X": rng.normal(size=(5, 3))}


def linear_block(submission):
    spec = _block_spec()
    report = result_of(submission.scenario("linear_block", ["putting_it_together.linear_block"], spec), "putting_it_together.linear_block")
    kinds = [layer["type"] for layer in report.get("layers", [])]
    if not report.get("is_sequential") or kinds != ["Linear", "LeakyReLU", "Dropout"]:
        fail(
            f"linear_block's layers are {kinds}; the chapter's block is [Linear, LeakyReLU, Dropout], in an nn.Sequential.",
            hint="nn.Sequential(nn.Linear(...), nn.LeakyReLU(), nn.Dropout(p)).",
            module=MODULE,
        )
    linear, leaky, dropout = report["layers"]
    if (linear["in_features"], linear["out_features"]) != (spec["inputs"], spec["outputs"]) or abs(dropout["p"] - spec["p"]) > 1e-12:
        fail("linear_block(input_size, output_size, p) should hold nn.Linear(input_size, output_size) and Dropout(p).", module=MODULE)
    if abs(leaky["negative_slope"] - 0.01) > 1e-12:
        fail("Keep LeakyReLU's default negative slope (0.01).", module=MODULE)
    z = spec["X"] @ spec["W"].T + spec["b"]
    if "eval" not in report or not values.close(
        values.array(report["eval"], "the block's output"), np.where(z > 0, z, 0.01 * z), 1e-5, 1e-6
    ):
        fail("In eval mode your block's output is not LeakyReLU(linear(X)).", module=MODULE)


def classifier(submission):
    X = np.random.default_rng(32).uniform(0, 1, size=(6, 64))
    report = result_of(
        submission.scenario("classifier", ["putting_it_together.classifier"], {"seed": 3, "inputs": 64, "X": X}),
        "putting_it_together.classifier",
    )
    if not report.get("is_module"):
        fail("classifier(input_size) should return an nn.Module.", module=MODULE)
    if report["output_shape"] != [6, 1]:
        fail(
            f"classifier(64) on 6 flattened images gives shape {tuple(report['output_shape'])}, not (6, 1): one logit each.", module=MODULE
        )
    check_architecture(report, 64, own_block(submission, _block_spec()))
    if not np.array_equal(*(np.asarray(out) for out in report["eval_outputs"])):  # compared here, in the judge
        fail("In eval mode the classifier should give the same output twice: is dropout switched off by model.eval()?", module=MODULE)


def _curves(submission, names: tuple[str, ...], weights: bool, hint: str) -> None:
    student = public.run(submission, "putting_it_together.public_curves")
    try:
        public.compare_runs(submission, ["putting_it_together.public_curves"], names=names, weights=weights, hint=hint)
    except GradingFailure as failure:
        if "This looks like" not in str(failure):
            check_modes(student, MODULE)
        raise


def losses(submission):
    _curves(submission, LOSSES, True, "flatten each batch with X.flatten(start_dim=1); loss = criterion(model(X).flatten(), y.float()).")


def accuracies(submission):
    _curves(
        submission,
        ("train_accuracy", "valid_accuracy"),
        False,
        "batch accuracy = ((torch.sigmoid(y_hat) > 0.5) == y).float().mean(); average it over the batches.",
    )


def stops(submission):
    for key in STOPS:
        public.compare_runs(submission, [key], names=LOSSES, also=STOPS)


def verbose(submission):
    quiet = public.run(submission, "putting_it_together.public_stop_p2")  # verbose left at its default, False
    if [line for line in quiet["stdout"].splitlines() if line.strip() and "stopped early" not in line.lower()]:
        fail(
            "With verbose=False your trainer still printed lines besides the stop message.",
            hint="wrap the per-epoch print in `if verbose:`.",
            module=MODULE,
        )
    loud = public.run(submission, "putting_it_together.public_curves")
    lines = [line for line in loud["stdout"].splitlines() if line.strip() and "stopped early" not in line.lower()]
    epochs = public.SCENARIOS["putting_it_together.public_curves"].spec["kwargs"]["epochs"]
    if len(lines) != epochs:
        fail(
            f"With verbose=True over {epochs} epochs your trainer printed {len(lines)} line(s): one per epoch is expected.",
            hint="after each epoch's validation: if verbose: print(...) its training and validation loss and accuracy.",
            module=MODULE,
        )


def validation_hygiene(submission):
    student = public.run(submission, "putting_it_together.public_curves")
    check_modes(student, MODULE)
    check_no_graph(student, MODULE)
    check_no_updates(student, MODULE)
