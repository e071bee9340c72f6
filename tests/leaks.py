"""What must never reach students: the leak check run on every student bundle the tests make."""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import numpy as np

HIDDEN_NAME_PARTS = ("graders", "references", "solutions", "diagnoses", "curves", "mistake")


def solution_lines(solutions: Path) -> set[str]:
    """Distinctive lines of solution code (inside the fences) that must never reach students."""
    lines = set()
    for path in solutions.glob("*.py"):
        inside = False
        for line in path.read_text().splitlines():
            if "### BEGIN SOLUTION" in line:
                inside = True
            elif "### END SOLUTION" in line:
                inside = False
            elif inside and len(line.strip()) >= 30:
                lines.add(line.strip())
    return lines


def small_fraction(number: str, largest: int = 64) -> bool:
    """Whether ``number`` is k/n for a small n, like an accuracy over a few samples (7/12 = 0.5833333333333334):
    such a value turns up by coincidence in public results and tells nothing about the hidden runs.

    The fraction may have been computed in float32, as torch computes an accuracy (1/3 is then
    0.3333333432674408).

    >>> small_fraction("0.5833333333333334"), small_fraction("0.3333333432674408"), small_fraction("0.6931471805599453")
    (True, True, False)
    """
    value = float(number)
    fraction = float(Fraction(value).limit_denominator(largest))
    return abs(fraction - value) < 1e-15 or float(np.float32(fraction)) == value


def bundle_leaks(bundle: Path, project: Path) -> list[str]:
    """Everything hidden found in the bundle ``bundle`` made from the project at ``project`` (empty: no leak)."""
    files = [p for p in bundle.rglob("*") if p.is_file()]
    found = [
        f"hidden file name: {p.relative_to(bundle)}" for p in files if any(part in str(p.relative_to(bundle)) for part in HIDDEN_NAME_PARTS)
    ]
    text = "\n".join(p.read_text(errors="replace") for p in files)
    if "BEGIN SOLUTION" in text:
        found.append("a solution fence")
    found += [f"solution line: {line}" for line in solution_lines(project / "solutions") if line in text]
    curves = json.loads((project / "autograder" / "references" / "curves.json").read_text())["results"]
    numbers = {n for n in re.findall(r"\d\.\d{8,}", json.dumps(curves)) if not small_fraction(n)}
    found += [f"reference value: {number}" for number in sorted(numbers & set(re.findall(r"\d\.\d{8,}", text)))]
    return found
