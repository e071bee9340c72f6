import torch


def train_step(model, criterion, optimizer, X, y):
    optimizer.zero_grad()
    y_hat = model(X).flatten()
    loss = ((y_hat - y) ** 2).mean()  # the mean squared error, written out
    loss.backward()
    optimizer.step()
    return loss.item()


def trainer(model, criterion, optimizer, dataloader, epochs=5):
    train_loss = []
    for _ in range(epochs):
        batch_losses = 0.0
        for X, y in dataloader:
            batch_losses += train_step(model, criterion, optimizer, X, y)
        train_loss.append(batch_losses / len(dataloader))
    return train_loss
