import torch


def train_step(model, criterion, optimizer, X, y):
    optimizer.zero_grad(set_to_none=False)
    out = model.forward(X).view(-1)
    loss = criterion(out, y)
    loss.backward()
    optimizer.step()
    return loss.item()


def trainer(model, criterion, optimizer, dataloader, epochs=5):
    train_loss = []
    for epoch in range(epochs):
        model.train()
        losses = torch.tensor([train_step(model, criterion, optimizer, X, y) for X, y in dataloader], dtype=torch.float64)
        train_loss.append(losses.mean().item())
    return train_loss
