

# Issue 22, a placeholder aimed at one test: A validation trainer with model.train(), model.eval() and torch.no_grad() in their places and forward passes over both loaders, which learns and measures nothing (zeros for both curves).
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
    # The modes and no_grad in place, forward passes over both loaders, nothing learnt or measured.
    train_loss, valid_loss = [], []
    for _ in range(epochs):
        model.train()
        for X, _y in trainloader:
            model(X)
        model.eval()
        with torch.no_grad():
            for X, _y in validloader:
                model(X)
        model.train()
        train_loss.append(0.0)
        valid_loss.append(0.0)
    return train_loss, valid_loss
