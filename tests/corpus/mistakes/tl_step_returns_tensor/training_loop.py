import torch


def train_step(model, criterion, optimizer, X, y):
    optimizer.zero_grad()
    loss = criterion(model(X).flatten(), y)
    loss.backward()
    optimizer.step()
    return loss


def trainer(model, criterion, optimizer, dataloader, epochs=5):
    train_loss = []
    for epoch in range(epochs):
        epoch_loss = 0
        for X, y in dataloader:
            epoch_loss += train_step(model, criterion, optimizer, X, y)
        train_loss.append(epoch_loss / len(dataloader))
    return train_loss
