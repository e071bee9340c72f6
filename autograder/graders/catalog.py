"""The graded tests, read from the parts' hidden tables (imported as data: nothing runs, torch is not imported), with this term's points and visibility.

Each row of ``autograder/parts/<part>/hidden/tests.py`` is one :class:`GradedTest`:
one nbgrader test cell, one otter test case, one row of results.json. The course
file (:mod:`autograder.course.config`) may change its points and visibility; a part's
points are the sum of its tests', never stored.

Example:
    >>> [t.points for t in graded_tests("validation", Course())]
    [4, 3, 2, 2, 1]
"""

from __future__ import annotations

from dataclasses import dataclass

from autograder.course.config import Course
from autograder.course.parts import NAMES, part
from autograder.judge.table import tables


@dataclass(frozen=True)
class GradedTest:
    """One graded behaviour: ``name`` as in reports ("module.function: words"), its points and visibility this
    term, whether its inputs are secret (``hidden``), and ``id``, its row's stable id in the part's table."""

    name: str
    points: float
    hidden: bool
    id: str
    visibility: str = "visible"
    declared_points: float = 0.0

    @property
    def part(self) -> str:
        return self.name.partition(".")[0]

    @property
    def target(self) -> str:
        """The student function it grades, e.g. "trainer" for "early_stopping.trainer: ..."."""
        return self.name.partition(":")[0].partition(".")[2]


def graded_tests(part_name: str, course: Course) -> list[GradedTest]:
    """Part ``part_name``'s tests with ``course``'s points and visibility (``Course()``: as the table declares them)."""
    part(part_name)  # an unknown part is an error, not an empty list
    return [
        GradedTest(row.name, course.points_for(row.name, row.points), row.hidden, row.id, course.visibility_for(row.name), row.points)
        for row in tables("hidden", (part_name,))
    ]


def all_tests(course: Course) -> list[GradedTest]:
    """Every part's tests, in the chapter's order."""
    return [test for name in NAMES for test in graded_tests(name, course)]


def part_points(part_name: str, course: Course) -> float:
    """The most a part can score under ``course``."""
    return sum(test.points for test in graded_tests(part_name, course))


def most_points(course: Course, parts: tuple[str, ...] | None = None) -> float:
    """The most a student can score under ``course``: its assigned parts' points, or only those of ``parts``
    (``--part``: the gradebook's part columns)."""
    return sum(part_points(name, course) for name in (course.parts if parts is None else parts))


def check_course(course: Course) -> Course:
    """``course``, with every test it names checked against the tables (a typo is an error, not a silent default)."""
    course.check_tests(t.name for t in all_tests(Course()))
    return course
