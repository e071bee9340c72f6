"""Part 3's scenarios: a plain model, and one with dropout handed over in eval mode (train and eval mode differ)."""

from __future__ import annotations

from autograder.sandbox.specs import ADAM, DROPOUT, SGD, SMALL, Scenario, regression, trainer, with_variants

SCENARIOS: dict[str, Scenario] = {
    "validation.plain": trainer("validation.trainer", regression(12, 4, n_valid=7, valid_batch=2), SMALL, SGD, {"epochs": 4}),
    "validation.dropout": trainer("validation.trainer", regression(12, 4, n_valid=7, valid_batch=2, seed=12), DROPOUT, ADAM, {"epochs": 4}),
}
# What the validation-hygiene tests compare each run with: other validation samples, and probe models.
SCENARIOS = with_variants(SCENARIOS, "validation.plain", "validation.dropout")
