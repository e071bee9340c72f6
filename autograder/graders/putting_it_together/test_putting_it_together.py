"""Hidden graders for part 6, putting it all together: 15 points."""

from __future__ import annotations

import re

import numpy as np

from autograder.checks.classifier_rules import check_architecture, own_block
from autograder.graders import common
from autograder.graders.common import (
    check_no_graph,
    check_no_updates,
    check_ran,
    check_stop,
    check_trains_in_train,
    check_validates_in_eval,
)
from autograder.judge import values
from autograder.judge.grading import fail, graded, record, result_of
from autograder.sandbox.data import digits_data

MODULE = "putting_it_together"
TRAINER = "putting_it_together.trainer"
# The reference (solutions/) reaches 0.97 or more on every seed tried; the bar leaves room for other
# correct designs of the classifier.
DIGITS_BAR = 0.90
DIGITS = {"seed": 0, "epochs": 25, "lr": 0.001, "batch_size": 32}
# The four curves: equal training batches, then a smaller last batch in both loaders (means over samples show).
CURVE_SCENARIOS = ("putting_it_together.curves", "putting_it_together.uneven")


def _block_spec() -> dict:
    rng = np.random.default_rng(21)
    return {"inputs": 5, "outputs": 3, "p": 0.35, "W": rng.normal(size=(3, 5)), "b": rng.normal(size=3), "X": rng.normal(size=(6, 5))}


@graded("putting_it_together.linear_block: Linear, LeakyReLU, Dropout(p), in this order", points=2)
def test_linear_block_layers(submission):
    spec = _block_spec()
    report = result_of(submission.scenario("linear_block", ["putting_it_together.linear_block"], spec), "putting_it_together.linear_block")
    if not report.get("is_sequential"):
        fail("linear_block should return an nn.Sequential.", module=MODULE)
    layers = report["layers"]
    kinds = [layer["type"] for layer in layers]
    if kinds != ["Linear", "LeakyReLU", "Dropout"]:
        fail(
            f"linear_block's layers are {kinds}; the chapter's block is [Linear, LeakyReLU, Dropout].",
            hint="nn.Sequential(nn.Linear(...), nn.LeakyReLU(), nn.Dropout(p)).",
            module=MODULE,
        )
    linear, leaky, dropout = layers
    if (linear["in_features"], linear["out_features"]) != (spec["inputs"], spec["outputs"]):
        fail("linear_block(input_size, output_size) should hold nn.Linear(input_size, output_size).", module=MODULE)
    if abs(leaky["negative_slope"] - 0.01) > 1e-12:
        fail("Keep LeakyReLU's default negative slope (0.01).", module=MODULE)
    if abs(dropout["p"] - spec["p"]) > 1e-12:
        fail(
            "linear_block's Dropout should use the p it was given.",
            hint="nn.Dropout(p) with linear_block's own argument p, not a fixed number such as nn.Dropout(0.5).",
            module=MODULE,
        )


@graded("putting_it_together.linear_block: computes LeakyReLU(X W^T + b) in eval mode", points=1)
def test_linear_block_output(submission):
    spec = _block_spec()
    report = result_of(submission.scenario("linear_block", ["putting_it_together.linear_block"], spec), "putting_it_together.linear_block")
    if "eval" not in report:
        fail("linear_block should contain exactly one nn.Linear(input_size, output_size).", module=MODULE)
    z = spec["X"] @ spec["W"].T + spec["b"]
    want = np.where(z > 0, z, 0.01 * z)
    if not values.close(values.array(report["eval"], "the block's output", want.shape), want, 1e-5, 1e-6):
        fail(
            "In eval mode your block's output is not LeakyReLU(linear(X)).",
            hint="the activation comes after the Linear layer, then Dropout.",
            module=MODULE,
        )


@graded("putting_it_together.classifier: one logit per image, built from linear blocks", points=1)
def test_classifier(submission):
    X = np.random.default_rng(22).uniform(0, 1, size=(5, 64))
    report = result_of(
        submission.scenario("classifier", ["putting_it_together.classifier"], {"seed": 0, "inputs": 64, "X": X}),
        "putting_it_together.classifier",
    )
    if not report.get("is_module"):
        fail("classifier(input_size) should return an nn.Module.", module=MODULE)
    if report["output_shape"] != [5, 1]:
        fail(
            f"classifier(64) maps a batch of 5 flattened images to shape {tuple(report['output_shape'])}; it should be (5, 1): one logit each.",
            module=MODULE,
        )
    check_architecture(report, 64, own_block(submission, _block_spec()))
    if not report["eval_deterministic"]:
        fail("In eval mode the classifier should give the same output twice: is dropout switched off by model.eval()?", module=MODULE)


@graded("putting_it_together.trainer: training and validation losses match the reference", points=2, hidden=False)
def test_losses(submission, book):
    for key in CURVE_SCENARIOS:
        common.compare_run(
            submission,
            book,
            key,
            names=("train_loss", "valid_loss"),
            hint="flatten each batch with X.flatten(start_dim=1), y_hat = model(X).flatten(), loss = criterion(y_hat, y.float()); "
            "the epoch's loss is the sum of its batch losses / len(loader).",
        )


@graded("putting_it_together.trainer: training and validation accuracy match the reference", points=2)
def test_accuracies(submission, book):
    for key in CURVE_SCENARIOS:
        common.compare_run(
            submission,
            book,
            key,
            names=("train_accuracy", "valid_accuracy"),
            weights=False,
            hint="batch accuracy = ((torch.sigmoid(y_hat) > 0.5) == y).float().mean(); average it over the batches (sum / len(loader)).",
        )


STOP_MESSAGE = re.compile(r"stopped early at epoch (\d+)\D+?(\d+) consecutive", re.IGNORECASE)


@graded("putting_it_together.trainer: stops early by the chapter's rule", points=1)
def test_early_stopping(submission, book):
    # When it stops (two scripts: one rises from the first epoch on), and the losses and weights on the way; the
    # accuracies and the stop message have tests of their own.
    for key in ("putting_it_together.stop_at_9", "putting_it_together.stop_at_4", "putting_it_together.patience_2"):
        check_stop(submission, book, key, target=TRAINER, names=("train_loss", "valid_loss"))


@graded("putting_it_together.trainer: prints the stop message with the epoch and the count", points=1)
def test_stop_message(submission, book):
    student = common.run_student(submission, "putting_it_together.stop_at_9")
    said = STOP_MESSAGE.search(" ".join(student["stdout"].split()))
    want = STOP_MESSAGE.search(book.result("putting_it_together.stop_at_9")["stdout"])
    if said is None or said.groups() != want.groups():
        fail(
            "When it stops early, your trainer should print part 4's message, \"Stopped early at epoch N - val loss increased "
            'for K consecutive epochs!", with N the epoch it stopped at (counted from 1) and K the patience.',
            module=MODULE,
        )


# A number as printed: 0.693, .69, 69.3%, 6.93e-01; integers without a decimal point or % are not figures.
PRINTED_NUMBER = re.compile(r"(?<![\w.])(-?(?:\d+(?:\.\d*)?[eE][-+]?\d+|\d+\.\d*|\.\d+|\d+(?=%)))(%?)")


def shows(line: str, figure: float) -> bool:
    """Whether ``line`` prints ``figure`` to the precision it uses (rounded or cut), as a fraction or a percentage."""
    for number, percent in PRINTED_NUMBER.findall(line):
        mantissa, _, exponent = number.lower().partition("e")
        decimals = len(mantissa.partition(".")[2]) - (int(exponent) if exponent else 0)
        step = 10.0**-decimals
        value, target = float(number), figure * 100 if percent else figure
        if abs(value - target) <= step + 1e-9 * max(1.0, abs(target)):
            return True
    return False


@graded("putting_it_together.trainer: with verbose=True, prints one line per epoch with its four figures, and none without", points=1)
def test_verbose(submission, book):
    quiet = common.run_student(submission, "putting_it_together.stop_at_9")  # verbose left at its default, False
    chatter = [line for line in quiet["stdout"].splitlines() if line.strip() and "stopped early" not in line.lower()]
    if chatter:
        fail(
            f"With verbose=False your trainer still printed {len(chatter)} line(s) besides the stop message: "
            "print the epoch's figures only if verbose.",
            hint="wrap the per-epoch print in `if verbose:`.",
            module=MODULE,
        )
    student = common.run_student(submission, "putting_it_together.curves")
    history = common.curves(student["returned"], TRAINER)
    epochs = len(history["valid_loss"])
    lines = [line for line in student["stdout"].splitlines() if line.strip() and "stopped early" not in line.lower()]
    if len(lines) != epochs:
        fail(
            f"With verbose=True your trainer printed {len(lines)} line(s) besides the stop message over {epochs} epochs: "
            "it should print one line per epoch.",
            hint="after each epoch's validation: if verbose: print(...) the epoch's training and validation loss and accuracy.",
            module=MODULE,
        )
    for epoch, line in enumerate(lines):
        missing = [common.READABLE[name] for name, values_ in history.items() if not shows(line, values_[epoch])]
        if missing:
            fail(
                f"With verbose=True, your line for epoch {epoch + 1} does not show that epoch's {', '.join(missing)} "
                "(as returned in your dict).",
                hint="print the four figures just appended, history[name][-1], each as a number (for instance with :.3f).",
                module=MODULE,
            )


def trains_right(submission, book) -> None:
    """The validation-hygiene tests' value check (:func:`common.right_values_first`): the weights of the grader's run."""
    common.right_values_first(
        submission, TRAINER, "the grader's run", lambda: common.weights_right(submission, book, "putting_it_together.curves")
    )


@graded("putting_it_together.trainer: validates in eval mode", points=0.5)
def test_validates_in_eval(submission, book):
    check_validates_in_eval(common.run_student(submission, "putting_it_together.curves"), MODULE)
    trains_right(submission, book)


@graded("putting_it_together.trainer: trains in train mode", points=0.5)
def test_trains_in_train(submission, book):
    check_trains_in_train(common.run_student(submission, "putting_it_together.curves"), MODULE)
    trains_right(submission, book)


@graded("putting_it_together.trainer: validation builds no autograd graph", points=0.5)
def test_no_graph(submission, book):
    check_no_graph(common.run_student(submission, "putting_it_together.curves"), MODULE)
    trains_right(submission, book)


@graded("putting_it_together.trainer: validation never updates the weights", points=0.5)
def test_no_updates(submission, book):
    student = common.run_student(submission, "putting_it_together.curves")
    check_ran(student, MODULE)  # a trainer that never validates updates nothing there, and earns nothing for it
    check_no_updates(student, MODULE)
    trains_right(submission, book)


@graded(
    "putting_it_together.trainer: with your classifier, reaches 90% validation accuracy on the digits", points=2, hidden=False, budget=120.0
)
def test_digits(submission):
    report = result_of(
        submission.scenario("digits", ["putting_it_together.classifier", "putting_it_together.trainer"], DIGITS, timeout=90.0),
        "putting_it_together.trainer",
    )
    history = common.curves(report["returned"], TRAINER)
    record(
        {
            "kind": "curves",
            "scenario": "digits",
            "title": "your classifier and trainer on the digits (3 against 8)",
            "student": history,
            "reference": None,
            "stopped": {},
        }
    )
    # The accuracy is the judge's own, from the trained model's logits and the judge's labels,
    # not the one the trainer reports (a trainer could claim anything).
    y_valid = digits_data(seed=DIGITS["seed"])[3].numpy()
    if report.get("valid_logits") is None:
        fail("After training, your classifier did not return a tensor of logits for the validation images.", module=MODULE)
    logits = values.array(report["valid_logits"], "the classifier's output on the validation images")
    if logits.size != y_valid.size:
        fail(
            f"On {y_valid.size} validation images your classifier gave {logits.size} outputs; one logit per image is expected.",
            module=MODULE,
        )
    final = float(np.mean((logits.reshape(-1) > 0) == (y_valid == 1)))
    if not final >= DIGITS_BAR:
        fail(
            f"Trained with Adam(lr={DIGITS['lr']}) for up to {DIGITS['epochs']} epochs on 3s against 8s, your classifier ends at "
            f"{final:.1%} validation accuracy; at least {DIGITS_BAR:.0%} is expected.",
            hint="check that the classifier ends in one logit, that the loss is BCEWithLogitsLoss on y.float(), and that "
            "the trainer steps the optimizer every batch.",
            module=MODULE,
        )
