"""The class dashboard as one self-contained HTML page (inline CSS, SVG and a little JavaScript; no network).

It draws the plain data of :func:`autograder.reports.dashboard.class_data`: who needs a look, the
misconceptions ranked by students, parts not handed in, failed tests without a diagnosis, each test's
pass rate and discrimination, the students x tests grid (sortable by clicking a heading), the per-part
means and the score histogram. This module only shapes that data for the page (numbers formatted, each
cell's look and sort key); the markup is ``templates/dashboard.html.j2``, whose engine escapes every piece
of text (student names are folder names and diagnoses may quote code).

Example::

    html = dashboard_html(class_data(read_reports(out_dir, students)))
"""

from __future__ import annotations

from autograder.reports import dashboard as d
from autograder.reports.templating import render

# Each cell state's CSS class and the one character drawn in it.
CELL_LOOK = {
    d.PASSED: ("c-passed", "✓"),
    d.DIAGNOSED: ("c-diagnosed", "●"),
    d.FAILED: ("c-failed", "✗"),
    d.NOT_HANDED_IN: ("c-missing", "–"),
    d.GRADER_ERROR: ("c-error", "!"),
    d.NOT_GRADED: ("c-none", "·"),
    d.NOT_LOADED: ("c-unloaded", "∅"),
}
# Sorting a test's column puts the students who need attention there first.
FOLD_AFTER = 10  # failed tests without a diagnosis listed openly; more are folded
CELL_RANK = {d.GRADER_ERROR: 0, d.NOT_LOADED: 1, d.DIAGNOSED: 2, d.FAILED: 3, d.NOT_HANDED_IN: 4, d.NOT_GRADED: 5, d.PASSED: 6}


def _number(value: float | None, digits: int = 2, unit: str = "") -> dict[str, str]:
    """A figure that may be undefined: the text shown and its sort key ("n/a" sorts first)."""
    if value is None:
        return {"text": "n/a", "key": "-9"}
    return {"text": f"{value:.{digits}f}{unit}", "key": f"{value:.6f}"}


def _linked(names: list[str], links: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": name, "link": links[name]} for name in names]


def _tests_view(data: dict) -> list[dict]:
    tests = []
    for number, test in enumerate(data["tests"], 1):
        rate = None if test["pass_rate"] is None else 100 * test["pass_rate"]
        tests.append(
            {
                "number": number,
                "name": test["name"],
                "points": f"{test['max_points']:g}",
                "counted": test["counted"],
                "rate": {**_number(rate, 0, " %"), "column": f"{-1 if test['pass_rate'] is None else test['pass_rate']:.6f}"},
                "discrimination": _number(test["discrimination"]),
                "flags": test["flags"],
            }
        )
    return tests


def _grid_view(data: dict) -> list[dict]:
    rows = []
    for student in data["students"]:
        name, cells = student["name"], []
        for test in data["tests"]:
            state = data["grid"][name].get(test["name"], d.NOT_GRADED)
            css, mark = CELL_LOOK[state]
            tip = f"{name}, {test['name']}: {state}" + "".join(f"\n{s}" for s in data["says"][name].get(test["name"], []))
            cells.append({"css": css, "mark": mark, "rank": CELL_RANK[state], "state": state, "tip": tip})
        rows.append({"name": name, "link": student["link"], "total": f"{student['total']:g}", "cells": cells})
    return rows


def _parts_view(data: dict) -> list[dict]:
    return [
        {
            "title": entry["title"],
            "mean": f"{entry['mean']:.1f}",
            "max": f"{entry['max']:g}",
            "handed_in": entry["handed_in"],
            "mean_handed_in": "n/a" if entry["mean_handed_in"] is None else f"{entry['mean_handed_in']:.1f}",
        }
        for entry in data["parts"]
    ]


def histogram_view(bins: list[dict], width: int = 640, height: int = 240) -> dict:
    """The histogram's geometry: bars of whole students per bin, the y axis in whole students (integer ticks only).

    >>> view = histogram_view([{"label": "0-9 %", "count": 3}])
    >>> [tick["value"] for tick in view["ticks"]], view["bars"][0]["short_label"]
    ([0, 1, 2, 3], '0-9')
    """
    left, bottom, top = 40, 40, 15
    peak = max((b["count"] for b in bins), default=0) or 1
    step = max(1, -(-peak // 6))  # at most about 6 ticks, each a whole number of students
    ticks = list(range(0, peak + step, step))
    scale = (height - bottom - top) / ticks[-1]
    slot = (width - left - 10) / max(len(bins), 1)
    bars = []
    for index, entry in enumerate(bins):
        x, h = left + index * slot, entry["count"] * scale
        bars.append(
            {
                "count": entry["count"],
                "label": entry["label"],
                "short_label": entry["label"].replace(" %", ""),
                "x": f"{x + 2:.1f}",
                "y": f"{height - bottom - h:.1f}",
                "width": f"{slot - 4:.1f}",
                "height": f"{h:.1f}",
                "label_x": f"{x + slot / 2:.1f}",
            }
        )
    return {
        "width": width,
        "height": height,
        "left": left,
        "top": top,
        "baseline": height - bottom,
        "grid_from": left - 4,
        "grid_to": width - 10,
        "tick_x": left - 8,
        "ticks": [
            {"value": tick, "y": f"{height - bottom - tick * scale:.1f}", "label_y": f"{height - bottom - tick * scale + 4:.1f}"}
            for tick in ticks
        ],
        "bars": bars,
        "label_y": height - bottom + 14,
        "middle": f"{width / 2:.0f}",
        "title_y": height - 6,
        "half_height": f"{height / 2:.0f}",
    }


def histogram_svg(bins: list[dict], width: int = 640, height: int = 240) -> str:
    """The histogram on its own, as the SVG element the page holds."""
    return render("histogram.svg.j2", histogram=histogram_view(bins, width, height))


def page_view(data: dict) -> dict:
    """Everything ``dashboard.html.j2`` draws, from :func:`~autograder.reports.dashboard.class_data`'s ``data``."""
    links = {s["name"]: s["link"] for s in data["students"]}
    totals = sorted(s["total"] for s in data["students"])
    middle = len(totals) // 2
    median = (totals[middle] if len(totals) % 2 else (totals[middle - 1] + totals[middle]) / 2) if totals else 0.0
    mean = sum(totals) / len(totals) if totals else 0.0
    return {
        "class_size": len(data["students"]),
        "mean": f"{mean:.1f}",
        "median": f"{median:g}",
        "needs_look": data["needs_look"],
        "misconceptions": [{**entry, "students": _linked(entry["students"], links)} for entry in data["misconceptions"]],
        "not_handed_in": [{**entry, "students": _linked(entry["students"], links)} for entry in data["not_handed_in"]],
        "undiagnosed": [{**entry, "students": _linked(entry["students"], links)} for entry in data["undiagnosed"]],
        "fold_undiagnosed": len(data["undiagnosed"]) > FOLD_AFTER,
        "min_students": d.MIN_STUDENTS,
        "tests": _tests_view(data),
        "legend": [{"css": css, "mark": mark, "state": state} for state, (css, mark) in CELL_LOOK.items()],
        "grid": _grid_view(data),
        "parts": _parts_view(data),
        "histogram": histogram_view(data["histogram"]),
    }


def dashboard_html(data: dict) -> str:
    """The whole page for :func:`~autograder.reports.dashboard.class_data`'s ``data``."""
    return render("dashboard.html.j2", **page_view(data))
