import torch


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    train_loss, valid_loss = [], []
    model.train()                      # once before the first epoch...
    for epoch in range(epochs):
        loss_sum = 0.0
        for X, y in trainloader:
            optimizer.zero_grad()
            loss = criterion(model(X).flatten(), y)
            loss.backward()
            optimizer.step()
            loss_sum += loss.item()
        train_loss.append(loss_sum / len(trainloader))

        model.eval()
        with torch.no_grad():
            loss_sum = 0.0
            for X, y in validloader:
                loss_sum += criterion(model(X).flatten(), y).item()
        valid_loss.append(loss_sum / len(validloader))
        model.train()                  # ...and again after every validation
    return train_loss, valid_loss
