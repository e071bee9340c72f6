import torch


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    train_loss, valid_loss = [], []
    for epoch in range(epochs):
        model.train()
        batch_losses = []
        for X, y in trainloader:
            optimizer.zero_grad()
            loss = criterion(model(X).flatten(), y)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        train_loss.append(sum(batch_losses) / len(batch_losses))

        model.eval()
        seen, weighted = 0, 0.0
        with torch.no_grad():
            for X, y in validloader:
                # weight each batch by its size so that the last, smaller batch counts less
                weighted += criterion(model(X).flatten(), y).item() * X.shape[0]
                seen += X.shape[0]
        valid_loss.append(weighted / seen)
        model.train()
    return train_loss, valid_loss
