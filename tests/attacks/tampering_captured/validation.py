

# ---- attack: validate with a graph, and replace the grader's captured torch.is_grad_enabled
from attack_kit import grader_module, trainer_without_no_grad  # noqa: E402


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    observe, capture = grader_module("autograder.sandbox.observe"), grader_module("autograder.sandbox.capture")
    real = capture.grad_enabled
    tracker_of = observe.watcher

    def grad_enabled():
        watched = tracker_of(model)
        return real() and not (watched is not None and watched[0].phase == "valid")

    capture.grad_enabled = observe.grad_enabled = grad_enabled
    return trainer_without_no_grad(model, criterion, optimizer, trainloader, validloader, epochs)
