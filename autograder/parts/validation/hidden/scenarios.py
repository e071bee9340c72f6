"""Part 3's scenarios: a plain model, and one with dropout handed over in eval mode (train and eval mode differ)."""

from __future__ import annotations

from autograder.sandbox.specs import ADAM, DROPOUT, MOMENTUM, SGD, SMALL, Scenario, regression, trainer, with_variants

SCENARIOS: dict[str, Scenario] = {
    "validation.plain": trainer("validation.trainer", regression(12, 4, n_valid=7, valid_batch=2), SMALL, SGD, {"epochs": 4}),
    # 9 validation samples in batches of 2: 5 batches, where 9 // 2 = 4 and the training loader has 3 (in the plain run
    # 7 // 2 = 3 = len(trainloader)), so dividing by either of those shows as its own mistake.
    "validation.dropout": trainer("validation.trainer", regression(12, 4, n_valid=9, valid_batch=2, seed=12), DROPOUT, ADAM, {"epochs": 4}),
    # An L1 loss and SGD with momentum: a validation loss written by hand (an MSE) instead of the criterion shows here.
    "validation.l1": trainer(
        "validation.trainer", regression(12, 4, n_valid=7, valid_batch=2, seed=15), SMALL, MOMENTUM, {"epochs": 4}, criterion="l1"
    ),
}
# What the validation-hygiene tests compare each run with: other validation samples, and probe models.
SCENARIOS = with_variants(SCENARIOS, "validation.plain", "validation.dropout")
