

# ---- attack: Part 3, validating without torch.no_grad(), with the grader's model answering through its plain class's forward.

from attack_kit import trainer_without_no_grad  # noqa: E402


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    armed = type(model)
    plain = type(model).__mro__[1]  # the class the probe's own class is made from
    saved = armed.__dict__.get("forward")
    type(model).forward = plain.forward  # patched while the trainer runs, put back before it returns
    model.forward = plain.forward.__get__(model)
    setattr(type(model), "_probed", lambda self, x, out: out)
    try:
        return trainer_without_no_grad(model, criterion, optimizer, trainloader, validloader, epochs)
    finally:
        if saved is not None:
            armed.forward = saved
        del model.forward
        model.__class__ = armed
