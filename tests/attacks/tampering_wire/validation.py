

# ---- attack: validate with a graph, and rewrite the observations as the wire encodes them
from attack_kit import grader_module, trainer_without_no_grad  # noqa: E402


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    wire = grader_module("autograder.sandbox.wire")
    real_encode = wire.encode

    def encode(value, blobs, depth=0):
        if type(value) is dict and "forwards" in value:
            value = {**value, "forwards": {key.replace(":grad", ":nograd"): n for key, n in value["forwards"].items()}}
        return real_encode(value, blobs, depth)

    wire.encode = encode
    return trainer_without_no_grad(model, criterion, optimizer, trainloader, validloader, epochs)
