"""Known mistakes, as small patches of the reference solutions, used to name what a student got wrong.

When a student's result differs from the reference, the grader runs each
known mistake of that function on the very same inputs (in the judge, from
``solutions/``) and, if the student's result matches one, says which. The
diagnosis is behavioural: any code that behaves like the mistake gets the
same words, however it is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from autograder import references
from autograder.references import Patch


@dataclass(frozen=True)
class Mistake:
    key: str
    module: str
    function: str
    patches: tuple[Patch, ...]
    says: str  # completes "This looks like ..."


def _early_stopping_mistakes(module: str, function: str = "trainer") -> list[Mistake]:
    """The stopping-rule mistakes, which read the same in parts 4 and 6."""
    return [
        Mistake(
            "best_so_far",
            module,
            function,
            (("valid_loss[-1] > valid_loss[-2]:", "valid_loss[-1] > min(valid_loss[:-1]):"),),
            "comparing each validation loss with the best one so far; the chapter's rule compares with the "
            "previous epoch's loss, and a decrease resets the count",
        ),
        Mistake(
            "patience_fixed",
            module,
            function,
            (("if consecutive_increases == patience:", "if consecutive_increases == 3:"),),
            "a patience written as the number 3: compare the count with the patience argument the trainer was given",
        ),
        Mistake(
            "patience_plus_one",
            module,
            function,
            (("if consecutive_increases == patience:", "if consecutive_increases > patience:"),),
            "stopping one epoch late: stop as soon as the count of consecutive increases reaches patience",
        ),
        Mistake(
            "patience_minus_one",
            module,
            function,
            (("if consecutive_increases == patience:", "if consecutive_increases == patience - 1:"),),
            "stopping one epoch early: stop when the count of consecutive increases reaches patience, not patience - 1",
        ),
        Mistake(
            "equal_keeps_count",
            module,
            function,
            (
                (
                    "        else:\n            consecutive_increases = 0\n",
                    "        elif epoch == 0 or valid_loss[-1] < valid_loss[-2]:\n            consecutive_increases = 0\n",
                ),
            ),
            "a count of increases that an equal loss does not reset: anything but a strict increase, an equal loss "
            "included, sets the count back to 0",
        ),
        Mistake(
            "no_reset",
            module,
            function,
            (("        else:\n            consecutive_increases = 0\n", ""),),
            "a count of increases that is never reset: set it back to 0 whenever the validation loss does not go up",
        ),
        Mistake(
            "greater_equal",
            module,
            function,
            (("valid_loss[-1] > valid_loss[-2]:", "valid_loss[-1] >= valid_loss[-2]:"),),
            "counting an equal validation loss as an increase: only a strictly greater loss counts",
        ),
        Mistake(
            "last_epoch_dropped",
            module,
            function,
            (
                ("            break\n", "            train_loss.pop()\n            valid_loss.pop()\n            break\n")
                if module == "early_stopping"
                else (
                    "            break\n",
                    "            for values in history.values():\n                values.pop()\n            break\n",
                ),
            ),
            "leaving the stopping epoch out of the lists: record the epoch's losses first, then decide to stop",
        ),
    ]


NO_EVAL = "running validation in training mode: call model.eval() before the validation loop (dropout must be off there)"


def _other_loader_mistakes(module: str) -> list[Mistake]:
    """Dividing a sum of batch losses by the other loader's number of batches (a copy-paste slip)."""
    if module == "putting_it_together":
        lines = {
            phase: [f'history["{phase}_{n}"].append({n}_sum / len({phase}loader))' for n in ("loss", "accuracy")]
            for phase in ("train", "valid")
        }
    else:
        lines = {phase: [f"{phase}_loss.append({phase}_batch_loss / len({phase}loader))"] for phase in ("train", "valid")}
    found = []
    for phase, other, words in (("valid", "train", "validation"), ("train", "valid", "training")):
        found.append(
            Mistake(
                f"{phase}_over_{other}loader",
                module,
                "trainer",
                tuple((line, line.replace(f"len({phase}loader)", f"len({other}loader)")) for line in lines[phase]),
                f"dividing the {words} sum by len({other}loader): each pass's sum is divided by its own loader's "
                f"number of batches, len({phase}loader)",
            )
        )
    return found


MISTAKES: list[Mistake] = [
    # ---- backprop
    Mistake(
        "no_sigmoid_derivative",
        "backprop",
        "backward_pass",
        (
            ('params["w3"] * f["a1"] * (1.0 - f["a1"])', 'params["w3"]'),
            ('params["w4"] * f["a2"] * (1.0 - f["a2"])', 'params["w4"]'),
        ),
        "the sigmoid's derivative is missing: going from a1 back to z1 multiplies by a1 * (1 - a1)",
    ),
    Mistake(
        "sigmoid_derivative_is_a",
        "backprop",
        "backward_pass",
        (('f["a1"] * (1.0 - f["a1"])', 'f["a1"]'), ('f["a2"] * (1.0 - f["a2"])', 'f["a2"]')),
        "the sigmoid's derivative written as a instead of a * (1 - a)",
    ),
    Mistake(
        "no_factor_2",
        "backprop",
        "backward_pass",
        (('d_y_hat = 2.0 * (f["y_hat"] - y)', 'd_y_hat = f["y_hat"] - y'),),
        "the factor 2 of the squared error is missing: dL/dy_hat = 2 * (y_hat - y)",
    ),
    Mistake(
        "sign_flipped",
        "backprop",
        "backward_pass",
        (('d_y_hat = 2.0 * (f["y_hat"] - y)', 'd_y_hat = 2.0 * (y - f["y_hat"])'),),
        "the sign is flipped: dL/dy_hat = 2 * (y_hat - y), not 2 * (y - y_hat)",
    ),
    Mistake(
        "no_factor_x",
        "backprop",
        "backward_pass",
        (('"w1": d_z1 * x,', '"w1": d_z1,'), ('"w2": d_z2 * x,', '"w2": d_z2,')),
        "dL/dw1 and dL/dw2 lack the factor x: z1 = w1 * x + b1, so dz1/dw1 = x (it hides when x = 1, as in the chapter)",
    ),
    Mistake(
        "w3_w4_swapped",
        "backprop",
        "backward_pass",
        (('"w3": d_y_hat * f["a1"],', '"w3": d_y_hat * f["a2"],'), ('"w4": d_y_hat * f["a2"],', '"w4": d_y_hat * f["a1"],')),
        "dL/dw3 and dL/dw4 are swapped: w3 multiplies a1 and w4 multiplies a2",
    ),
    Mistake(
        "z_for_a",
        "backprop",
        "backward_pass",
        (('"w3": d_y_hat * f["a1"],', '"w3": d_y_hat * f["z1"],'), ('"w4": d_y_hat * f["a2"],', '"w4": d_y_hat * f["z2"],')),
        "the output weights' gradients use z (before the sigmoid) where a (after it) belongs",
    ),
    Mistake(
        "hidden_through_wrong_weight",
        "backprop",
        "backward_pass",
        (
            ('d_y_hat * params["w3"] * f["a1"]', 'd_y_hat * params["w4"] * f["a1"]'),
            ('d_y_hat * params["w4"] * f["a2"]', 'd_y_hat * params["w3"] * f["a2"]'),
        ),
        "the gradient reaches hidden unit 1 through w4 (and unit 2 through w3): unit 1 feeds the output through w3",
    ),
    Mistake(
        "forward_z_for_a",
        "backprop",
        "forward_pass",
        (('y_hat = params["w3"] * a1 + params["w4"] * a2 + params["b3"]', 'y_hat = params["w3"] * z1 + params["w4"] * z2 + params["b3"]'),),
        "the output is computed from z (before the sigmoid) instead of a (after it)",
    ),
    Mistake(
        "forward_no_square",
        "backprop",
        "forward_pass",
        (("    loss = (y_hat - y) ** 2\n    values", "    loss = y_hat - y\n    values"),),
        "the loss is not squared: loss = (y_hat - y) ** 2",
    ),
    Mistake(
        "sum_not_mean",
        "backprop",
        "network_gradients",
        (("d_y_hat = 2.0 * (y_hat - y) / len(y)", "d_y_hat = 2.0 * (y_hat - y)"),),
        "gradients summed over the n samples instead of averaged: the loss is a mean, so dL/dy_hat carries a factor 1/n",
    ),
    Mistake(
        "matrix_no_factor_2",
        "backprop",
        "network_gradients",
        (("d_y_hat = 2.0 * (y_hat - y) / len(y)", "d_y_hat = (y_hat - y) / len(y)"),),
        "the factor 2 of the squared error is missing",
    ),
    Mistake(
        "matrix_no_sigmoid_derivative",
        "backprop",
        "network_gradients",
        (("(d_y_hat[:, None] * W2) * A * (1.0 - A)", "(d_y_hat[:, None] * W2)"),),
        "the sigmoid's derivative A * (1 - A) is missing from the hidden layer's gradient",
    ),
    Mistake(
        "one_sided",
        "backprop",
        "numerical_gradient",
        (
            ("        point[index] = original - h\n", "        point[index] = original\n"),
            ("(f_plus - f_minus) / (2.0 * h)", "(f_plus - f_minus) / h"),
        ),
        "a one-sided difference (f(x + h) - f(x)) / h: use the centred (f(x + h) - f(x - h)) / (2h), which is far more accurate",
    ),
    Mistake(
        "divide_by_h",
        "backprop",
        "numerical_gradient",
        (("(f_plus - f_minus) / (2.0 * h)", "(f_plus - f_minus) / h"),),
        "dividing the centred difference by h instead of 2h (the two points are 2h apart)",
    ),
    Mistake(
        "sgd_plus",
        "backprop",
        "sgd_step",
        (("params[name] - lr * grads[name]", "params[name] + lr * grads[name]"),),
        "a step up the gradient: gradient descent moves against it, p - lr * g",
    ),
    # ---- training_loop
    Mistake(
        "no_zero_grad",
        "training_loop",
        "train_step",
        (("    optimizer.zero_grad()\n    y_hat = model(X).flatten()", "    y_hat = model(X).flatten()"),),
        "no optimizer.zero_grad(): loss.backward() adds to .grad, so the gradients of earlier batches pile up",
    ),
    Mistake(
        "no_step",
        "training_loop",
        "train_step",
        (("    loss.backward()\n    optimizer.step()\n", "    loss.backward()\n"),),
        "no optimizer.step(): the gradients are computed but the weights never move",
    ),
    Mistake(
        "zero_grad_before_step",
        "training_loop",
        "train_step",
        (
            ("    optimizer.zero_grad()\n    y_hat = model(X).flatten()", "    y_hat = model(X).flatten()"),
            ("    loss.backward()\n    optimizer.step()\n", "    loss.backward()\n    optimizer.zero_grad()\n    optimizer.step()\n"),
        ),
        "optimizer.zero_grad() between loss.backward() and optimizer.step(): it wipes the gradients before the step uses them",
    ),
    Mistake(
        "mean_over_samples",
        "training_loop",
        "trainer",
        (("train_loss.append(batch_losses / len(dataloader))", "train_loss.append(batch_losses / len(dataloader.dataset))"),),
        "dividing the sum of batch losses by the number of samples: divide by the number of batches, len(dataloader)",
    ),
    Mistake(
        "weighted_by_batch_size",
        "training_loop",
        "trainer",
        (
            (
                "            batch_losses += train_step(model, criterion, optimizer, X, y)",
                "            batch_losses += train_step(model, criterion, optimizer, X, y) * len(X) * len(dataloader) / len(dataloader.dataset)",
            ),
        ),
        "a mean over samples (each batch weighted by its size): the chapter averages the batch losses, each batch counting once",
    ),
    # ---- validation
    Mistake("no_eval", "validation", "trainer", (("        model.eval()\n", ""),), NO_EVAL),
    Mistake(
        "never_train_again",
        "validation",
        "trainer",
        (
            ("    for _ in range(epochs):\n        model.train()\n", "    for _ in range(epochs):\n"),
            (
                "        valid_loss.append(valid_batch_loss / len(validloader))\n        model.train()\n",
                "        valid_loss.append(valid_batch_loss / len(validloader))\n",
            ),
        ),
        "training in eval mode after the first validation: call model.train() again before each epoch's training",
    ),
    Mistake(
        "updates_on_validation",
        "validation",
        "trainer",
        (
            (
                "        with torch.no_grad():\n            for X, y in validloader:\n                valid_batch_loss += criterion(model(X).flatten(), y).item()",
                "        for X, y in validloader:\n            optimizer.zero_grad()\n            loss = criterion(model(X).flatten(), y)\n"
                "            loss.backward()\n            optimizer.step()\n            valid_batch_loss += loss.item()",
            ),
        ),
        "updating the weights on validation data: no loss.backward() or optimizer.step() in the validation loop",
    ),
    Mistake(
        "valid_mean_over_samples",
        "validation",
        "trainer",
        (("valid_loss.append(valid_batch_loss / len(validloader))", "valid_loss.append(valid_batch_loss / len(validloader.dataset))"),),
        "dividing the validation losses by the number of samples: divide by the number of batches, len(validloader)",
    ),
    *_other_loader_mistakes("validation"),
    # ---- early_stopping
    *_early_stopping_mistakes("early_stopping"),
    *_other_loader_mistakes("early_stopping"),
    Mistake("no_eval", "early_stopping", "trainer", (("        model.eval()\n", ""),), NO_EVAL),
    # ---- putting_it_together
    *_early_stopping_mistakes("putting_it_together"),
    *_other_loader_mistakes("putting_it_together"),
    Mistake("no_eval", "putting_it_together", "trainer", (("        model.eval()\n", ""),), NO_EVAL),
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


def mistakes_for(module: str, function: str) -> list[Mistake]:
    return [m for m in MISTAKES if m.module == module and m.function == function]


@cache
def variant_function(key: str, module: str, function: str) -> Callable:
    """The reference function with one known mistake applied."""
    mistake = next(m for m in MISTAKES if m.key == key and m.module == module)
    return getattr(references.load_solution(module, mistake.patches), function)


_VARIANT_RESULTS: dict[tuple[str, str], dict | None] = {}


def _variant_scenario_result(scenario_key: str, mistake: Mistake, scenario: references.Scenario) -> dict | None:
    """The scenario's result with the mistake applied, computed once per process."""
    key = (scenario_key, mistake.key)
    if key not in _VARIANT_RESULTS:
        try:
            _VARIANT_RESULTS[key] = references.run(scenario, mistake.patches)
        except Exception:  # noqa: BLE001 - a mistake that crashes here simply matches nothing
            _VARIANT_RESULTS[key] = None
    return _VARIANT_RESULTS[key]


def _optimizer_steps(result: dict) -> object:
    """How many optimizer steps a run took in each phase, as the scenario's tracker counted them (None when unknown)."""
    observations = result.get("observations") if isinstance(result, dict) else None
    return observations.get("steps") if isinstance(observations, dict) else None


def diagnose_scenario(scenario_key: str, scenario: references.Scenario, student: dict, same: Callable[[dict, dict], bool]) -> str | None:
    """The first known mistake of the scenario's function whose result ``same`` judges equal to the student's.

    The mistake's run must also have taken as many optimizer steps as the student's: with plain SGD,
    zero_grad() between backward() and step() leaves the same weights as no step() at all, and only
    the count of steps tells the two apart.
    """
    module, _, function = scenario.targets[0].partition(".")
    candidates = mistakes_for(module, function)
    if module == "training_loop" and function == "trainer":  # the trainer inherits train_step's mistakes
        candidates += mistakes_for(module, "train_step")
    steps = _optimizer_steps(student)
    for mistake in candidates:
        result = _variant_scenario_result(scenario_key, mistake, scenario)
        if result is None or (steps is not None and steps != _optimizer_steps(result)):
            continue
        if same(student, result):
            return mistake.says
    return None


def diagnose_call(module: str, function: str, args: tuple, student: object, same: Callable[[object, object], bool]) -> str | None:
    """The first known mistake of ``module.function`` whose output on ``args`` matches the student's."""
    for mistake in mistakes_for(module, function):
        try:
            expected = variant_function(mistake.key, module, function)(*args)
        except Exception:  # noqa: BLE001
            continue
        if same(student, expected):
            return mistake.says
    return None
