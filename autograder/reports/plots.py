"""The pictures of a feedback report, drawn with matplotlib's Agg backend into PNG bytes.

Each function takes plain data (a test's recorded details) and returns PNG
bytes; nothing here knows about the grader.
"""

from __future__ import annotations

import functools
import io
import json
import math

from matplotlib.figure import Figure
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


def _fixed_margins(figure) -> None:
    # tight_layout measures every text box and costs more than drawing: fixed margins that fit these
    # pictures' labels make a class's reports about twice as fast.
    figure.subplots_adjust(left=0.09, right=0.98, bottom=0.16, top=0.86, wspace=0.28)


def cached(draw):
    """Draw each distinct picture once: the same details (a right student's curves, say) give the same bytes."""

    @functools.lru_cache(maxsize=64)
    def from_text(text: str) -> bytes:
        return draw(json.loads(text))

    @functools.wraps(draw)
    def wrapper(detail: dict) -> bytes:
        return from_text(json.dumps(detail, sort_keys=True))

    return wrapper


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _finite(curves: dict) -> dict:
    """The curves with every value that is not a finite number drawn as a gap (an infinite loss has no place on an axis)."""
    return {name: [v if isinstance(v, (int, float)) and math.isfinite(v) else math.nan for v in values] for name, values in curves.items()}


@cached
def curves_png(detail: dict) -> bytes:
    """The student's curves (solid) over the reference's (dashed), losses left and accuracies right.

    ``detail``: {"student": {name: [floats]}, "reference": {name: [floats]} or None,
    "stopped": {"student": epoch or None, "reference": epoch or None}, "title": str}.
    """
    student, reference = _finite(detail["student"]), _finite(detail.get("reference") or {})
    groups = [[n for n in ("train_loss", "valid_loss") if n in student], [n for n in ("train_accuracy", "valid_accuracy") if n in student]]
    groups = [group for group in groups if group]
    figure = Figure(figsize=SIZE)
    axes = figure.subplots(1, len(groups), squeeze=False)
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
    _fixed_margins(figure)
    return _png(figure)


@cached
def dropout_png(detail: dict) -> bytes:
    """Bars of the fraction of zeros and the survivors' scale: the student's function against the expected values.

    ``detail``: {"p": float, "zero_fraction": {"student", "expected"}, "scale": {"student", "expected"}}.
    """
    figure = Figure(figsize=SIZE)
    axes = figure.subplots(1, 2)
    for axis, key, label in ((axes[0], "zero_fraction", "fraction of zeros"), (axes[1], "scale", "survivors / x")):
        values = detail[key]
        bars = axis.bar(["yours", "expected"], [values["student"] or 0.0, values["expected"]], color=["#1f77b4", "#aaaaaa"])
        axis.bar_label(bars, fmt="%.3f")
        axis.margins(y=0.15)  # room above the bars for their labels
        axis.set_title(label, fontsize=9)
    figure.suptitle(f"dropout with p = {detail['p']}", fontsize=10)
    _fixed_margins(figure)
    return _png(figure)
