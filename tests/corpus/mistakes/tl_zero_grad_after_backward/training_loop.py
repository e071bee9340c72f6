import torch


def train_step(model, criterion, optimizer, X, y):
    y_hat = model(X).flatten()
    loss = criterion(y_hat, y)
    loss.backward()
    optimizer.zero_grad()   # clean up before the next batch
    optimizer.step()
    return loss.item()


def trainer(model, criterion, optimizer, dataloader, epochs=5):
    train_loss = []
    for epoch in range(epochs):
        s = 0.0
        for X, y in dataloader:
            s += train_step(model, criterion, optimizer, X, y)
        train_loss.append(s / len(dataloader))
    return train_loss
