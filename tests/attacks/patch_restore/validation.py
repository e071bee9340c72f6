

# ---- attack: validate with a graph, with the grader's sealed code patched while the trainer runs, and put back
from attack_kit import trainer_without_no_grad  # noqa: E402

from autograder.sandbox import capture, observe  # noqa: E402  (already loaded in the child: the grader's own modules)


def _saw_forward(self, training):  # every forward recorded as made without a graph
    key = f"{self.phase}:{'train' if training else 'eval'}:nograd"
    self.forwards[key] = self.forwards.get(key, 0) + 1


def _no_graph():
    return False


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    saved = (observe.Tracker.saw_forward, observe.grad_enabled, capture.grad_enabled)
    observe.Tracker.saw_forward, observe.grad_enabled, capture.grad_enabled = _saw_forward, _no_graph, _no_graph
    try:
        return trainer_without_no_grad(model, criterion, optimizer, trainloader, validloader, epochs)
    finally:  # everything put back before the trainer returns: the tamper check after the call finds it all sealed
        observe.Tracker.saw_forward, observe.grad_enabled, capture.grad_enabled = saved
