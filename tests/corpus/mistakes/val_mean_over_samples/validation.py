import torch


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    train_loss, valid_loss = [], []
    for epoch in range(epochs):
        model.train()
        epoch_loss = 0.0
        for X, y in trainloader:
            optimizer.zero_grad()
            loss = criterion(model(X).flatten(), y)
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item()
        train_loss.append(epoch_loss / len(trainloader))

        model.eval()
        epoch_loss = 0.0
        with torch.no_grad():
            for X, y in validloader:
                epoch_loss += criterion(model(X).flatten(), y).item()
        valid_loss.append(epoch_loss / len(validloader.dataset))
        model.train()
    return train_loss, valid_loss
