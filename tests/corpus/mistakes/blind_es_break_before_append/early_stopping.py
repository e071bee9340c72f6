"""Part 4 - Early stopping (chapter section 2.2).

Once the validation loss starts to climb, more training only makes the model
worse on new data. Early stopping watches the validation loss and stops
training when it has gone up for several epochs in a row.

The chapter's rule, used here: after each epoch compare the validation loss
with the *previous epoch's* (not with the best so far).

- strictly greater: one more consecutive increase;
- equal or smaller: the count goes back to 0.

When the count reaches ``patience``, print the message below and stop. The
epoch that triggered the stop is still recorded in both lists.

(The chapter's listing uses its counter before giving it a value: start it at 0.)
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
    patience: int = 5,
) -> tuple[list[float], list[float]]:
    """Part 3's trainer with early stopping.

    Each epoch trains and validates exactly as in part 3 (``model.train()``,
    the training pass, ``model.eval()``, validation under ``torch.no_grad()``),
    then applies the stopping rule from the top of this file.

    Args:
        model, criterion, optimizer, trainloader, validloader: as in part 3.
        epochs: the most epochs to run.
        patience: how many consecutive increases of the validation loss stop
            training (at least 1).

    Returns:
        (train_loss, valid_loss), one float per epoch actually run, the
        stopping epoch included.

    Prints, when it stops early (N counts epochs from 1, K is the patience):
        Stopped early at epoch N - val loss increased for K consecutive epochs!

    Example:
        Validation losses 5, 4, 3, 4, 5, 6, 7 with patience = 3: the increases
        come at epochs 4, 5 and 6, so training stops after epoch 6, both lists
        have 6 entries, and it prints "Stopped early at epoch 6 - val loss
        increased for 3 consecutive epochs!". With 5, 4, 5, 6, 5, 6, 7, 8 it
        stops at epoch 8: the decrease at epoch 5 resets the count.

    Hint: compare ``valid_loss[-1]`` with ``valid_loss[-2]``; there is nothing
    to compare with after the first epoch.
    """
    train_loss, valid_loss = [], []
    prev_val = None
    counter = 0
    for epoch in range(epochs):
        model.train()
        t_total = 0.0
        for X, y in trainloader:
            optimizer.zero_grad()
            loss = criterion(model(X).flatten(), y)
            loss.backward()
            optimizer.step()
            t_total += loss.item()
        model.eval()
        v_total = 0.0
        with torch.no_grad():
            for X, y in validloader:
                v_total += criterion(model(X).flatten(), y).item()
        t_epoch = t_total / len(trainloader)
        v_epoch = v_total / len(validloader)
        if prev_val is not None and v_epoch > prev_val:
            counter += 1
        else:
            counter = 0
        if counter == patience:
            print(f"Stopped early at epoch {epoch + 1} - val loss increased for {patience} consecutive epochs!")
            break
        train_loss.append(t_epoch)
        valid_loss.append(v_epoch)
        prev_val = v_epoch
    return train_loss, valid_loss


if __name__ == "__main__":
    from chapter import Network, loader, regression_data, validation_data

    X, y = regression_data()
    X_valid, y_valid = validation_data()
    model = Network(1, 6, 1)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    train_loss, valid_loss = trainer(
        model, torch.nn.MSELoss(), optimizer, loader(X, y), loader(X_valid, y_valid, shuffle=False), epochs=201, patience=3
    )
    print(f"ran {len(train_loss)} epochs; last validation loss {valid_loss[-1]:.3f}")
