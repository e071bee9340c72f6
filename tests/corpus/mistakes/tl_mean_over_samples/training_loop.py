import torch


def train_step(model, criterion, optimizer, X, y):
    optimizer.zero_grad()
    y_hat = model(X).flatten()
    loss = criterion(y_hat, y)
    loss.backward()
    optimizer.step()
    return loss.item()


def trainer(model, criterion, optimizer, dataloader, epochs=5):
    n_samples = len(dataloader.dataset)
    train_loss = []
    for epoch in range(epochs):
        loss_sum = 0.0
        for X, y in dataloader:
            loss_sum += train_step(model, criterion, optimizer, X, y)
        train_loss.append(loss_sum / n_samples)
    return train_loss
