

# ---- attack: train honestly, then return NaN and infinity as the curves
_honest_trainer = trainer


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5, patience=5):
    train_loss, valid_loss = _honest_trainer(model, criterion, optimizer, trainloader, validloader, epochs, patience)
    return [float("nan")] * len(train_loss), [float("inf")] * len(valid_loss)
