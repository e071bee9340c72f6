"""Part 4's known mistakes (early stopping): patches of ``solutions/early_stopping.py`` that the grader names when a result matches one.

When two mistakes give the same numbers, other scenarios decide between them, else both are named (see diagnoses.py).
"""

from __future__ import annotations

from autograder.graders.mistakes import Mistake, no_eval, other_loader_mistakes, stopping_rule_mistakes

MISTAKES: list[Mistake] = [
    *stopping_rule_mistakes(
        "early_stopping",
        last_epoch_dropped=("            break\n", "            train_loss.pop()\n            valid_loss.pop()\n            break\n"),
    ),
    *other_loader_mistakes(
        "early_stopping", {phase: [f"{phase}_loss.append({phase}_batch_loss / len({phase}loader))"] for phase in ("train", "valid")}
    ),
    no_eval("early_stopping"),
]
