import torch


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    history = {"train": [], "valid": []}
    for epoch in range(1, epochs + 1):
        model.train(True)
        running = 0.0
        for batch, (X, y) in enumerate(trainloader, start=1):
            optimizer.zero_grad()
            loss = criterion(model(X).squeeze(), y)
            loss.backward()
            optimizer.step()
            running += loss.item()
        history["train"].append(running / batch)

        model.train(False)
        with torch.inference_mode():
            running = sum(criterion(model(X).squeeze(1), y).item() for X, y in validloader)
        history["valid"].append(running / len(validloader))
    return history["train"], history["valid"]
