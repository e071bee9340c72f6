

# ---- attack: validate with a graph, and rewrite the tracker so that it sees none
from attack_kit import grader_module, trainer_without_no_grad  # noqa: E402


def _saw_forward(self, training):
    key = f"{self.phase}:{'train' if training else 'eval'}:nograd"  # "no graph", whatever grad mode says
    self.forwards[key] = self.forwards.get(key, 0) + 1


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    grader_module("autograder.sandbox.observe").Tracker.saw_forward = _saw_forward
    return trainer_without_no_grad(model, criterion, optimizer, trainloader, validloader, epochs)
