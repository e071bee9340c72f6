"""The graded behaviours of each part, read from the hidden graders' source (nothing is imported or run).

Each ``@graded(name, points=..., hidden=...)`` test in ``autograder/graders/test_<part>.py`` becomes
one nbgrader test cell or one otter test case, with the same name and points, so that every platform
scores a notebook exactly as ``python -m autograder grade`` does.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from autograder import PACKAGE_DIR
from autograder.api import GRADED_MODULES

GRADERS_DIR = PACKAGE_DIR / "graders"


@dataclass(frozen=True)
class GradedTest:
    """One graded behaviour: ``name`` as in reports ("module.function: words"), its points, visibility, and
    the pytest function that checks it."""

    name: str
    points: float
    hidden: bool
    function: str

    @property
    def part(self) -> str:
        return self.name.partition(".")[0]

    @property
    def target(self) -> str:
        """The student function it grades, e.g. "trainer" for "early_stopping.trainer: ..."."""
        return self.name.partition(":")[0].partition(".")[2]


def graded_tests(part: str, graders: Path = GRADERS_DIR) -> list[GradedTest]:
    """The graded tests of one part, in the order of its grader file.

    Example:
        >>> [t.points for t in graded_tests("validation")]
        [4, 3, 2, 2, 1]
    """
    if part not in GRADED_MODULES:
        raise ValueError(f"unknown part {part!r}; the parts are {', '.join(GRADED_MODULES)}")
    tree = ast.parse((graders / f"test_{part}.py").read_text())
    tests = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "graded":
                keywords = {k.arg: ast.literal_eval(k.value) for k in decorator.keywords}
                name = ast.literal_eval(decorator.args[0])
                tests.append(GradedTest(name, keywords["points"], keywords.get("hidden", True), node.name))
    return tests


def part_points(part: str) -> float:
    """The most a part's notebook can score."""
    return sum(test.points for test in graded_tests(part))
