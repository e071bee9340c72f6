"""What a regrade changed: each student's old and new total and the tests whose result moved, as ``changes.csv``.

Compares two sets of reports (student -> report.json's dict, as read by
:func:`autograder.reports.dashboard.read_reports`): the ones on disk before a
``grade-class`` run and the ones after it. A test changed when its points
moved (a test absent on one side counts as 0 points there) or, for a test on
both sides, when it went from failed to passed or back. Students without an
earlier result are new, not changed.

``changes.csv`` has one row per changed student::

    student,old_total,new_total,tests_changed
    ann,81,83,training_loop.train_step: gradients are zeroed before every step (0 -> 2)

and :func:`summary_line` says it in one line: "2 students changed: 1 up, 1 down", or "no student changed".
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass


@dataclass
class Change:
    """One student whose grade moved: totals before and after, and each changed test as "name (old -> new)"."""

    student: str
    old_total: float
    new_total: float
    tests: list[str]


def _results(report: dict) -> dict[str, tuple[float, bool]]:
    """test name -> (points, passed)."""
    return {str(t.get("name")): (float(t.get("points", 0)), bool(t.get("passed"))) for t in report.get("tests", [])}


def _total(report: dict) -> float:
    return round(sum(float(t.get("points", 0)) for t in report.get("tests", [])), 6)


def _shown(result: tuple[float, bool] | None) -> str:
    if result is None:
        return "absent"
    points, passed = result
    return f"{points:g}" if points or passed else f"{points:g} failed"


def student_change(student: str, old: dict, new: dict) -> Change | None:
    """The change from ``old`` to ``new`` (report dicts), or None when neither a total nor a test moved.

    >>> old = {"tests": [{"name": "a.f: x", "points": 0, "passed": False}]}
    >>> new = {"tests": [{"name": "a.f: x", "points": 2, "passed": True}]}
    >>> student_change("ann", old, new)
    Change(student='ann', old_total=0.0, new_total=2.0, tests=['a.f: x (0 failed -> 2)'])
    """
    before, after = _results(old), _results(new)
    moved = []
    for name in [*before, *(n for n in after if n not in before)]:
        was, now = before.get(name), after.get(name)
        points_moved = abs((was or (0.0, False))[0] - (now or (0.0, False))[0]) > 1e-9
        verdict_moved = was is not None and now is not None and was[1] != now[1]
        if points_moved or verdict_moved:
            moved.append(f"{name} ({_shown(was)} -> {_shown(now)})")
    old_total, new_total = _total(old), _total(new)
    if not moved and abs(old_total - new_total) < 1e-9:
        return None
    return Change(student, old_total, new_total, moved)


def changes(old: dict[str, dict | None], new: dict[str, dict | None]) -> list[Change]:
    """Every student (in ``new``'s order) with an earlier and a current result whose grade moved."""
    found = []
    for student, report in new.items():
        earlier = old.get(student)
        if earlier is not None and report is not None:
            change = student_change(student, earlier, report)
            if change is not None:
                found.append(change)
    return found


def changes_csv(found: list[Change]) -> str:
    """``changes.csv``: student, old total, new total, the changed tests joined by "; " (header only when none)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student", "old_total", "new_total", "tests_changed"])
    for change in found:
        writer.writerow([change.student, f"{change.old_total:g}", f"{change.new_total:g}", "; ".join(change.tests)])
    return out.getvalue()


def summary_line(found: list[Change]) -> str:
    """One line for the terminal: "3 students changed: 2 up, 1 down" (and how many kept their total), or "no student changed".

    >>> summary_line([Change("ann", 81, 83, []), Change("bob", 54, 53, [])])
    '2 students changed: 1 up, 1 down'
    """
    if not found:
        return "no student changed"
    up = sum(c.new_total > c.old_total for c in found)
    down = sum(c.new_total < c.old_total for c in found)
    line = f"{len(found)} student{'s' if len(found) != 1 else ''} changed: {up} up, {down} down"
    same = len(found) - up - down
    return line + (f", {same} with the same total (tests changed)" if same else "")
