"""Part 2's known mistakes (the training loop): patches of ``solutions/training_loop.py`` that the grader names when a result matches one.

When two mistakes give the same numbers, other scenarios decide between them, else both are named (see diagnoses.py).
"""

from __future__ import annotations

from autograder.graders.mistakes import Mistake

MISTAKES: list[Mistake] = [
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
    # train_step's mistakes show in the trainer that calls it
    Mistake(
        "no_zero_grad",
        "training_loop",
        "train_step",
        (("    optimizer.zero_grad()\n    y_hat = model(X).flatten()", "    y_hat = model(X).flatten()"),),
        "no optimizer.zero_grad(): loss.backward() adds to .grad, so the gradients of earlier batches pile up",
        also_in=("trainer",),
    ),
    Mistake(
        "no_step",
        "training_loop",
        "train_step",
        (("    loss.backward()\n    optimizer.step()\n", "    loss.backward()\n"),),
        "no optimizer.step(): the gradients are computed but the weights never move",
        also_in=("trainer",),
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
        also_in=("trainer",),
    ),
    Mistake(
        "step_before_backward",
        "training_loop",
        "train_step",
        (("    loss.backward()\n    optimizer.step()\n", "    optimizer.step()\n    loss.backward()\n"),),
        "optimizer.step() before loss.backward(): the step comes before this batch's gradients exist (zero_grad() "
        "has just cleared them), so the weights never move; call loss.backward() first, then optimizer.step()",
        also_in=("trainer",),
    ),
    Mistake(
        "output_not_flattened",
        "training_loop",
        "train_step",
        (("    y_hat = model(X).flatten()\n", "    y_hat = model(X)\n"),),
        "an output of shape (batch, 1) compared with targets of shape (batch,): the loss broadcasts them to "
        "(batch, batch) and compares every output with every target; flatten it, y_hat = model(X).flatten()",
        also_in=("trainer",),
    ),
]
