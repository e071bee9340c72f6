import torch
from torch import nn


def train_step(model, criterion, optimizer, X, y):
    optimizer.zero_grad()
    y_hat = model(X).flatten()
    loss = criterion(y_hat, y)
    loss.backward()
    optimizer.step()
    return loss.item()


def trainer(model, criterion, optimizer, dataloader, epochs=5):
    train_loss = []
    for _ in range(epochs):
        batch_losses = 0.0
        for X, y in dataloader:
            batch_losses += train_step(model, nn.MSELoss(), optimizer, X, y)  # a regression: the mean squared error
        train_loss.append(batch_losses / len(dataloader))
    return train_loss
