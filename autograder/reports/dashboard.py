"""The class dashboard's data: what an instructor acts on, computed as plain data from each student's report.json.

:func:`class_data` takes the reports as they are on disk (plain dicts, read defensively: every key
other than ``tests`` may be absent, meaning "none") and returns one dict, which
:mod:`autograder.reports.dashboard_page` draws. Its keys:

- ``students``: one entry per student, in the class folder's order: ``name``, ``total``, ``max``,
  ``status``, ``parts`` (part -> points) and ``link`` (their report, relative to ``index.html``);
- ``tests``: one entry per graded test, in the chapter's order: ``name``, ``part``, ``max_points``,
  ``counted`` (students whose result counts: they handed the part in and the grader did not break),
  ``passed``, ``pass_rate`` (None when nobody counted), ``discrimination`` (None when undefined) and
  ``flags`` (why the test may be wrong or too easy);
- ``grid``: student -> test -> one of :data:`CELLS`, and ``says``: student -> test -> the diagnosis;
- ``misconceptions``: each diagnosis (its own words) with the students who show it, most students first;
- ``not_handed_in``: per part, the students who did not hand it in (never counted as a mistake);
- ``undiagnosed``: per failed test without a diagnosis, the students who failed it;
- ``needs_look``: per student, the reasons a human should look;
- ``parts``: per part its mean, maximum and how many handed it in; ``histogram``: whole students per bin.

Example (two students, one test)::

    >>> test = {"name": "training_loop.train_step: one step", "points": 0, "max_points": 2, "passed": False,
    ...         "details": [{"kind": "diagnosis", "says": "no optimizer.zero_grad()"}]}
    >>> data = class_data({"ann": {"status": "graded", "tests": [test]}, "bob": None})
    >>> data["misconceptions"][0]["says"], data["misconceptions"][0]["students"]
    ('no optimizer.zero_grad()', ['ann'])
"""

from __future__ import annotations

import json
import math
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from autograder.course.parts import NAMES, part
from autograder.judge.results import NOT_GRADED as TEST_NOT_GRADED

# A cell of the students x tests grid.
PASSED, DIAGNOSED, FAILED, NOT_HANDED_IN, GRADER_ERROR, NOT_GRADED, NOT_LOADED = (
    "passed",
    "failed, diagnosed",
    "failed",
    "not handed in",
    "grader error",
    "not graded",
    "its file could not be loaded",
)
CELLS = (PASSED, DIAGNOSED, FAILED, NOT_HANDED_IN, GRADER_ERROR, NOT_GRADED, NOT_LOADED)
COUNTED = (PASSED, DIAGNOSED, FAILED)  # a real attempt: it enters the test's pass rate and discrimination

# Below this many counted students a pass rate of 0 or 1, or a low correlation, says little about the test.
MIN_STUDENTS = 5
# Item analysis reads a point-biserial correlation under about 0.2 as weak; under 0.1 it is noise or worse.
DISCRIMINATION_FLOOR = 0.1
# Statuses that mean the student was graded (with or without parts handed in): anything else is a grading failure.
GRADED_STATUSES = ("graded", "not handed in")  # workers.graded_status: "graded", "graded, not handed in: ...", "not handed in"


def part_of_test(name: str) -> str:
    """The part of a test name: ``"training_loop"`` for ``"training_loop.trainer: words"`` or ``"training_loop: words"``."""
    return name.partition(".")[0].partition(":")[0]


def diagnoses(test: dict) -> list[str]:
    """The diagnoses a test's details carry, in their own words (the "says" of each "diagnosis" detail)."""
    return [str(d["says"]) for d in test.get("details") or [] if isinstance(d, dict) and d.get("kind") == "diagnosis" and d.get("says")]


def cell(test: dict, not_handed_in: set[str]) -> str:
    """The grid's cell for one test result: passed, failed with a diagnosis, failed, not handed in, grader error, or
    not loaded (its part's file could not be loaded: the test was not run)."""
    if test.get("handed_in") is False or part_of_test(str(test.get("name", ""))) in not_handed_in:
        return NOT_HANDED_IN
    if test.get("grader_error"):
        return GRADER_ERROR
    if test.get("passed"):
        return PASSED
    if str(test.get("message") or "").startswith(TEST_NOT_GRADED):
        return NOT_LOADED  # one load error, said once for the file: not a failure of this test to diagnose
    return DIAGNOSED if diagnoses(test) else FAILED


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """Pearson's correlation of two equally long lists; None when either is constant (or fewer than 2 values).

    >>> round(pearson([0, 1, 1], [1, 3, 2]), 3)
    0.866
    """
    if len(xs) < 2:
        return None
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx < 1e-12 or syy < 1e-12:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / math.sqrt(sxx * syy)


def discrimination(scores: list[float], totals: list[float]) -> float | None:
    """The correlation of one test's score with the rest of each student's total (their total minus that test).

    Subtracting the test keeps it from correlating with itself; for a pass/fail test this is the
    point-biserial correlation. ``scores[i]`` and ``totals[i]`` are student i's.

    >>> round(discrimination([2, 0, 2, 0], [90, 10, 70, 30]), 2)  # the rest: 88, 10, 68, 30
    0.95
    """
    return pearson(scores, [total - score for score, total in zip(scores, totals)])


def flags_of_test(counted: int, passed: int, r: float | None) -> list[str]:
    """Why a test may be wrong or too easy, in the instructor's words; empty with fewer than MIN_STUDENTS counted."""
    if counted < MIN_STUDENTS:
        return []
    if passed == counted:
        return ["too easy: every student who handed it in passes"]
    if passed == 0:
        return ["may be wrong: nobody passes"]
    if r is not None and r < 0:
        return [f"may be wrong: negative discrimination ({r:.2f}), students who do well elsewhere fail it more often"]
    if r is not None and r < DISCRIMINATION_FLOOR:
        return [f"may be wrong: discrimination near zero ({r:.2f}), passing it says nothing about the rest"]
    return []


def unexpected_places(found: dict) -> list[str]:
    """``found`` (part -> relative path it was taken from) entries that are not ``<part>.py`` or a notebook at the top."""
    odd = []
    for name, where in sorted(found.items()):
        path = PurePosixPath(str(where).replace("\\", "/"))
        expected = len(path.parts) <= 1 and (path.name == f"{name}.py" or path.suffix == ".ipynb" or str(where) in ("", "."))
        if not expected:
            odd.append(f"{name} from {where}")
    return odd


def grading_failed(status: str) -> bool:
    """Whether a gradebook status says grading failed ("grader error in ...", "not gradable: ...", "not graded: ...")."""
    return not status.startswith(GRADED_STATUSES)


def load_looks(load_errors: dict) -> list[str]:
    """One reason per file (or notebook cell) that could not be loaded, its message's first line (``load_errors``:
    part -> messages, as a report keeps them). The dashboard and the gradebook's ``needs_look`` column both say these.

    >>> load_looks({"backprop": ["backprop.py could not be loaded: it is empty: ..."]})
    ['backprop: backprop.py could not be loaded: it is empty: ...']
    """
    return [f"{module}: {str(message).splitlines()[0]}" for module, messages in (load_errors or {}).items() for message in messages]


def needs_look(report: dict | None, total: float, files: int | None) -> list[str]:
    """Why a human should look at this student: grading failures, a 0 although files were there, files found in
    unexpected places, files that could not be loaded, and the grader's own flags (``needs_look``, e.g. tampering). ``files``: how many files the
    submission holds (None: unknown)."""
    if report is None:
        return ["no results on disk: grade this student again"]
    reasons = []
    status = str(report.get("status", "graded"))
    if grading_failed(status) and not status.startswith("grader error"):
        reasons.append(status)
    broken = [str(t.get("name")) for t in report.get("tests", []) if t.get("grader_error")]
    if broken:
        reasons.append(f"the grader broke on {len(broken)} test(s): " + "; ".join(broken))
    found = report.get("found") or {}
    if total == 0 and not grading_failed(status) and (found or files):
        handed = f"files were found for {', '.join(sorted(found))}" if found else f"{files} file(s) were handed in"
        reasons.append(f"scored 0 although {handed}")
    odd = unexpected_places(found)
    if odd:
        reasons.append("files taken from unexpected places: " + "; ".join(odd))
    reasons += load_looks(report.get("load_errors") or {})
    reasons += [str(flag) for flag in report.get("needs_look") or []]
    return reasons


def histogram(totals: list[float], maximum: float) -> list[dict]:
    """Whole students per tenth of the maximum: 0-9 %, ..., 90-99 %, and 100 % on its own (full marks).

    >>> [b["count"] for b in histogram([0, 55, 100, 100], 100)]
    [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2]
    """
    counts = [0] * 11
    for total in totals:
        share = total / maximum if maximum else 0.0
        counts[10 if share >= 1 else min(int(share * 10 + 1e-9), 9)] += 1
    labels = [f"{10 * i}-{10 * i + 9} %" for i in range(10)] + ["100 %"]
    return [{"label": label, "count": count} for label, count in zip(labels, counts)]


def _chapter_order(names: list[str]) -> list[str]:
    """Test names in the chapter's part order, first seen first within a part."""
    order = {name: i for i, name in enumerate(NAMES)}
    return sorted(names, key=lambda n: (order.get(part_of_test(n), len(order)), names.index(n)))


def class_data(reports: dict[str, dict | None], files: dict[str, int] | None = None) -> dict:
    """The dashboard's data (see the module's docstring) from ``reports`` (student -> report.json's dict, or None
    when absent), in the class folder's order; ``files``: student -> how many files their submission holds."""
    files = files or {}
    students, grid, says, seen = [], {}, {}, []
    for name, report in reports.items():
        report = report or {}
        gone = {str(p) for p in report.get("not_handed_in") or []}
        tests = [t for t in report.get("tests", []) if part_of_test(str(t.get("name", ""))) in NAMES]  # not "submission: ..."
        grid[name] = {str(t["name"]): cell(t, gone) for t in tests}
        says[name] = {str(t["name"]): diagnoses(t) for t in tests if diagnoses(t)}
        seen += [str(t["name"]) for t in tests if str(t["name"]) not in seen]
        parts: dict[str, float] = {}
        for t in tests:
            parts[part_of_test(str(t["name"]))] = parts.get(part_of_test(str(t["name"])), 0.0) + float(t.get("points", 0))
        total = round(sum(float(t.get("points", 0)) for t in report.get("tests", [])), 6)
        students.append(
            {
                "name": name,
                "total": total,
                "max": round(sum(float(t.get("max_points", 0)) for t in report.get("tests", [])), 6),
                "status": str(report.get("status", "graded" if report else "not graded: no results")),
                "parts": {p: round(v, 6) for p, v in parts.items()},
                "not_handed_in": sorted(gone | {part_of_test(t) for t, c in grid[name].items() if c == NOT_HANDED_IN}),
                "link": quote(name) + "/report.html",
                "needs_look": needs_look(reports[name], total, files.get(name)),
            }
        )
    names = _chapter_order(seen)
    maxima = {}
    for report in reports.values():
        for t in (report or {}).get("tests", []):
            maxima.setdefault(str(t.get("name")), float(t.get("max_points", 0)))
    points = {
        s["name"]: {str(t.get("name")): float(t.get("points", 0)) for t in (reports[s["name"]] or {}).get("tests", [])} for s in students
    }
    return {
        "students": students,
        "tests": [_test_stats(test, students, grid, points, maxima[test]) for test in names],
        "grid": grid,
        "says": says,
        "misconceptions": _misconceptions(students, says, grid),
        "not_handed_in": _not_handed_in(students),
        "undiagnosed": _undiagnosed(names, students, grid),
        "needs_look": [{"student": s["name"], "link": s["link"], "reasons": s["needs_look"]} for s in students if s["needs_look"]],
        "parts": _parts(students, reports),
        "histogram": histogram([s["total"] for s in students], max((s["max"] for s in students), default=0.0)),
    }


def _test_stats(test: str, students: list[dict], grid: dict, points: dict, maximum: float) -> dict:
    counted = [s for s in students if grid[s["name"]].get(test) in COUNTED]
    passed = sum(grid[s["name"]][test] == PASSED for s in counted)
    # Points when the test is worth some, passed or not when the course made it worth 0.
    scores = [points[s["name"]][test] if maximum else float(grid[s["name"]][test] == PASSED) for s in counted]
    r = discrimination(scores, [s["total"] for s in counted])
    return {
        "name": test,
        "part": part_of_test(test),
        "max_points": maximum,
        "counted": len(counted),
        "passed": passed,
        "pass_rate": passed / len(counted) if counted else None,
        "discrimination": r,
        "flags": flags_of_test(len(counted), passed, r),
    }


def _misconceptions(students: list[dict], says: dict, grid: dict) -> list[dict]:
    """Each diagnosis with the students who show it (once per student, however many tests it failed)."""
    found: dict[str, dict] = {}
    for student in students:
        for test, words in says[student["name"]].items():
            if grid[student["name"]][test] != DIAGNOSED:
                continue
            for text in words:
                entry = found.setdefault(text, {"says": text, "parts": [], "tests": [], "students": []})
                entry["parts"] += [part_of_test(test)] if part_of_test(test) not in entry["parts"] else []
                entry["tests"] += [test] if test not in entry["tests"] else []
                entry["students"] += [student["name"]] if student["name"] not in entry["students"] else []
    order = {name: i for i, name in enumerate(NAMES)}
    return sorted(found.values(), key=lambda e: (-len(e["students"]), order.get(e["parts"][0], len(order)), e["says"]))


def _not_handed_in(students: list[dict]) -> list[dict]:
    rows = []
    for name in NAMES:
        who = [s["name"] for s in students if name in s["not_handed_in"]]
        if who:
            rows.append({"part": name, "title": part(name).heading, "students": who})
    return rows


def _undiagnosed(tests: list[str], students: list[dict], grid: dict) -> list[dict]:
    rows = [{"test": t, "students": [s["name"] for s in students if grid[s["name"]].get(t) == FAILED]} for t in tests]
    return sorted((r for r in rows if r["students"]), key=lambda r: -len(r["students"]))  # stable: chapter order within a count


def _parts(students: list[dict], reports: dict[str, dict | None]) -> list[dict]:
    rows = []
    for name in NAMES:
        maximum = 0.0
        for report in reports.values():
            total = sum(
                float(t.get("max_points", 0)) for t in (report or {}).get("tests", []) if part_of_test(str(t.get("name", ""))) == name
            )
            maximum = max(maximum, total)
        graded = [s for s in students if name in s["parts"]]
        if not graded:
            continue  # not assigned this term
        handed = [s for s in graded if name not in s["not_handed_in"]]
        rows.append(
            {
                "part": name,
                "title": part(name).heading,
                "max": round(maximum, 6),
                "mean": sum(s["parts"][name] for s in graded) / len(graded),
                "handed_in": len(handed),
                "mean_handed_in": sum(s["parts"][name] for s in handed) / len(handed) if handed else None,
            }
        )
    return rows


def read_reports(out_dir: Path, students: list[str], report_name: str = "report.json") -> dict[str, dict | None]:
    """student -> their report.json as a dict, or None when it is absent or damaged (read as plain JSON, so keys
    this version does not know yet are kept, never refused)."""
    reports: dict[str, dict | None] = {}
    for student in students:
        try:
            data = json.loads((Path(out_dir) / student / report_name).read_text())
            reports[student] = data if isinstance(data, dict) and isinstance(data.get("tests"), list) else None
        except (OSError, ValueError):
            reports[student] = None
    return reports


def count_files(path: Path) -> int:
    """How many files a submission holds (a notebook is one), hidden ones aside; capped, since only 0 or not matters."""
    path = Path(path)
    if path.is_file():
        return 1
    count = 0
    for item in path.rglob("*") if path.is_dir() else []:
        if item.is_file() and not any(p.startswith(".") for p in item.relative_to(path).parts):
            count += 1
            if count >= 1000:
                break
    return count
