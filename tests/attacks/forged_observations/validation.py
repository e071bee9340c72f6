

# ---- attack: validate WITH an autograd graph, and try to hide it from the grader's observations
import numpy as np


_REAL = (torch.is_grad_enabled, torch.is_inference_mode_enabled, torch.equal, np.array_equal)


def _lie():
    torch.is_grad_enabled = lambda: False  # "no graph here"
    torch.is_inference_mode_enabled = lambda: True
    torch.equal = lambda a, b: True  # "the weights never changed"
    np.array_equal = lambda a, b: True


def _stop_lying():
    torch.is_grad_enabled, torch.is_inference_mode_enabled, torch.equal, np.array_equal = _REAL


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    model.tracker = None  # the old place of the grader's tracker
    for name in ("tracker", "script", "role"):
        for loader in (trainloader, validloader):
            try:
                setattr(loader, name, None)
            except AttributeError:
                pass
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
        _lie()  # only while validating: torch's own optimizer consults is_grad_enabled
        for X, y in validloader:  # no torch.no_grad(): a graph is built
            total += criterion(model(X).flatten(), y).item()
        _stop_lying()
        valid_loss.append(total / len(validloader))
    return train_loss, valid_loss
