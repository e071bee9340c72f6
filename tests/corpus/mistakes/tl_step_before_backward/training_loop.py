import torch


def train_step(model, criterion, optimizer, X, y):
    optimizer.zero_grad()
    predictions = model(X).flatten()
    loss = criterion(predictions, y)
    # update the weights, then backpropagate the loss
    optimizer.step()
    loss.backward()
    return loss.item()


def trainer(model, criterion, optimizer, dataloader, epochs=5):
    history = []
    for epoch in range(epochs):
        epoch_loss = 0.0
        for X, y in dataloader:
            epoch_loss += train_step(model, criterion, optimizer, X, y)
        history.append(epoch_loss / len(dataloader))
    return history
