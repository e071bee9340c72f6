"""Part 2 - The training loop (chapter section 2).

Every epoch walks once through the data loader. For each batch:

1. zero the gradients left over from the previous batch (``optimizer.zero_grad()``),
2. forward pass: ``y_hat = model(X).flatten()``,
3. the loss: ``loss = criterion(y_hat, y)``,
4. backward pass: ``loss.backward()`` fills each parameter's ``.grad``,
5. an optimizer step: ``optimizer.step()`` moves the parameters.

``loss.backward()`` *adds* to ``.grad``: without step 1, gradients from every
earlier batch pile up and the updates grow wrong.
"""

from __future__ import annotations

import torch


def train_step(model: torch.nn.Module, criterion, optimizer: torch.optim.Optimizer, X: torch.Tensor, y: torch.Tensor) -> float:
    """One optimisation step on one batch.

    Args:
        model: maps X (batch, features) to (batch, 1).
        criterion: a loss such as ``nn.MSELoss()``, called as ``criterion(y_hat, y)``.
        optimizer: already holds the model's parameters.
        X: a batch of inputs, shape (batch, features).
        y: the batch's targets, shape (batch,).

    Returns:
        The batch loss as a plain Python float (not a tensor: a tensor keeps the
        whole graph of this step alive).

    Example:
        With the chapter's tiny network, x = [[1.0]], y = [3.0] and
        ``SGD(lr=0.1)``, the returned loss is 2.746 and the output bias moves
        from -1 to -0.6686.

    Hint: the five steps are listed at the top of this file; ``loss.item()``
    gives the float.
    """
    optimizer.zero_grad()
    loss = criterion(model(X).flatten(), y)
    loss.backward()
    optimizer.step()
    return loss.detach()


def trainer(model: torch.nn.Module, criterion, optimizer: torch.optim.Optimizer, dataloader, epochs: int = 5) -> list[float]:
    """Train for a number of epochs and record the training loss of each.

    Args:
        model, criterion, optimizer: as for :func:`train_step`.
        dataloader: yields batches (X, y); walk through it once per epoch.
        epochs: how many passes over the data.

    Returns:
        A list of ``epochs`` floats. Entry k is the sum of the batch losses of
        epoch k divided by the number of batches, ``len(dataloader)``. Dividing
        by the number of batches, not of samples, keeps the figure
        independent of the batch size, as the chapter explains: with 10
        samples in batches of 4, 4 and 2 it is (l1 + l2 + l3) / 3.

    Example:
        >>> losses = trainer(model, nn.MSELoss(), optimizer, dataloader, epochs=3)
        >>> len(losses)
        3

    Hint: call :func:`train_step` for each batch and add up what it returns.
    """
    history = []
    for epoch in range(epochs):
        running = 0
        for X, y in dataloader:
            running += train_step(model, criterion, optimizer, X, y)
        history.append(float(running / len(dataloader)))
    return history


if __name__ == "__main__":
    from chapter import Network, loader, regression_data

    X, y = regression_data()
    model = Network(1, 3, 1)
    losses = trainer(model, torch.nn.MSELoss(), torch.optim.Adam(model.parameters(), lr=0.1), loader(X, y), epochs=101)
    print(f"training loss: first epoch {losses[0]:.3f}, last epoch {losses[-1]:.3f}")
