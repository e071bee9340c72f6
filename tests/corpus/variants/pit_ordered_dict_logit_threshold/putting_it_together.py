from collections import OrderedDict

import torch
from torch import nn


def linear_block(input_size, output_size, p=0.1):
    return nn.Sequential(OrderedDict([
        ("linear", nn.Linear(input_size, output_size)),
        ("activation", nn.LeakyReLU(negative_slope=0.01)),
        ("dropout", nn.Dropout(p=p)),
    ]))


def classifier(input_size):
    sizes = [input_size, 32, 16, 8]
    blocks = [linear_block(a, b) for a, b in zip(sizes, sizes[1:])]
    return nn.Sequential(*blocks, nn.Linear(sizes[-1], 1))


def batch_accuracy(logits, y):
    # sigmoid(logit) > 0.5 exactly when logit > 0
    return (logits > 0).eq(y.bool()).float().mean().item()


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5, patience=5, verbose=False):
    names = ("train_loss", "valid_loss", "train_accuracy", "valid_accuracy")
    history = {name: [] for name in names}
    streak = 0
    for epoch in range(1, epochs + 1):
        model.train()
        losses, accuracies = [], []
        for X, y in trainloader:
            optimizer.zero_grad()
            logits = model(X.reshape(len(X), -1)).view(-1)
            loss = criterion(logits, y.to(logits.dtype))
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            accuracies.append(batch_accuracy(logits, y))
        history["train_loss"].append(sum(losses) / len(losses))
        history["train_accuracy"].append(sum(accuracies) / len(accuracies))

        model.eval()
        losses, accuracies = [], []
        with torch.no_grad():
            for X, y in validloader:
                logits = model(X.reshape(len(X), -1)).view(-1)
                losses.append(criterion(logits, y.float()).item())
                accuracies.append(batch_accuracy(logits, y))
        history["valid_loss"].append(sum(losses) / len(losses))
        history["valid_accuracy"].append(sum(accuracies) / len(accuracies))
        model.train()

        if verbose:
            print(" | ".join(f"{name} {history[name][-1]:.3f}" for name in names))
        if epoch > 1 and history["valid_loss"][-1] > history["valid_loss"][-2]:
            streak += 1
            if streak == patience:
                print(f"Stopped early at epoch {epoch} - val loss increased for {streak} consecutive epochs!")
                break
        else:
            streak = 0
    return history
