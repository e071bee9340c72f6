import torch


def train_step(model, criterion, optimizer, X, y):
    optimizer.zero_grad()
    output = model(X)
    loss = criterion(output.flatten(), y)
    loss.backward()
    return loss.item()


def trainer(model, criterion, optimizer, dataloader, epochs=5):
    losses = []
    for _ in range(epochs):
        total = 0
        for batch_X, batch_y in dataloader:
            total += train_step(model, criterion, optimizer, batch_X, batch_y)
        losses.append(total / len(dataloader))
    return losses
