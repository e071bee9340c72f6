

# ---- attack: train honestly, then return a function instead of the curves
_honest_trainer = trainer


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    _honest_trainer(model, criterion, optimizer, trainloader, validloader, epochs)
    return lambda: "the curves are whatever you want them to be"
