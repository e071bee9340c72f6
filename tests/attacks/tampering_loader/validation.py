

# ---- attack: validate with a graph, and make the grader's validation loader start no validation phase
from attack_kit import grader_module, trainer_without_no_grad  # noqa: E402


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    observe = grader_module("autograder.sandbox.observe")
    plain_iter = observe.DataLoader.__iter__
    honest_iter = observe.TrackedLoader.__iter__

    def quiet_iter(loader):
        if loader is validloader:  # no enter("valid"), no leave: its forwards land outside any pass
            return plain_iter(loader)
        return honest_iter(loader)

    observe.TrackedLoader.__iter__ = quiet_iter
    return trainer_without_no_grad(model, criterion, optimizer, trainloader, validloader, epochs)
