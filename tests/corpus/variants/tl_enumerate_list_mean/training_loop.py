import statistics

import torch


def train_step(model, criterion, optimizer, X, y):
    optimizer.zero_grad(set_to_none=True)
    y_hat = torch.flatten(model(X))
    loss = criterion(y_hat, y)
    loss.backward()
    optimizer.step()
    return loss.item()


def trainer(model, criterion, optimizer, dataloader, epochs=5):
    train_loss = []
    for epoch in range(epochs):
        batch_losses = []
        for i, (X, y) in enumerate(dataloader):
            batch_losses.append(train_step(model, criterion, optimizer, X, y))
        train_loss.append(statistics.fmean(batch_losses))
        print(f"epoch {epoch + 1}/{epochs}: {train_loss[-1]:.4f} over {i + 1} batches")
    return train_loss
