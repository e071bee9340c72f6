

# ---- attack: validate with a graph, and turn the grader's trackers into a lying subclass by assigning __class__
from attack_kit import grader_module, trainer_without_no_grad  # noqa: E402


def _lying_subclass(real):
    class Lying(real):  # the grader's Tracker, but every forward is recorded as made in eval mode without a graph
        def saw_forward(self, training):
            key = f"{self.phase}:eval:nograd"
            self.forwards[key] = self.forwards.get(key, 0) + 1

        def report(self):
            report = real.report(self)
            report["valid_param_changes"] = 0
            return report

    return Lying


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    watched = grader_module("autograder.sandbox.observe")._WATCHED  # which tracker watches the judge's model and loaders
    for _, tracker, _ in list(watched.values()):
        if not type(tracker).__name__ == "Lying":
            tracker.__class__ = _lying_subclass(type(tracker))
    return trainer_without_no_grad(model, criterion, optimizer, trainloader, validloader, epochs)
