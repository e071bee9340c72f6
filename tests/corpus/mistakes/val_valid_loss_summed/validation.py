import torch


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    train_loss, valid_loss = [], []
    for epoch in range(epochs):
        model.train()
        total = 0.0
        for X, y in trainloader:
            optimizer.zero_grad()
            loss = criterion(model(X).flatten(), y)
            loss.backward()
            optimizer.step()
            total += loss.item()
        train_loss.append(total / len(trainloader))

        model.eval()
        val_total = 0.0
        with torch.no_grad():
            for X, y in validloader:
                val_total += criterion(model(X).flatten(), y).item()
        valid_loss.append(val_total)  # total validation loss of the epoch
        model.train()
    return train_loss, valid_loss
