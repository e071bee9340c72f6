import torch


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5, patience=5):
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
        train_loss.append(sum(batch_losses) / len(trainloader))

        model.eval()
        with torch.no_grad():
            batch_losses = [criterion(model(X).flatten(), y).item() for X, y in validloader]
        model.train()
        valid_loss.append(sum(batch_losses) / len(validloader))

        # stop when the last `patience` epochs were all increases over the epoch before each
        recent = valid_loss[-(patience + 1):]
        if len(recent) == patience + 1 and all(later > earlier for earlier, later in zip(recent, recent[1:])):
            print(f"Stopped early at epoch {len(valid_loss)} - val loss increased for {patience} consecutive epochs!")
            break
    return train_loss, valid_loss
