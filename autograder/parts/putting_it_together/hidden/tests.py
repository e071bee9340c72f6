"""Part 6's hidden tests (putting it all together), as data: the runner executes each row; the part's points are their sum."""

from __future__ import annotations

from autograder.judge.table import FAMILIES, Test, ValuesFirst, hygiene

CURVES = f"{FAMILIES}:curves"
# The four curves: equal training batches, then a smaller last batch in both loaders (means over samples show).
UNEVEN = ("putting_it_together.uneven",)
# The validation-hygiene tests' value check: the weights of the grader's run.
TRAINS = ValuesFirst("the grader's run", f"{FAMILIES}:weights_right", {"scenario": "putting_it_together.curves"})

TESTS = [
    Test("test_linear_block_layers", "linear_block", "Linear, LeakyReLU, Dropout(p), in this order", 2, "linear_block_layers"),
    Test("test_linear_block_output", "linear_block", "computes LeakyReLU(X W^T + b) in eval mode", 1, "linear_block_output"),
    Test("test_classifier", "classifier", "one logit per image, built from linear blocks", 1, "classifier"),
    Test(
        "test_losses",
        "trainer",
        "training and validation losses match the reference",
        2,
        CURVES,
        hidden=False,
        scenario="putting_it_together.curves",
        args={
            "also": (*UNEVEN, "putting_it_together.weighted"),  # then with the criterion and optimizer it is given, not the chapter's
            "names": ("train_loss", "valid_loss"),
            "hint": "flatten each batch with X.flatten(start_dim=1), y_hat = model(X).flatten(), loss = criterion(y_hat, y.float()); "
            "the epoch's loss is the sum of its batch losses / len(loader).",
        },
    ),
    Test(
        "test_accuracies",
        "trainer",
        "training and validation accuracy match the reference",
        2,
        CURVES,
        scenario="putting_it_together.curves",
        args={
            "also": UNEVEN,
            "names": ("train_accuracy", "valid_accuracy"),
            "weights": False,
            "hint": "batch accuracy = ((torch.sigmoid(y_hat) > 0.5) == y).float().mean(); average it over the batches (sum / len(loader)).",
        },
    ),
    # When it stops (two scripts: one rises from the first epoch on), and the losses and weights on the way; the
    # accuracies and the stop message have tests of their own.
    Test(
        "test_early_stopping",
        "trainer",
        "stops early by the chapter's rule",
        1,
        f"{FAMILIES}:stops",
        scenario="putting_it_together.stop_at_9",
        args={"also": ("putting_it_together.stop_at_4", "putting_it_together.patience_2"), "names": ("train_loss", "valid_loss")},
    ),
    Test("test_stop_message", "trainer", "prints the stop message with the epoch and the count", 1, "stop_message"),
    Test(
        "test_verbose",
        "trainer",
        "with verbose=True, prints one line per epoch with its four figures, and none without",
        1,
        "verbose",
        values_first=TRAINS,
    ),
    *hygiene(
        "trainer", "putting_it_together.curves", {"validates_in_eval": 0.5, "trains_in_train": 0.5, "no_graph": 0.5, "no_updates": 0.5}, TRAINS
    ),
    Test(
        "test_digits",
        "trainer",
        "with your classifier, reaches 90% accuracy on held-out digits",
        2,
        "digits",
        hidden=False,
        budget=120.0,
    ),
]
