"""Part 6's rule for the classifier, shared by the hidden graders and the public checks: the docstring's network, exactly.

``classifier(input_size)`` is ``linear_block(input_size, 32)``, ``linear_block(32, 16)``,
``linear_block(16, 8)``, then a plain ``nn.Linear(8, 1)`` with no activation after it. The blocks are
judged as the student built them (their own ``linear_block``), so that a mistake inside the block
costs only the block's tests. Nothing here is secret: the stub's docstring says all of it.

Example:
    >>> widths(64)
    [(64, 32), (32, 16), (16, 8), (8, 1)]
"""

from __future__ import annotations

from autograder.judge.grading import GradingFailure, fail, result_of

MODULE = "putting_it_together"
BLOCK = ["Linear", "LeakyReLU", "Dropout"]
# Layers without weights that only reshape: a classifier may flatten its input itself.
RESHAPING = ("Flatten", "Unflatten", "Identity")


def widths(inputs: int) -> list[tuple[int, int]]:
    """The (in, out) features of the docstring network's Linear layers for ``inputs`` input features."""
    return [(inputs, 32), (32, 16), (16, 8), (8, 1)]


def check_architecture(report: dict, inputs: int, own_block: list[str] | None) -> None:
    """Fail unless the harness's ``report`` of ``classifier(inputs)`` is the docstring's network, built from
    ``BLOCK`` or from the student's own block layers ``own_block``."""
    layers = [layer for layer in report["layers"] if layer["type"] not in RESHAPING]
    kinds = [layer["type"] for layer in layers]
    found = [(layer["in_features"], layer["out_features"]) for layer in layers if layer["type"] == "Linear"]
    allowed = [BLOCK * 3 + ["Linear"]] + ([own_block * 3 + ["Linear"]] if own_block else [])
    if found != widths(inputs) or kinds not in allowed:
        shown = " -> ".join(f"{a}x{b}" for a, b in found) or "none"
        fail(
            f"classifier({inputs}) should be exactly the docstring's network: linear_block({inputs}, 32), linear_block(32, 16), "
            f"linear_block(16, 8), then a plain nn.Linear(8, 1) with no activation after it. Yours has {len(kinds)} layers "
            f"with weights and activations, and Linear layers of widths {shown}.",
            hint="nn.Sequential(linear_block(input_size, 32), linear_block(32, 16), linear_block(16, 8), nn.Linear(8, 1)).",
            module=MODULE,
        )


def own_block(submission, spec: dict) -> list[str] | None:
    """The layer types of the student's own linear_block on the harness's block ``spec`` (None if it gives no module)."""
    try:
        report = result_of(
            submission.scenario("linear_block", ["putting_it_together.linear_block"], spec), "putting_it_together.linear_block"
        )
    except GradingFailure:
        return None
    layers = report.get("layers")
    return [layer["type"] for layer in layers] if isinstance(layers, list) else None
