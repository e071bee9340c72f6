import torch
import torch.nn as nn
import torch.nn.functional as F


def linear_block(input_size, output_size, p=0.1):
    block = nn.Sequential()
    block.append(nn.Linear(input_size, output_size))
    block.append(nn.LeakyReLU())
    block.append(nn.Dropout(p))
    return block


def classifier(input_size):
    return nn.Sequential(
        nn.Flatten(),
        linear_block(input_size, 32),
        linear_block(32, 16),
        linear_block(16, 8),
        nn.Linear(8, 1),
    )


def one_pass(model, criterion, loader, optimizer=None):
    """Mean batch loss and accuracy over a loader; trains when an optimizer is given."""
    loss_sum = acc_sum = 0.0
    for X, y in loader:
        logits = model(torch.flatten(X, 1)).squeeze(1)
        loss = criterion(logits, y.float())
        if optimizer is not None:
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        loss_sum += loss.item()
        predictions = (torch.sigmoid(logits) > 0.5).long()
        acc_sum += (predictions == y).sum().item() / len(y)
    return loss_sum / len(loader), acc_sum / len(loader)


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5, patience=5, verbose=False):
    results = {"train_loss": [], "valid_loss": [], "train_accuracy": [], "valid_accuracy": []}
    count = 0
    for epoch in range(epochs):
        model.train()
        train_loss, train_acc = one_pass(model, criterion, trainloader, optimizer)
        model.eval()
        with torch.inference_mode():
            valid_loss, valid_acc = one_pass(model, criterion, validloader)
        model.train()
        for key, value in zip(results, (train_loss, valid_loss, train_acc, valid_acc)):
            results[key].append(value)
        if verbose:
            print(f"Epoch {epoch + 1}: {train_loss=:.3f} {valid_loss=:.3f} {train_acc=:.3f} {valid_acc=:.3f}")
        count = count + 1 if epoch and valid_loss > results["valid_loss"][-2] else 0
        if count >= patience:
            print(f"Stopped early at epoch {epoch + 1} - val loss increased for {count} consecutive epochs!")
            break
    return results
