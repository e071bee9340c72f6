

# ---- attack: validate with a graph, then walk up the stack to the harness's frame and rewrite its tracker's records
import sys

from attack_kit import trainer_without_no_grad  # noqa: E402


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    curves = trainer_without_no_grad(model, criterion, optimizer, trainloader, validloader, epochs)
    frame = sys._getframe(1)
    while frame is not None:  # the scenario runner that called this trainer keeps its tracker in a local variable
        tracker = frame.f_locals.get("tracker")
        forwards = getattr(tracker, "forwards", None)
        if isinstance(forwards, dict):
            for key in [k for k in forwards if k.startswith("valid:") and k.endswith(":grad")]:
                hidden = key[: -len("grad")] + "nograd"  # "valid:eval:grad" -> "valid:eval:nograd"
                forwards[hidden] = forwards.get(hidden, 0) + forwards.pop(key)
        frame = frame.f_back
    return curves
