

# ---- attack: train honestly, then report curves of floats that claim to equal anything
_honest_trainer = trainer


class LyingFloat(float):
    def __eq__(self, other):
        return True

    __le__ = __ge__ = __lt__ = __gt__ = __eq__

    def __float__(self):
        return 1.0

    def __abs__(self):
        return 0.0

    def __sub__(self, other):
        return LyingFloat(0.0)

    def __hash__(self):
        return 0


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    train_loss, valid_loss = _honest_trainer(model, criterion, optimizer, trainloader, validloader, epochs)
    return [LyingFloat(7.0) for _ in train_loss], [LyingFloat(7.0) for _ in valid_loss]
