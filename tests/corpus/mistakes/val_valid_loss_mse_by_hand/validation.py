import torch
import torch.nn.functional as F


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
        total = 0.0
        with torch.no_grad():
            for X, y in validloader:
                total += F.mse_loss(model(X).flatten(), y).item()  # the validation error, as a mean squared error
        valid_loss.append(total / len(validloader))
        model.train()
    return train_loss, valid_loss
