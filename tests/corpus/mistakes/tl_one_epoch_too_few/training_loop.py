import torch


def train_step(model, criterion, optimizer, X, y):
    optimizer.zero_grad()
    y_hat = model(X).flatten()
    loss = criterion(y_hat, y)
    loss.backward()
    optimizer.step()
    return loss.item()


def trainer(model, criterion, optimizer, dataloader, epochs=5):
    train_loss = []
    for epoch in range(1, epochs):
        epoch_loss = 0.0
        for X, y in dataloader:
            epoch_loss += train_step(model, criterion, optimizer, X, y)
        train_loss.append(epoch_loss / len(dataloader))
        print(f"epoch {epoch}: {train_loss[-1]:.4f}")
    return train_loss
