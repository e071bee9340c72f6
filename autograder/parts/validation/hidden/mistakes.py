"""Part 3's known mistakes (validation loss): patches of ``solutions/validation.py`` that the grader names when a result matches one.

When two mistakes give the same numbers, other scenarios decide between them, else both are named (see diagnoses.py).
"""

from __future__ import annotations

from autograder.graders.mistakes import Mistake, no_eval, other_loader_mistakes

MISTAKES: list[Mistake] = [
    no_eval("validation"),
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
    Mistake(
        "valid_summed",
        "validation",
        "trainer",
        (("valid_loss.append(valid_batch_loss / len(validloader))", "valid_loss.append(valid_batch_loss)"),),
        "a validation loss summed over the batches, never averaged: divide the sum by the number of batches, len(validloader)",
    ),
    Mistake(
        "valid_weighted_by_batch_size",
        "validation",
        "trainer",
        (
            (
                "valid_batch_loss += criterion(model(X).flatten(), y).item()",
                "valid_batch_loss += criterion(model(X).flatten(), y).item() * len(X)",
            ),
            ("valid_loss.append(valid_batch_loss / len(validloader))", "valid_loss.append(valid_batch_loss / len(validloader.dataset))"),
        ),
        "a validation loss averaged over samples (each batch weighted by its size): the chapter averages the batch "
        "losses, each batch counting once, sum / len(validloader)",
    ),
    *other_loader_mistakes(
        "validation", {phase: [f"{phase}_loss.append({phase}_batch_loss / len({phase}loader))"] for phase in ("train", "valid")}
    ),
]
