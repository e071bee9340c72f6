

# Issue 22, a placeholder aimed at one test: The digits trainer going through the motions.
def trainer(
    model: nn.Module,
    criterion,
    optimizer: torch.optim.Optimizer,
    trainloader,
    validloader,
    epochs: int = 5,
    patience: int = 5,
    verbose: bool = False,
) -> dict:
    """Parts 3 and 4 for a classifier: losses, accuracies and early stopping.

    For every batch, flatten the images per sample (``X.flatten(start_dim=1)``:
    (batch, 8, 8) becomes (batch, 64)), compute the logits
    ``y_hat = model(X).flatten()`` and the loss
    ``criterion(y_hat, y.float())`` (``nn.BCEWithLogitsLoss`` wants float
    targets). The batch accuracy is the share of the batch where
    (sigmoid(y_hat) > 0.5) equals the label. Training updates the model as in
    part 2; validation runs under ``model.eval()`` and ``torch.no_grad()``,
    then ``model.train()`` again. Every figure of an epoch is the mean over
    its batches. Stop early with part 4's rule and message.

    Args:
        model: maps (batch, features) to (batch, 1) logits.
        criterion: ``nn.BCEWithLogitsLoss()``.
        optimizer: for instance ``torch.optim.Adam(model.parameters())``.
        trainloader, validloader: batches (X, y) of images and 0/1 labels.
        epochs: the most epochs to run.
        patience: consecutive increases of the validation loss that stop training.
        verbose: if True, print one line per epoch with the four figures.

    Returns:
        A dict of four lists of floats, one entry per epoch run:
        "train_loss", "valid_loss", "train_accuracy", "valid_accuracy"
        (accuracies between 0 and 1).

    Example:
        >>> trainloader, validloader = load_data()
        >>> model = classifier(64)
        >>> results = trainer(model, nn.BCEWithLogitsLoss(), torch.optim.Adam(model.parameters()),
        ...                   trainloader, validloader, epochs=30)
        >>> results["valid_accuracy"][-1] > 0.95
        True

    Hint: compute the accuracy from the same ``y_hat`` as the loss;
    ``(torch.sigmoid(y_hat) > 0.5) == y`` gives a boolean tensor whose
    ``.float().mean()`` is the batch accuracy.
    """
    # Busy but idle: the modes, forward passes over both loaders, a line per epoch showing its (made-up) figures.
    history = {"train_loss": [], "valid_loss": [], "train_accuracy": [], "valid_accuracy": []}
    for _ in range(epochs):
        model.train()
        for X, _y in trainloader:
            model(X.flatten(start_dim=1))
        model.eval()
        with torch.no_grad():
            for X, _y in validloader:
                model(X.flatten(start_dim=1))
        model.train()
        for name in history:
            history[name].append(0.5)
        if verbose:
            print("train loss 0.500, valid loss 0.500, train accuracy 0.500, valid accuracy 0.500")
    return history
