"""Part 3 - Validation loss (chapter section 2.1).

The training loss says how well the model fits the data it learns from. The
validation loss, measured on data the optimizer never sees, says how well it
generalises. When the training loss keeps falling while the validation loss
turns up again, the model has started to overfit.

Measuring the validation loss must not change the model:

- ``model.eval()`` first, so layers such as dropout behave as at prediction
  time; then ``model.train()`` again before the next epoch's training;
- ``with torch.no_grad():`` around the validation loop, so no graph is built;
- no ``backward()`` and no ``optimizer.step()`` on validation data.

(The chapter's listing calls ``model.train()`` where its comment says
evaluation mode: ``model.eval()`` is what it means.)
"""

from __future__ import annotations

import torch


def trainer(
    model: torch.nn.Module,
    criterion,
    optimizer: torch.optim.Optimizer,
    trainloader,
    validloader,
    epochs: int = 5,
) -> tuple[list[float], list[float]]:
    """Train, and after each epoch's training measure the validation loss.

    Each epoch: ``model.train()``, one pass over ``trainloader`` exactly as in
    part 2 (zero_grad, forward with ``model(X).flatten()``, loss, backward,
    step); then ``model.eval()`` and, under ``torch.no_grad()``, one pass over
    ``validloader`` computing the loss of each batch without any update.

    Args:
        model, criterion, optimizer: as in part 2.
        trainloader: batches (X, y) to learn from.
        validloader: batches (X, y) to measure on.
        epochs: how many epochs.

    Returns:
        (train_loss, valid_loss): two lists of ``epochs`` floats; each entry is
        the sum of that epoch's batch losses divided by the number of batches
        of its loader.

    Example:
        The chapter trains ``Network(1, 6, 1)`` with ``Adam(lr=0.05)`` for 201
        epochs: the validation loss falls, reaches a minimum, then climbs while
        the training loss keeps falling (run ``python validation.py``).

    Hint: ``len(validloader)`` is its number of batches; ``loss.item()`` turns a
    batch loss into a float.
    """
    train_loss, valid_loss = [], []
    for epoch in range(epochs):
        model.train()
        total_train = 0.0
        for X, y in trainloader:
            optimizer.zero_grad()
            loss = criterion(model(X).flatten(), y)
            loss.backward()
            optimizer.step()
            total_train += loss.item()
        train_loss.append(total_train / len(trainloader))
        model.eval()
        total_valid = 0.0
        with torch.no_grad():
            for X, y in validloader:
                loss = criterion(model(X).flatten(), y)
                optimizer.step()
                total_valid += loss.item()
        valid_loss.append(total_valid / len(validloader))
    return train_loss, valid_loss


if __name__ == "__main__":
    from chapter import Network, loader, regression_data, validation_data

    X, y = regression_data()
    X_valid, y_valid = validation_data()
    model = Network(1, 6, 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    train_loss, valid_loss = trainer(
        model, torch.nn.MSELoss(), optimizer, loader(X, y), loader(X_valid, y_valid, shuffle=False), epochs=201
    )
    best = min(range(len(valid_loss)), key=valid_loss.__getitem__)
    print(f"lowest validation loss {valid_loss[best]:.3f} at epoch {best + 1}; at the end {valid_loss[-1]:.3f}")
