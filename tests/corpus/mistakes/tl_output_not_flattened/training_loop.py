def train_step(model, criterion, optimizer, X, y):
    optimizer.zero_grad()
    out = model(X)  # one prediction per sample
    loss = criterion(out, y)
    loss.backward()
    optimizer.step()
    return loss.item()


def trainer(model, criterion, optimizer, dataloader, epochs=5):
    losses = []
    for _ in range(epochs):
        running = 0.0
        for X, y in dataloader:
            running += train_step(model, criterion, optimizer, X, y)
        losses.append(running / len(dataloader))
    return losses
