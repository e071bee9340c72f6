"""The graded tests, read from the grader sources (nothing is imported or run), with this term's points and visibility.

Each ``@graded(name, points=..., hidden=...)`` test in
``autograder/graders/<part>/test_*.py`` is one :class:`GradedTest`: one
nbgrader test cell, one otter test case, one row of results.json. The course
file (:mod:`autograder.course.config`) may change its points and visibility.

Example:
    >>> [t.points for t in graded_tests("validation")]
    [4, 3, 2, 2, 1]
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from autograder import GRADERS_DIR
from autograder.course import config
from autograder.course.parts import NAMES, part


@dataclass(frozen=True)
class GradedTest:
    """One graded behaviour: ``name`` as in reports ("module.function: words"), its points and visibility this
    term, whether its inputs are secret (``hidden``), the pytest function that checks it and its file."""

    name: str
    points: float
    hidden: bool
    function: str
    file: Path
    visibility: str = "visible"
    declared_points: float = 0.0

    @property
    def part(self) -> str:
        return self.name.partition(".")[0]

    @property
    def target(self) -> str:
        """The student function it grades, e.g. "trainer" for "early_stopping.trainer: ..."."""
        return self.name.partition(":")[0].partition(".")[2]


def _declared(path: Path) -> list[tuple[str, float, bool, str]]:
    """(name, points, hidden, function) of every @graded test in one file, in its order."""
    found = []
    for node in ast.parse(path.read_text()).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "graded":
                keywords = {k.arg: ast.literal_eval(k.value) for k in decorator.keywords}
                name = ast.literal_eval(decorator.args[0])
                found.append((name, keywords["points"], bool(keywords.get("hidden", True)), node.name))
    return found


def declared_tests(part_name: str, graders: Path = GRADERS_DIR) -> list[GradedTest]:
    """Part ``part_name``'s tests as its grader files declare them (no course file applied)."""
    part(part_name)  # an unknown part is an error, not an empty list
    tests = []
    for path in sorted((graders / part_name).glob("test_*.py")):
        for name, points, hidden, function in _declared(path):
            tests.append(GradedTest(name, points, hidden, function, path, "visible", points))
    return tests


def graded_tests(part_name: str, graders: Path = GRADERS_DIR, course: config.Course | None = None) -> list[GradedTest]:
    """Part ``part_name``'s tests with this term's points and visibility (the course in force by default)."""
    course = course or config.active()
    return [
        GradedTest(t.name, course.points_for(t.name, t.points), t.hidden, t.function, t.file, course.visibility_for(t.name), t.points)
        for t in declared_tests(part_name, graders)
    ]


def all_tests(graders: Path = GRADERS_DIR, course: config.Course | None = None) -> list[GradedTest]:
    """Every part's tests, in the chapter's order."""
    return [test for name in NAMES for test in graded_tests(name, graders, course)]


def part_points(part_name: str, course: config.Course | None = None) -> float:
    """The most a part can score this term."""
    return sum(test.points for test in graded_tests(part_name, course=course))


def checked_course(path: Path | None = None) -> config.Course:
    """The course file at ``path`` (else the one in force), with every test it names checked against the graders."""
    course = config.load(path) if path is not None else config.active()
    course.check_tests(t.name for t in all_tests(course=config.Course()))
    return course
