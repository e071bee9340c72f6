import torch


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5, patience=5):
    train_loss, valid_loss = [], []
    count = 0
    for epoch in range(epochs):
        model.train()
        running = 0.0
        for X, y in trainloader:
            optimizer.zero_grad()
            loss = criterion(model(X).flatten(), y)
            loss.backward()
            optimizer.step()
            running += loss.item()
        epoch_train = running / len(trainloader)

        model.eval()
        running = 0.0
        with torch.no_grad():
            for X, y in validloader:
                running += criterion(model(X).flatten(), y).item()
        epoch_valid = running / len(validloader)
        model.train()

        if valid_loss and epoch_valid > valid_loss[-1]:
            count += 1
        else:
            count = 0
        if count == patience:
            print(f"Stopped early at epoch {epoch + 1} - val loss increased for {count} consecutive epochs!")
            break
        train_loss.append(epoch_train)
        valid_loss.append(epoch_valid)
    return train_loss, valid_loss
