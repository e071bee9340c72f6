import torch


def train_one_epoch(model, criterion, optimizer, loader):
    model.train()
    total = 0.0
    for X, y in loader:
        optimizer.zero_grad()
        loss = criterion(model(X).flatten(), y)
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total / len(loader)


@torch.no_grad()
def evaluate(model, criterion, loader):
    model.eval()
    losses = [criterion(model(X).flatten(), y).item() for X, y in loader]
    model.train()
    return sum(losses) / len(losses)


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    train_loss, valid_loss = [], []
    for _ in range(epochs):
        train_loss.append(train_one_epoch(model, criterion, optimizer, trainloader))
        valid_loss.append(evaluate(model, criterion, validloader))
    return train_loss, valid_loss
