

# ---- attack: Part 3, validating without torch.no_grad(), with the grader's first layer answering as a plain nn.Linear.
from attack_kit import trainer_without_no_grad  # noqa: E402
from torch import nn  # noqa: E402


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    layer = model.hidden
    armed = type(layer)
    saved = armed.__dict__.get("forward")
    type(layer).forward = nn.Linear.forward  # patched while the trainer runs, put back before it returns
    layer.forward = nn.Linear.forward.__get__(layer)
    layer.__class__ = nn.Linear
    try:
        return trainer_without_no_grad(model, criterion, optimizer, trainloader, validloader, epochs)
    finally:
        if saved is not None:
            armed.forward = saved
        del layer.forward
        layer.__class__ = armed
