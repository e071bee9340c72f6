"""Whether a rerun of ``grade-class`` keeps a student's results on disk or grades them again, and why.

A student's ``report.json`` keeps what they were graded from: ``course``, the course file's fingerprint and
``--part``'s parts (:func:`autograder.gradebook.graded_under`), and ``content``, the fingerprint of the files
grading reads (:func:`autograder.discovery.content_digest`: their paths and bytes, never their dates). A rerun
keeps the results only when both are the same now, so a changed file or a zip extracted in a student's folder
is graded again, and a file only touched is not. Nothing here grades or writes.

Example:
    >>> why_grade({"status": "graded", "course": "c1", "content": "f1", "tests": []}, "c1", "f2")
    'changed since last grading: regraded'
    >>> why_grade({"status": "graded", "course": "c1", "content": "f1", "tests": []}, "c1", "f1") is None
    True
"""

from __future__ import annotations

import json
from pathlib import Path

CHANGED = "changed since last grading: regraded"
OTHER_COURSE = "graded under another course file or other --part parts: regraded"
NO_FINGERPRINT = "its results keep no fingerprint of the files they were graded from (an earlier version): regraded"
WHY_UNFINISHED = "its last grading did not finish: graded again"
DAMAGED = "its results on disk are damaged: graded again"


def read_report(path: Path) -> dict | None:
    """The report.json at ``path`` as a dict, or None when it is absent (or not a JSON object)."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def why_grade(data: dict | None, under: str, content: str) -> str | None:
    """None when the results ``data`` (a report.json, None when absent) stand for a student whose files' fingerprint
    is ``content``, graded ``under`` this course; else why they are graded: "" for a student never graded, or one
    line for a regrade (:data:`CHANGED`, :data:`OTHER_COURSE`, ...)."""
    if data is None:
        return ""
    if not isinstance(data.get("tests"), list) or not isinstance(data.get("status"), str):
        return DAMAGED
    if data["status"].startswith("not graded"):
        return WHY_UNFINISHED  # the grader lost this one, or was stopped before it finished
    if data.get("course", "default") != under:
        return OTHER_COURSE  # its points and parts would not add up with this course's
    if "content" not in data:
        return NO_FINGERPRINT
    if data["content"] != content:
        return CHANGED
    return None
