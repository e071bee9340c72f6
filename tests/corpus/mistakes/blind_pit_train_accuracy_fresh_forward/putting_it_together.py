"""Part 6 - Putting it all together (chapter section 4).

A binary image classifier with dropout, early stopping, and training and
validation accuracy. The chapter's own images are not available, so we use
the 8x8 handwritten digits that ship with scikit-learn and tell 3s from 8s.

The network is fully connected: each 8x8 image is flattened into 64 numbers
first. The last layer gives one number per image, a *logit*;
``torch.sigmoid(logit)`` is the probability of class 1 and
``nn.BCEWithLogitsLoss`` combines that sigmoid with the binary cross-entropy
in one numerically safe step. A prediction is class 1 when
sigmoid(logit) > 0.5.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def load_data(
    digits: tuple[int, int] = (3, 8), valid_fraction: float = 0.25, batch_size: int = 32, seed: int = 0
) -> tuple[DataLoader, DataLoader]:
    """Provided: scikit-learn's bundled digits as a two-class problem (no download).

    Args:
        digits: the two digits to tell apart; the second one is class 1.
        valid_fraction: the share of images kept for validation.
        batch_size: images per batch.
        seed: fixes the split and the shuffling.

    Returns:
        (trainloader, validloader). Each batch is (X, y): X of shape
        (batch, 8, 8), float32 pixels scaled to [0, 1]; y of shape (batch,),
        int64 labels 0 or 1. The training loader shuffles, the validation
        loader does not.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    chosen = np.isin(data.target, digits)
    images = (data.images[chosen] / 16.0).astype(np.float32)
    labels = (data.target[chosen] == digits[1]).astype(np.int64)
    X_train, X_valid, y_train, y_valid = train_test_split(images, labels, test_size=valid_fraction, random_state=seed, stratify=labels)
    generator = torch.Generator().manual_seed(seed)
    trainloader = DataLoader(
        TensorDataset(torch.from_numpy(X_train), torch.from_numpy(y_train)),
        batch_size=batch_size,
        shuffle=True,
        generator=generator,
    )
    validloader = DataLoader(TensorDataset(torch.from_numpy(X_valid), torch.from_numpy(y_valid)), batch_size=batch_size)
    return trainloader, validloader


def linear_block(input_size: int, output_size: int, p: float = 0.1) -> nn.Sequential:
    """One building block of the classifier: Linear, then LeakyReLU, then Dropout(p).

    Args:
        input_size, output_size: the Linear layer's widths.
        p: the dropout probability.

    Returns:
        ``nn.Sequential`` of exactly these three layers, in this order, mapping
        (batch, input_size) to (batch, output_size).

    Example:
        >>> linear_block(64, 32)
        Sequential(
          (0): Linear(in_features=64, out_features=32, bias=True)
          (1): LeakyReLU(negative_slope=0.01)
          (2): Dropout(p=0.1, inplace=False)
        )

    Hint: the layers live in ``torch.nn``; keep LeakyReLU's default slope.
    """
    return nn.Sequential(nn.Linear(input_size, output_size), nn.LeakyReLU(), nn.Dropout(p))


def classifier(input_size: int) -> nn.Module:
    """The chapter's classifier, sized for 8x8 images: linear blocks, then one logit.

    Use ``linear_block(input_size, 32)``, ``linear_block(32, 16)``,
    ``linear_block(16, 8)``, then a plain ``nn.Linear(8, 1)`` (no activation:
    the loss applies the sigmoid).

    Args:
        input_size: the number of pixels per image after flattening (64 for 8x8).

    Returns:
        A module mapping (batch, input_size) to (batch, 1) logits.

    Example:
        >>> classifier(64)(torch.zeros(5, 64)).shape
        torch.Size([5, 1])

    Hint: ``nn.Sequential`` of the blocks above.
    """
    return nn.Sequential(
        linear_block(input_size, 32),
        linear_block(32, 16),
        linear_block(16, 8),
        nn.Linear(8, 1),
    )


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
    results = {"train_loss": [], "valid_loss": [], "train_accuracy": [], "valid_accuracy": []}
    counter = 0
    for epoch in range(epochs):
        model.train()
        loss_sum, acc_sum = 0.0, 0.0
        for X, y in trainloader:
            X = X.flatten(start_dim=1)
            optimizer.zero_grad()
            y_hat = model(X).flatten()
            loss = criterion(y_hat, y.float())
            loss.backward()
            optimizer.step()
            loss_sum += loss.item()
            acc_sum += accuracy(model, X, y)
        results["train_loss"].append(loss_sum / len(trainloader))
        results["train_accuracy"].append(acc_sum / len(trainloader))

        model.eval()
        loss_sum, acc_sum = 0.0, 0.0
        with torch.no_grad():
            for X, y in validloader:
                X = X.flatten(start_dim=1)
                y_hat = model(X).flatten()
                loss_sum += criterion(y_hat, y.float()).item()
                acc_sum += ((torch.sigmoid(y_hat) > 0.5) == y).float().mean().item()
        results["valid_loss"].append(loss_sum / len(validloader))
        results["valid_accuracy"].append(acc_sum / len(validloader))
        model.train()

        if verbose:
            print(f"epoch {epoch + 1}: train loss {results['train_loss'][-1]:.3f}, valid loss {results['valid_loss'][-1]:.3f}, "
                  f"train acc {results['train_accuracy'][-1]:.3f}, valid acc {results['valid_accuracy'][-1]:.3f}")
        if epoch > 0:
            counter = counter + 1 if results["valid_loss"][-1] > results["valid_loss"][-2] else 0
            if counter >= patience:
                print(f"Stopped early at epoch {epoch + 1} - val loss increased for {patience} consecutive epochs!")
                break
    return results


def accuracy(model, X, y):
    """Share of correct predictions of the model on one batch."""
    preds = torch.sigmoid(model(X).flatten()) > 0.5
    return (preds == y).float().mean().item()


if __name__ == "__main__":
    torch.manual_seed(0)
    trainloader, validloader = load_data()
    model = classifier(64)
    optimizer = torch.optim.Adam(model.parameters())
    trainer(model, nn.BCEWithLogitsLoss(), optimizer, trainloader, validloader, epochs=50, patience=3, verbose=True)
