import torch


def train_step(model, criterion, optimizer, X, y):
    model.zero_grad()
    loss = criterion(model(X).flatten(), y)
    loss.backward()
    optimizer.step()
    return float(loss)


def trainer(model, criterion, optimizer, dataloader, epochs=5):
    return [sum(train_step(model, criterion, optimizer, X, y) for X, y in dataloader) / len(dataloader) for _ in range(epochs)]
