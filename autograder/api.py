"""The student API: the modules and functions students write, and their signatures.

This is the contract between students, graders and instructors' material;
tests check that ``solutions/`` and ``exercises/`` match it exactly. The facts
live in the course registry (:mod:`autograder.course.parts`); these names are
its views, kept for the material that imports them.
"""

from __future__ import annotations

from autograder.course.parts import NAMES, PARTS

# Graded modules, in the order of the chapter. Each maps to the functions a
# student writes there and their parameter lists (name, or name=default).
STUDENT_API: dict[str, dict[str, tuple[str, ...]]] = {p.name: dict(p.functions) for p in PARTS}

GRADED_MODULES: tuple[str, ...] = NAMES

# Provided files that come with the exercises unchanged (no stubs inside).
PROVIDED_MODULES: tuple[str, ...] = ("chapter",)
