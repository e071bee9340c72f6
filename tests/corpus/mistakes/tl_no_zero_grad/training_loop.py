import torch


def train_step(model, criterion, optimizer, X, y):
    model.train()
    prediction = model(X).flatten()
    loss = criterion(prediction, y)
    loss.backward()
    optimizer.step()
    return loss.item()


def trainer(model, criterion, optimizer, dataloader, epochs=5):
    history = []
    for epoch in range(epochs):
        running = 0.0
        for X, y in dataloader:
            running += train_step(model, criterion, optimizer, X, y)
        history.append(running / len(dataloader))
    return history
