import torch
from torch import nn


def linear_block(input_size, output_size, p=0.1):
    layers = [nn.Linear(input_size, output_size), nn.LeakyReLU(), nn.Dropout(p)]
    return nn.Sequential(*layers)


def classifier(input_size):
    model = nn.Sequential()
    for i, (a, b) in enumerate([(input_size, 32), (32, 16), (16, 8)]):
        model.add_module(f"block{i}", linear_block(a, b))
    model.add_module("logit", nn.Linear(8, 1))
    return model


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5, patience=5, verbose=False):
    out = {"train_loss": [], "valid_loss": [], "train_accuracy": [], "valid_accuracy": []}
    rising = 0
    for epoch in range(epochs):
        model.train()
        losses, accs = [], []
        for images, labels in trainloader:
            optimizer.zero_grad()
            logits = model(images.view(images.shape[0], -1)).view(-1)
            loss = criterion(logits, labels.float())
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            accs.append((torch.round(torch.sigmoid(logits)) == labels).float().mean().item())
        out["train_loss"].append(sum(losses) / len(losses))
        out["train_accuracy"].append(sum(accs) / len(accs))

        model.eval()
        losses, accs = [], []
        with torch.no_grad():
            for images, labels in validloader:
                logits = model(images.view(images.shape[0], -1)).view(-1)
                losses.append(criterion(logits, labels.float()).item())
                accs.append((torch.round(torch.sigmoid(logits)) == labels).float().mean().item())
        out["valid_loss"].append(sum(losses) / len(losses))
        out["valid_accuracy"].append(sum(accs) / len(accs))

        if verbose:
            print(
                f"[{epoch + 1:3d}/{epochs}] loss {out['train_loss'][-1]:.4f} / {out['valid_loss'][-1]:.4f}"
                f"  accuracy {100 * out['train_accuracy'][-1]:.1f}% / {100 * out['valid_accuracy'][-1]:.1f}%"
            )
        if epoch >= 1:
            rising = rising + 1 if out["valid_loss"][-1] > out["valid_loss"][-2] else 0
        if rising == patience:
            print(f"Stopped early at epoch {epoch + 1} - val loss increased for {rising} consecutive epochs!")
            break
    return out
