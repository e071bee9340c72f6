import torch
import torch.nn.functional as F
from torch import nn


def linear_block(input_size, output_size, p=0.1):
    return nn.Sequential(
        nn.Linear(input_size, output_size),
        nn.LeakyReLU(),
        nn.Dropout(p),
    )


def classifier(input_size):
    return nn.Sequential(
        linear_block(input_size, 32),
        linear_block(32, 16),
        linear_block(16, 8),
        nn.Linear(8, 1),
    )


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5, patience=5, verbose=False):
    results = {"train_loss": [], "valid_loss": [], "train_accuracy": [], "valid_accuracy": []}
    increases = 0
    for epoch in range(epochs):
        model.train()
        total_loss, total_acc = 0.0, 0.0
        for X, y in trainloader:
            optimizer.zero_grad()
            logits = model(X.flatten(start_dim=1)).flatten()
            loss = F.binary_cross_entropy_with_logits(logits, y.float())
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
            total_acc += ((torch.sigmoid(logits) > 0.5) == y).float().mean().item()
        results["train_loss"].append(total_loss / len(trainloader))
        results["train_accuracy"].append(total_acc / len(trainloader))

        model.eval()
        total_loss, total_acc = 0.0, 0.0
        with torch.no_grad():
            for X, y in validloader:
                logits = model(X.flatten(start_dim=1)).flatten()
                total_loss += F.binary_cross_entropy_with_logits(logits, y.float()).item()
                total_acc += ((torch.sigmoid(logits) > 0.5) == y).float().mean().item()
        results["valid_loss"].append(total_loss / len(validloader))
        results["valid_accuracy"].append(total_acc / len(validloader))
        model.train()

        if verbose:
            print(f"epoch {epoch + 1}: train loss {results['train_loss'][-1]:.3f}, valid loss {results['valid_loss'][-1]:.3f}, "
                  f"train accuracy {results['train_accuracy'][-1]:.3f}, valid accuracy {results['valid_accuracy'][-1]:.3f}")
        if epoch > 0 and results["valid_loss"][-1] > results["valid_loss"][-2]:
            increases += 1
        else:
            increases = 0
        if increases == patience:
            print(f"Stopped early at epoch {epoch + 1} - val loss increased for {increases} consecutive epochs!")
            break
    return results
