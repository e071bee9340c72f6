

# ---- attack: claim perfect curves and infinite accuracy without training at all
def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5, patience=5, verbose=False):
    return {
        "train_loss": [0.0] * epochs,
        "valid_loss": [0.0] * epochs,
        "train_accuracy": [1e308] * epochs,
        "valid_accuracy": [float("inf")] * epochs,
    }
