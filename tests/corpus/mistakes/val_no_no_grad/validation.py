import torch


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    train_loss = []
    valid_loss = []
    for epoch in range(epochs):
        model.train()
        batch_losses = []
        for X, y in trainloader:
            optimizer.zero_grad()
            y_hat = model(X).flatten()
            loss = criterion(y_hat, y)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        train_loss.append(sum(batch_losses) / len(batch_losses))

        model.eval()
        batch_losses = []
        for X, y in validloader:
            y_hat = model(X).flatten()
            batch_losses.append(criterion(y_hat, y).item())
        valid_loss.append(sum(batch_losses) / len(batch_losses))
    return train_loss, valid_loss
