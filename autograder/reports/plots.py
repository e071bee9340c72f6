"""The pictures of a feedback report, drawn with matplotlib's Agg backend into PNG bytes.

Each function takes plain data (a test's recorded details) and returns PNG
bytes; nothing here knows about the grader.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

READABLE = {
    "train_loss": "training loss",
    "valid_loss": "validation loss",
    "train_accuracy": "training accuracy",
    "valid_accuracy": "validation accuracy",
}
COLOURS = {"train": "#1f77b4", "valid": "#d62728"}
SIZE = (7.0, 3.2)  # inches; at 100 dpi a curves picture is 700 x 320 pixels
DPI = 100


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    plt.close(figure)
    return buffer.getvalue()


def curves_png(detail: dict) -> bytes:
    """The student's curves (solid) over the reference's (dashed), losses left and accuracies right.

    ``detail``: {"student": {name: [floats]}, "reference": {name: [floats]} or None,
    "stopped": {"student": epoch or None, "reference": epoch or None}, "title": str}.
    """
    student, reference = detail["student"], detail.get("reference") or {}
    groups = [[n for n in ("train_loss", "valid_loss") if n in student], [n for n in ("train_accuracy", "valid_accuracy") if n in student]]
    groups = [group for group in groups if group]
    figure, axes = plt.subplots(1, len(groups), figsize=SIZE, squeeze=False)
    for axis, names in zip(axes[0], groups):
        for name in names:
            colour = COLOURS[name.split("_")[0]]
            epochs = range(1, len(student[name]) + 1)
            axis.plot(epochs, student[name], color=colour, marker="o", markersize=3, label=f"yours: {READABLE[name]}")
            if name in reference:
                axis.plot(
                    range(1, len(reference[name]) + 1),
                    reference[name],
                    color=colour,
                    linestyle="--",
                    alpha=0.7,
                    label=f"reference: {READABLE[name]}",
                )
        stopped = detail.get("stopped") or {}
        if stopped.get("student"):
            axis.axvline(stopped["student"], color="black", linewidth=1, label=f"you stopped: epoch {stopped['student']}")
        if stopped.get("reference"):
            axis.axvline(
                stopped["reference"], color="grey", linestyle=":", linewidth=1.5, label=f"reference stopped: epoch {stopped['reference']}"
            )
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.set_xlabel("epoch")
        axis.set_ylabel("loss" if "loss" in names[0] else "accuracy")
        axis.grid(alpha=0.3)
        axis.legend(fontsize=7)
    figure.suptitle(detail.get("title", ""), fontsize=10)
    figure.tight_layout()
    return _png(figure)


def dropout_png(detail: dict) -> bytes:
    """Bars of the fraction of zeros and the survivors' scale: the student's function against the expected values.

    ``detail``: {"p": float, "zero_fraction": {"student", "expected"}, "scale": {"student", "expected"}}.
    """
    figure, axes = plt.subplots(1, 2, figsize=SIZE)
    for axis, key, label in ((axes[0], "zero_fraction", "fraction of zeros"), (axes[1], "scale", "survivors / x")):
        values = detail[key]
        bars = axis.bar(["yours", "expected"], [values["student"] or 0.0, values["expected"]], color=["#1f77b4", "#aaaaaa"])
        axis.bar_label(bars, fmt="%.3f")
        axis.set_title(label, fontsize=9)
    figure.suptitle(f"dropout with p = {detail['p']}", fontsize=10)
    figure.tight_layout()
    return _png(figure)


def histogram_png(totals: list[float]) -> bytes:
    """The class's scores in bins of 10 points."""
    figure, axis = plt.subplots(figsize=SIZE)
    axis.hist(totals, bins=range(0, 111, 10), color="#1f77b4", edgecolor="white")
    axis.set_xlabel("score")
    axis.set_ylabel("students")
    axis.set_xlim(0, 110)
    axis.set_title(f"{len(totals)} submissions", fontsize=10)
    figure.tight_layout()
    return _png(figure)
