"""Part 4's scenarios: one real run, and scripted validation losses that fix the epoch at which the rule stops."""

from __future__ import annotations

from autograder.sandbox.specs import ADAM, DROPOUT, MOMENTUM, SGD, SMALL, ZEROS, Scenario, regression, trainer, with_variants

# Validation losses that the judge's model reports in scripted scenarios (exact squares, so MSE gives them exactly).
SCRIPT_STOP_AT_6 = [9.0, 4.0, 1.0, 2.25, 4.0, 6.25, 9.0, 12.25, 16.0, 20.25]
SCRIPT_RESET_STOP_AT_8 = [6.25, 4.0, 6.25, 9.0, 6.25, 9.0, 12.25, 16.0, 20.25, 25.0]
SCRIPT_PLATEAU = [4.0, 4.0, 4.0, 4.0, 4.0, 4.0]
SCRIPT_FALLING = [9.0, 6.25, 4.0, 2.25, 1.0]
# Rising from the first epoch on: the increase at epoch 2 must count (no comparison is skipped but the first).
SCRIPT_PATIENCE_1_STOP_AT_2 = [1.0, 2.25, 4.0, 6.25, 9.0]
# Plateaus between rises, patience 3: the chapter's rule never stops (an equal loss resets the count, so
# it never passes 1), while "equal keeps the count" or a count never reset stop at epoch 6 and "equal
# counts as an increase" at 4. Stopping mistakes that have nothing to do with equal losses (patience off
# by one, the last epoch dropped, the first epoch counted) run all 7 epochs here, as the rule does.
SCRIPT_EQUAL_BETWEEN_RISES = [4.0, 6.25, 6.25, 9.0, 9.0, 12.25, 12.25]

_ES = "early_stopping.trainer"
# Every trainer scenario has a different number of training and validation batches (here 2 and 3), so
# dividing one sum by the other loader's length shows.
_SCRIPTED_DATA = regression(8, 4, n_valid=6, valid_batch=2, **ZEROS)

SCENARIOS: dict[str, Scenario] = {
    "early_stopping.real": trainer(_ES, regression(12, 4, n_valid=7, valid_batch=2, seed=13), DROPOUT, ADAM, {"epochs": 4, "patience": 10}),
    # An L1 loss and SGD with momentum: a loss written by hand (an MSE) instead of the criterion shows here.
    "early_stopping.l1": trainer(
        _ES, regression(12, 4, n_valid=7, valid_batch=2, seed=16), SMALL, MOMENTUM, {"epochs": 4, "patience": 10}, criterion="l1"
    ),
    "early_stopping.stop_at_6": trainer(_ES, _SCRIPTED_DATA, SMALL, SGD, {"epochs": 10, "patience": 3}, script=SCRIPT_STOP_AT_6),
    "early_stopping.reset": trainer(_ES, _SCRIPTED_DATA, SMALL, SGD, {"epochs": 10, "patience": 3}, script=SCRIPT_RESET_STOP_AT_8),
    "early_stopping.plateau": trainer(_ES, _SCRIPTED_DATA, SMALL, SGD, {"epochs": 6, "patience": 2}, script=SCRIPT_PLATEAU),
    "early_stopping.equal_between_rises": trainer(
        _ES, _SCRIPTED_DATA, SMALL, SGD, {"epochs": 7, "patience": 3}, script=SCRIPT_EQUAL_BETWEEN_RISES
    ),
    "early_stopping.falling": trainer(_ES, _SCRIPTED_DATA, SMALL, SGD, {"epochs": 5, "patience": 2}, script=SCRIPT_FALLING),
    "early_stopping.patience_1": trainer(_ES, _SCRIPTED_DATA, SMALL, SGD, {"epochs": 5, "patience": 1}, script=SCRIPT_PATIENCE_1_STOP_AT_2),
}
# What the validation-hygiene tests compare the run with dropout with: other validation samples, and probe models.
SCENARIOS = with_variants(SCENARIOS, "early_stopping.real")
