"""The student API: the modules and functions students write, and their signatures.

This is the contract between students, graders and instructors' material;
tests check that ``solutions/`` and ``exercises/`` match it exactly.
"""

from __future__ import annotations

# Graded modules, in the order of the chapter. Each maps to the functions a
# student writes there and their parameter lists (name, or name=default).
STUDENT_API: dict[str, dict[str, tuple[str, ...]]] = {
    "backprop": {
        "sigmoid": ("z",),
        "forward_pass": ("x", "y", "params"),
        "backward_pass": ("x", "y", "params"),
        "network_gradients": ("X", "y", "W1", "b1", "W2", "b2"),
        "numerical_gradient": ("f", "x", "h=1e-05"),
        "sgd_step": ("params", "grads", "lr"),
    },
    "training_loop": {
        "train_step": ("model", "criterion", "optimizer", "X", "y"),
        "trainer": ("model", "criterion", "optimizer", "dataloader", "epochs=5"),
    },
    "validation": {
        "trainer": ("model", "criterion", "optimizer", "trainloader", "validloader", "epochs=5"),
    },
    "early_stopping": {
        "trainer": ("model", "criterion", "optimizer", "trainloader", "validloader", "epochs=5", "patience=5"),
    },
    "regularization": {
        "dropout": ("x", "p=0.5", "training=True"),
        "l2_penalty": ("model", "lam"),
        "network": ("input_size", "hidden_size", "output_size", "p=0.5"),
    },
    "putting_it_together": {
        "linear_block": ("input_size", "output_size", "p=0.1"),
        "classifier": ("input_size",),
        "trainer": (
            "model",
            "criterion",
            "optimizer",
            "trainloader",
            "validloader",
            "epochs=5",
            "patience=5",
            "verbose=False",
        ),
    },
}

GRADED_MODULES: tuple[str, ...] = tuple(STUDENT_API)

# Provided files that come with the exercises unchanged (no stubs inside).
PROVIDED_MODULES: tuple[str, ...] = ("chapter",)
