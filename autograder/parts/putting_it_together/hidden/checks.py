"""Part 6's own hidden checks (putting it all together); the shared ones (curves, the stopping rule, hygiene) are in :mod:`autograder.graders.families`."""

from __future__ import annotations

import re

import numpy as np

from autograder.graders import common
from autograder.judge import values
from autograder.judge.grading import GradingFailure, fail, record, result_of
from autograder.parts.putting_it_together.public.rules import check_architecture, own_block
from autograder.sandbox.data import digits_data

MODULE = "putting_it_together"
TRAINER = "putting_it_together.trainer"
# The reference (solutions/) reaches 0.97 or more on every seed tried; the bar leaves room for other
# correct designs of the classifier.
DIGITS_BAR = 0.90
DIGITS = {"seed": 0, "epochs": 25, "lr": 0.001, "batch_size": 32}
# Of the training images, the share the judge keeps to measure the accuracy on: their labels never reach the child.
HELD_OUT = 0.25


def digits_spec(seed: int) -> tuple[dict, np.ndarray]:
    """The digits scenario as the judge sends it (its data made here, held-out images without their labels), and the
    held-out labels it keeps."""
    X_train, y_train, X_valid, y_valid = (t.numpy() for t in digits_data(seed=seed))
    cut = round(len(X_train) * (1 - HELD_OUT))
    sent = {"X_train": X_train[:cut], "y_train": y_train[:cut], "X_valid": X_valid, "y_valid": y_valid, "X_test": X_train[cut:]}
    return {**DIGITS, "seed": seed, **sent}, y_train[cut:]


def _block_spec() -> dict:
    rng = np.random.default_rng(21)
    return {"inputs": 5, "outputs": 3, "p": 0.35, "W": rng.normal(size=(3, 5)), "b": rng.normal(size=3), "X": rng.normal(size=(6, 5))}


def linear_block_layers(submission):
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


def linear_block_output(submission):
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


# The chapter's 8x8 images (64 inputs), then other sizes: a classifier must build its first block from input_size, not
# from the 64 of the chapter's images.
CLASSIFIER_INPUTS = (64, 30, 100)


def classifier(submission):
    block = own_block(submission, _block_spec())
    for inputs in CLASSIFIER_INPUTS:
        X = np.random.default_rng(22).uniform(0, 1, size=(5, inputs))
        outcome = submission.scenario("classifier", ["putting_it_together.classifier"], {"seed": 0, "inputs": inputs, "X": X})
        if inputs != 64 and not outcome.ok:
            try:
                result_of(outcome, "putting_it_together.classifier")
            except GradingFailure as error:
                fail(
                    f"classifier({inputs}), given a batch of 5 inputs of {inputs} features each, failed: {error}",
                    hint="build the first block from the argument, linear_block(input_size, 32), not from the chapter's 64.",
                    module=MODULE,
                )
        report = result_of(outcome, "putting_it_together.classifier")
        if not report.get("is_module"):
            fail("classifier(input_size) should return an nn.Module.", module=MODULE)
        if report["output_shape"] != [5, 1]:
            fail(
                f"classifier({inputs}) maps a batch of 5 flattened images to shape {tuple(report['output_shape'])}; it should be (5, 1): "
                "one logit each.",
                module=MODULE,
            )
        check_architecture(report, inputs, block)
        if not np.array_equal(*(np.asarray(out) for out in report["eval_outputs"])):  # compared here, in the judge
            fail("In eval mode the classifier should give the same output twice: is dropout switched off by model.eval()?", module=MODULE)


STOP_MESSAGE = re.compile(r"stopped early at epoch (\d+)\D+?(\d+) consecutive", re.IGNORECASE)


def stop_message(submission, book):
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


def verbose(submission):
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


def digits(submission):
    spec, y_test = digits_spec(DIGITS["seed"])
    report = result_of(
        submission.scenario("digits", ["putting_it_together.classifier", "putting_it_together.trainer"], spec, timeout=90.0),
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
    # The accuracy is the judge's own, from the trained model's logits on images whose labels only the judge has,
    # not the one the trainer reports (a trainer could claim anything, a model could look for labels).
    if report.get("test_logits") is None:
        fail("After training, your classifier did not return a tensor of logits for the held-out images.", module=MODULE)
    logits = values.array(report["test_logits"], "the classifier's output on the held-out images")
    if logits.size != y_test.size:
        fail(
            f"On {y_test.size} held-out images your classifier gave {logits.size} outputs; one logit per image is expected.",
            module=MODULE,
        )
    final = float(np.mean((logits.reshape(-1) > 0) == (y_test == 1)))
    if not final >= DIGITS_BAR:
        fail(
            f"Trained with Adam(lr={DIGITS['lr']}) for up to {DIGITS['epochs']} epochs on 3s against 8s, your classifier ends at "
            f"{final:.1%} accuracy on {y_test.size} held-out images; at least {DIGITS_BAR:.0%} is expected.",
            hint="check that the classifier ends in one logit, that the loss is BCEWithLogitsLoss on y.float(), and that "
            "the trainer steps the optimizer every batch.",
            module=MODULE,
        )
