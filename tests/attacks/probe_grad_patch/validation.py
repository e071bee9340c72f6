

# ---- attack: Part 3, validating without torch.no_grad(), with every 'grad enabled?' function of the grader saying no.

from attack_kit import grader_module, trainer_without_no_grad  # noqa: E402

_NAMES = ("autograder.sandbox.models", "autograder.sandbox.capture", "autograder.sandbox.observe")


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    modules = [grader_module(name) for name in _NAMES]
    saved = [(module, module.grad_enabled) for module in modules if hasattr(module, "grad_enabled")]
    for module, _ in saved:
        module.grad_enabled = lambda: False
    try:
        return trainer_without_no_grad(model, criterion, optimizer, trainloader, validloader, epochs)
    finally:
        for module, function in saved:
            module.grad_enabled = function
