"""Part 6's known mistakes (putting it all together): patches of ``solutions/putting_it_together.py`` that the grader names.

Order matters: when two mistakes give the same numbers, the first one listed is named.
"""

from __future__ import annotations

from autograder.graders.mistakes import Mistake, no_eval, other_loader_mistakes, stopping_rule_mistakes

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
]
