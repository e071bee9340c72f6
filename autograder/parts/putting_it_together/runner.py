"""Part 6, putting it together: the student's linear block and classifier, and the classifier trained on the digits.

Runs in the sandboxed child. Who may import it: :mod:`autograder.sandbox.runners` (for ``RUNNERS``, this module's table of runners).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from autograder.sandbox.capture import Generator, numbers, seed_torch
from autograder.sandbox.output import captured_stdout
from autograder.sandbox.runners.describe import kind_of, layer_summary, leaves_of, linear_layers


def run_linear_block(spec: dict, linear_block: Callable) -> dict:
    """The student's block: its layers, and its eval-mode output for known weights."""
    block = linear_block(spec["inputs"], spec["outputs"], p=spec["p"])
    report: dict[str, Any] = {"kind": kind_of(block), "is_sequential": isinstance(block, nn.Sequential)}
    if not isinstance(block, nn.Module):
        return report
    leaves = leaves_of(block)
    report["layers"] = layer_summary(leaves)
    report["children"] = [type(child).__name__ for child in block.children()]
    linears = linear_layers(leaves)
    if len(linears) == 1 and list(linears[0].weight.shape) == [spec["outputs"], spec["inputs"]]:
        with torch.no_grad():
            linears[0].weight.copy_(torch.tensor(spec["W"], dtype=torch.float32))
            linears[0].bias.copy_(torch.tensor(spec["b"], dtype=torch.float32))
        block.eval()
        with torch.no_grad():
            report["eval"] = numbers(block(torch.tensor(spec["X"], dtype=torch.float32)))
    return report


def run_classifier(spec: dict, classifier: Callable) -> dict:
    """The student's classifier: layers, blocks, and the shape of its output."""
    seed_torch(spec["seed"])
    model = classifier(spec["inputs"])
    report: dict[str, Any] = {"kind": kind_of(model), "is_module": isinstance(model, nn.Module)}
    if not isinstance(model, nn.Module):
        return report
    X = torch.tensor(spec["X"], dtype=torch.float32)
    report["layers"] = layer_summary(leaves_of(model, X))
    report["blocks"] = [[type(m).__name__ for m in child.children()] for child in model.modules() if isinstance(child, nn.Sequential)]
    model.eval()
    with torch.no_grad():
        out = model(X)
        again = model(X)
    report["output_shape"] = list(out.shape)
    # Both outputs, compared by the judge (checks), never here: a comparison made in this process can be made to lie.
    report["eval_outputs"] = [numbers(out), numbers(again)]
    return report


def run_digits(spec: dict, classifier: Callable, trainer: Callable) -> dict:
    """The whole of part 6: the student's classifier trained by the student's trainer on the digits the judge sent.

    The judge makes the data (``X_train``, ``y_train``, ``X_valid``, ``y_valid``: what the trainer learns and
    validates on) and sends it, with held-out images ``X_test`` whose labels it keeps: nothing here reads a
    data set, and no label of the images the accuracy is measured on is ever in this process. Besides what the
    trainer returns, reports the trained model's logits on ``X_test`` (eval mode, no graph), from which the judge
    computes the accuracy itself: a trainer that merely claims a high accuracy, or a model that peeks at labels,
    earns nothing.
    """
    X_train, X_valid, X_test = (torch.tensor(spec[key], dtype=torch.float32) for key in ("X_train", "X_valid", "X_test"))
    y_train, y_valid = (torch.tensor(spec[key], dtype=torch.int64) for key in ("y_train", "y_valid"))
    seed_torch(spec["seed"])
    model = classifier(int(np.prod(X_train.shape[1:])))
    optimizer = torch.optim.Adam(model.parameters(), lr=spec["lr"])
    shuffle = Generator().manual_seed(spec["seed"])
    trainloader = DataLoader(TensorDataset(X_train, y_train), batch_size=spec["batch_size"], shuffle=True, generator=shuffle)
    validloader = DataLoader(TensorDataset(X_valid, y_valid), batch_size=spec["batch_size"])
    with captured_stdout() as out:
        history = trainer(
            model, nn.BCEWithLogitsLoss(), optimizer, trainloader, validloader, epochs=spec["epochs"], patience=spec["epochs"]
        )
        model.eval()
        with torch.no_grad():
            logits = model(X_test.flatten(start_dim=1))
    test_logits = numbers(logits) if isinstance(logits, torch.Tensor) else None
    return {"returned": history, "stdout": out.text(), "test_logits": test_logits}


# The runners a scenario of this part may name (autograder.sandbox.runners assembles every part's into one table).
RUNNERS: dict[str, Callable[..., dict]] = {"linear_block": run_linear_block, "classifier": run_classifier, "digits": run_digits}
