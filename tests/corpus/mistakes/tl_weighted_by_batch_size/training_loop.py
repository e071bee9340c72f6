import torch


def train_step(model, criterion, optimizer, X, y):
    optimizer.zero_grad()
    y_hat = model(X).flatten()
    loss = criterion(y_hat, y)
    loss.backward()
    optimizer.step()
    return loss.item()


def trainer(model, criterion, optimizer, dataloader, epochs=5):
    result = []
    for epoch in range(epochs):
        total, seen = 0.0, 0
        for X, y in dataloader:
            batch_loss = train_step(model, criterion, optimizer, X, y)
            total += batch_loss * len(y)      # undo the mean of the batch
            seen += len(y)
        result.append(total / seen)           # the mean over every sample
    return result
