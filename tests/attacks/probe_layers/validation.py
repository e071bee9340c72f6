

# ---- attack: Part 3, validating without torch.no_grad(), through the model's layers called one by one.
import torch  # noqa: E402


def _by_hand(model, X):
    # The model's own computation in eval mode (dropout is the identity there), without the model's forward.
    return model.output(torch.sigmoid(model.hidden(X)))


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    train_loss, valid_loss = [], []
    for _ in range(epochs):
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
        for X, y in validloader:  # no torch.no_grad()
            total += criterion(_by_hand(model, X).flatten(), y).item()
        valid_loss.append(total / len(validloader))
        model.train()
    return train_loss, valid_loss
