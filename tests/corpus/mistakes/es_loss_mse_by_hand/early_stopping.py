import torch
from torch import nn

mse = nn.MSELoss()


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5, patience=5):
    train_loss, valid_loss = [], []
    counter = 0
    for epoch in range(epochs):
        model.train()
        running = 0.0
        for X, y in trainloader:
            optimizer.zero_grad()
            loss = mse(model(X).flatten(), y)
            loss.backward()
            optimizer.step()
            running += loss.item()
        train_loss.append(running / len(trainloader))

        model.eval()
        running = 0.0
        with torch.no_grad():
            for X, y in validloader:
                running += mse(model(X).flatten(), y).item()
        valid_loss.append(running / len(validloader))
        model.train()

        if epoch > 0 and valid_loss[-1] > valid_loss[-2]:
            counter += 1
        else:
            counter = 0
        if counter == patience:
            print(f"Stopped early at epoch {epoch + 1} - val loss increased for {counter} consecutive epochs!")
            break
    return train_loss, valid_loss
