

# ---- attack: Part 3, validating without torch.no_grad(), and switching off whatever looks like a probe on the model.

import torch  # noqa: E402
from attack_kit import trainer_without_no_grad  # noqa: E402


def _silence(model):
    # Every attribute that looks like the grader's probe switch, on the model and its layers: cleared.
    for module in model.modules():
        for name in list(vars(module)):
            if "probe" in name or "armed" in name or "keys" in name:
                setattr(module, name, None)
    model.probe = None
    model.probe_keys = torch.zeros(0, dtype=torch.int64)


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    _silence(model)
    return trainer_without_no_grad(model, criterion, optimizer, trainloader, validloader, epochs)
