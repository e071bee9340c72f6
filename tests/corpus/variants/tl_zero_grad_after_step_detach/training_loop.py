import torch


def train_step(model, criterion, optimizer, X, y):
    predictions = model(X).squeeze(-1)
    loss = criterion(predictions, y)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()   # leave clean gradients for the next batch
    return loss.detach().item()


def trainer(model, criterion, optimizer, dataloader, epochs=5):
    history = []
    epoch = 0
    while epoch < epochs:
        batches, total = 0, 0.0
        for X, y in iter(dataloader):
            total += train_step(model, criterion, optimizer, X, y)
            batches += 1
        history.append(total / batches)
        epoch += 1
    return history
