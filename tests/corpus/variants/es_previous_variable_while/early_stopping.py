import torch


def _train(model, criterion, optimizer, loader):
    model.train()
    total = 0.0
    for X, y in loader:
        optimizer.zero_grad()
        loss = criterion(model(X).view(-1), y)
        loss.backward()
        optimizer.step()
        total += loss.item()
    return total / len(loader)


def _validate(model, criterion, loader):
    model.eval()
    with torch.no_grad():
        total = sum(criterion(model(X).view(-1), y).item() for X, y in loader)
    model.train()
    return total / len(loader)


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5, patience=5):
    train_loss, valid_loss = [], []
    previous = None
    streak = 0
    epoch = 0
    while epoch < epochs and streak < patience:
        epoch += 1
        train_loss.append(_train(model, criterion, optimizer, trainloader))
        current = _validate(model, criterion, validloader)
        valid_loss.append(current)
        streak = streak + 1 if previous is not None and current > previous else 0
        previous = current
    if streak >= patience:
        print(f"Stopped early at epoch {epoch} - val loss increased for {streak} consecutive epochs!")
    return train_loss, valid_loss
