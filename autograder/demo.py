"""``make demo``: grade the example students in ``examples/submissions`` and compare with their expected grades."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from autograder import PROJECT_ROOT
from autograder.course.config import Course
from autograder.course.parts import NAMES, part
from autograder.gradebook import Row, grade_class

EXAMPLES = PROJECT_ROOT / "examples" / "submissions"


def expected_grade(student: str) -> dict:
    return json.loads((EXAMPLES / student / "expected.json").read_text())


def matches(row: Row, expected: dict) -> bool:
    """Whether a graded row is the expected grade; a part missing from ``expected["parts"]`` counts as 0."""
    return row.total == expected["total"] and all(row.parts.get(m, 0) == expected["parts"].get(m, 0) for m in NAMES)


def run_demo(out: Path, course: Course) -> int:
    """Grade the examples (afresh) under ``course``, print the gradebook, and say whether each grade is the expected one."""
    rows = grade_class(EXAMPLES, out, course, regrade=True)
    print(f"{'student':28s} " + " ".join(f"{part(m).short:>8s}" for m in NAMES) + "    total  expected")
    all_match = True
    for row in rows:
        expected = expected_grade(row.student)
        ok = matches(row, expected)
        all_match &= ok
        cells = " ".join(f"{row.parts.get(m, 0):8g}" for m in NAMES)
        print(f"{row.student:28s} {cells} {row.total:8g}  {expected['total']:g} {'ok' if ok else 'DIFFERENT'}")
        print(f"{'':28s} {expected['about']}")
    print(f"\nGradebook: {out / 'gradebook.csv'}; each student's feedback: {out}/<student>/results.json")
    return 0 if all_match else 1


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", default="build/demo", help="where to write the gradebook")


def main(args: argparse.Namespace, course: Course) -> int:
    """``python -m autograder demo``: grade the example students; exit 1 when a grade is not the expected one."""
    return run_demo(Path(args.out), course)
