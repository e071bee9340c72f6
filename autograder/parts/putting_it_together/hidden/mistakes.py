"""Part 6's known mistakes (putting it all together): patches of ``solutions/putting_it_together.py`` that the grader names.

When two mistakes give the same numbers, other scenarios decide between them, else both are named (see diagnoses.py).
"""

from __future__ import annotations

from autograder.graders.mistakes import Mistake, no_eval, other_loader_mistakes, stopping_rule_mistakes
from autograder.references import Patch


def _per_sample(phase: str, lines: str) -> Patch:
    """One pass's epoch figures as means over samples: each batch's loss and accuracy weighted by its size."""
    weighted = lines.replace(".item()\n", ".item() * len(y)\n", 1).replace(".float().mean().item()", ".float().sum().item()")
    return (lines, weighted.replace(f"len({phase}loader))", f"len({phase}loader.dataset))"))


TRAIN_FIGURES = (
    "            loss_sum += loss.item()\n"
    "            accuracy_sum += ((torch.sigmoid(y_hat) > 0.5) == y).float().mean().item()\n"
    '        history["train_loss"].append(loss_sum / len(trainloader))\n'
    '        history["train_accuracy"].append(accuracy_sum / len(trainloader))\n'
)
VALID_FIGURES = (
    "                loss_sum += criterion(y_hat, y.float()).item()\n"
    "                accuracy_sum += ((torch.sigmoid(y_hat) > 0.5) == y).float().mean().item()\n"
    '        history["valid_loss"].append(loss_sum / len(validloader))\n'
    '        history["valid_accuracy"].append(accuracy_sum / len(validloader))\n'
)
PER_SAMPLE = (
    "averaged over samples (each batch weighted by its size): the chapter's epoch figure is the mean of the batch "
    "figures, each batch counting once, sum / len(loader); the two differ when the last batch is smaller"
)

MISTAKES: list[Mistake] = [
    *stopping_rule_mistakes(
        "putting_it_together",
        last_epoch_dropped=(
            "            break\n",
            "            for values in history.values():\n                values.pop()\n            break\n",
        ),
    ),
    *other_loader_mistakes(
        "putting_it_together",
        {
            phase: [f'history["{phase}_{n}"].append({n}_sum / len({phase}loader))' for n in ("loss", "accuracy")]
            for phase in ("train", "valid")
        },
    ),
    no_eval("putting_it_together"),
    Mistake(
        "accuracy_from_logits",
        "putting_it_together",
        "trainer",
        (
            (
                "loss.item()\n            accuracy_sum += ((torch.sigmoid(y_hat) > 0.5) == y)",
                "loss.item()\n            accuracy_sum += ((y_hat > 0.5) == y)",
            ),
            (
                ".item()\n                accuracy_sum += ((torch.sigmoid(y_hat) > 0.5) == y)",
                ".item()\n                accuracy_sum += ((y_hat > 0.5) == y)",
            ),
        ),
        "thresholding the logits at 0.5: the probability is sigmoid(logit), so predict 1 when sigmoid(logit) > 0.5 (logit > 0)",
    ),
    Mistake(
        "pit_mean_over_samples",
        "putting_it_together",
        "trainer",
        (
            (
                'history["train_loss"].append(loss_sum / len(trainloader))',
                'history["train_loss"].append(loss_sum / len(trainloader.dataset))',
            ),
            (
                'history["valid_loss"].append(loss_sum / len(validloader))',
                'history["valid_loss"].append(loss_sum / len(validloader.dataset))',
            ),
        ),
        "dividing the summed batch losses by the number of samples: divide by the number of batches",
    ),
    Mistake(
        "per_sample_means",
        "putting_it_together",
        "trainer",
        (_per_sample("train", TRAIN_FIGURES), _per_sample("valid", VALID_FIGURES)),
        f"the epoch's loss and accuracy of both passes {PER_SAMPLE}",
    ),
    Mistake(
        "train_per_sample_means",
        "putting_it_together",
        "trainer",
        (_per_sample("train", TRAIN_FIGURES),),
        f"the training pass's loss and accuracy {PER_SAMPLE}",
    ),
    Mistake(
        "valid_per_sample_means",
        "putting_it_together",
        "trainer",
        (_per_sample("valid", VALID_FIGURES),),
        f"the validation pass's loss and accuracy {PER_SAMPLE}",
    ),
]
