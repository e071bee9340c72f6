import torch


def run_epoch(model, criterion, optimizer, loader):
    total = 0.0
    for X, y in loader:
        optimizer.zero_grad()
        loss = criterion(model(X).flatten(), y)
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total / len(loader)


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    train_loss, valid_loss = [], []
    for epoch in range(epochs):
        model.train()
        train_loss.append(run_epoch(model, criterion, optimizer, trainloader))
        model.eval()
        valid_loss.append(run_epoch(model, criterion, optimizer, validloader))
    return train_loss, valid_loss
