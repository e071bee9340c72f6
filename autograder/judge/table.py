"""A part's tests as data: one :class:`Test` per graded behaviour, executed by one parametrised runner (:mod:`autograder.judge.runner`).

A part declares them in ``autograder/parts/<name>/hidden/tests.py`` (the hidden graders)
and ``public/tests.py`` (the public checks), each a list ``TESTS``. A row says which
function it grades, what it checks, its points, whether its inputs stay secret, and the
check that decides it: a function of the ``checks.py`` beside the table, named plainly
(``check="sigmoid"``), or a shared family's, named ``"module:function"``. The runner calls
the check with the parameters it asks for by name: ``submission`` (the student's code behind
the sandbox), ``book`` (the reference results, hidden graders only), ``scenario`` (the row's)
and the row's ``args``. A check passes by returning and fails by raising
:class:`~autograder.judge.grading.GradingFailure` with a message for the student.

Families written once and instantiated per part live here as declarations (pure data):
:func:`hygiene` (how a trainer validates: eval mode, train mode, no graph, no updates) and the
placeholder rule :class:`ValuesFirst` (a property test earns its points only once the function
computes right values). A part's points are the sum of its rows, never stored.

Nothing here imports torch or the project's engine: the catalog reads every table to list
tests, points and visibility without starting a judge.

Example:
    >>> row = Test("test_curves", "trainer", "losses match the reference", 4, "curves", hidden=False)
    >>> bind(row, "validation", "hidden").name
    'validation.trainer: losses match the reference'
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from autograder.course.parts import NAMES, has, module_of, part
from autograder.errors import GraderLoadError

FAMILIES = "autograder.graders.families"  # the hidden graders' shared checks


@dataclass(frozen=True)
class ValuesFirst:
    """The placeholder rule for a property test: its points only once the function computes right values on ``example``.

    ``check`` is a value check (resolved like :attr:`Test.check`, called with the parameters it names); the
    property is judged first, so a real mistake in it keeps its own message.
    """

    example: str
    check: str
    args: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Test:
    """One graded behaviour of a part: a row of its table.

    Attributes:
        id: stable within the part (``test_curves``); nbgrader's grade ids and otter's test names derive from it.
        function: the student function it grades.
        says: what it checks, in words (the test's name is ``<part>.<function>: <says>``).
        points: what it is worth (a course file may change it for a term).
        check: what decides it: ``"name"`` in the checks module beside the table, or ``"module:function"``.
        hidden: whether its inputs and expected values stay secret (the message never shows them).
        scenario: the scenario it runs, passed to the check as ``scenario`` when it asks for one.
        args: the check's other arguments.
        values_first: the placeholder rule, for a property test.
        budget: wall-clock seconds all the test's calls into the student's code may take together.
        part, side: filled in by :func:`bind` when the catalog reads the part's table.
    """

    id: str
    function: str
    says: str
    points: float
    check: str
    hidden: bool = True
    scenario: str = ""
    args: Mapping[str, object] = field(default_factory=dict)
    values_first: ValuesFirst | None = None
    budget: float = 60.0
    part: str = ""
    side: str = ""

    @property
    def name(self) -> str:
        """The name reports, results.json and the course file use: ``module.function: words``."""
        return f"{self.part}.{self.function}: {self.says}"

    @property
    def target(self) -> str:
        """The student function it grades, as ``module.function``."""
        return f"{self.part}.{self.function}"


@dataclass(frozen=True)
class Suite:
    """What a grading session runs: the rows of the tables, and (hidden graders only) how to get the reference results.

    ``book`` returns the reference book, checked against this environment, and adds its notes to the ones given.
    """

    tests: tuple[Test, ...]
    book: Callable[[list[str]], object] | None = None


def bind(row: Test, name: str, side: str) -> Test:
    """``row`` as part ``name``'s test on ``side`` ("hidden" or "public")."""
    return dataclasses.replace(row, part=name, side=side)


SIDES = ("hidden", "public")


def table(name: str, side: str) -> tuple[Test, ...]:
    """Part ``name``'s ``side`` table (``autograder/parts/<name>/<side>/tests.py``), bound and checked; empty when absent.

    Raises :class:`~autograder.errors.GraderLoadError` for a table that does not fit its part: a function the
    part's record does not list, an id or a name used twice, points below 0.
    """
    if side not in SIDES:
        raise ValueError(f"side must be one of {SIDES}, not {side!r}")
    if not has(name, side):
        return ()
    where = f"autograder/parts/{name}/{side}/tests.py"
    try:
        module = importlib.import_module(module_of(name, side, "tests"))
    except ModuleNotFoundError as error:
        if error.name == module_of(name, side, "tests"):
            return ()
        raise
    rows = tuple(bind(row, name, side) for row in getattr(module, "TESTS", ()))
    functions = part(name).functions
    for row in rows:
        if not isinstance(row, Test):
            raise GraderLoadError(f"{where}: TESTS holds {row!r}, not a Test")
        if row.function not in functions:
            raise GraderLoadError(f"{where}: {row.id} grades {row.function!r}, which part.toml does not list ({', '.join(functions)})")
        if row.points < 0:
            raise GraderLoadError(f"{where}: {row.id} has negative points")
    for attribute in ("id", "name"):
        seen = [getattr(row, attribute) for row in rows]
        twice = sorted({value for value in seen if seen.count(value) > 1})
        if twice:
            raise GraderLoadError(f"{where}: two tests have the {attribute} {twice[0]!r}")
    return rows


def tables(side: str, names: Iterable[str] = NAMES) -> tuple[Test, ...]:
    """The ``side`` tables of parts ``names`` (default: every part), in the chapter's order."""
    return tuple(row for name in names for row in table(name, side))


# ------------------------------------------------------------------ families

HYGIENE = {
    "validates_in_eval": ("test_validates_in_eval", "validates in eval mode"),
    "trains_in_train": ("test_trains_in_train", "trains in train mode"),
    "no_graph": ("test_no_graph", "validation builds no autograd graph"),
    "no_updates": ("test_no_updates", "validation never updates the weights"),
}


def hygiene(function: str, scenario: str, points: Mapping[str, float], values: ValuesFirst) -> list[Test]:
    """How a trainer validates, one behaviour per test (each a key of ``points``, in :data:`HYGIENE`'s words).

    Each is judged from the numbers the student's trainer returns in ``scenario`` and in its variants (other
    validation samples, probe models that answer differently where a rule is broken: see
    :mod:`autograder.graders.families`), and earns its points only once the trainer trains right (``values``).

    Example:
        >>> [t.says for t in hygiene("trainer", "s", {"no_graph": 2}, ValuesFirst("e", "c"))]
        ['validation builds no autograd graph']
    """
    unknown = sorted(set(points) - set(HYGIENE))
    if unknown:
        raise ValueError(f"validation hygiene has no behaviour {unknown}; it has {', '.join(HYGIENE)}")
    return [
        Test(HYGIENE[member][0], function, HYGIENE[member][1], points[member], f"{FAMILIES}:{member}", scenario=scenario, values_first=values)
        for member in HYGIENE
        if member in points
    ]
