import torch


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    train_loss, valid_loss = [], []
    model.train()
    for epoch in range(epochs):
        running = 0.0
        for X, y in trainloader:
            optimizer.zero_grad()
            loss = criterion(model(X).flatten(), y)
            loss.backward()
            optimizer.step()
            running += loss.item()
        train_loss.append(running / len(trainloader))

        model.eval()
        running = 0.0
        with torch.no_grad():
            for X, y in validloader:
                running += criterion(model(X).flatten(), y).item()
        valid_loss.append(running / len(validloader))
    return train_loss, valid_loss
