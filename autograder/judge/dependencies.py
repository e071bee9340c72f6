"""A test that fails while a function it calls fails its own test points there first.

``backward_pass`` calls ``forward_pass``, which calls ``sigmoid``: with a wrong ``sigmoid``, every one of them fails,
and a hint about ``backward_pass`` sends the student to the wrong place. A part's record says, once, which of its
functions call which (``calls`` in ``part.toml``, as the solution does). After a grade, :func:`apply` gives a failed
test of a function the line "backward_pass uses your sigmoid (through forward_pass), which fails its own test: fix
sigmoid first." in place of its hint, when, and only when:

- the callee is among the functions the record says it calls (directly or through another of the part's functions);
- the callee failed a test of its own in this same grade (the judge's results, never a guess: a callee whose tests
  passed, or did not run, is never named);
- the student's own code of the function refers to the callee (or to a function of theirs that does): a student who
  wrote ``backward_pass`` without ``forward_pass`` is not told that it uses it.

Of several failing callees, the ones to fix first are named: those that call no other failing one (with a wrong
``sigmoid`` and so a wrong ``forward_pass``, ``backward_pass`` points to ``sigmoid``). Points never change.

Example:
    >>> reach("backprop", "backward_pass")
    {'forward_pass': (), 'sigmoid': ('forward_pass',)}
"""

from __future__ import annotations

import ast
from collections.abc import Iterable

from autograder.course.parts import NAMES, part
from autograder.judge.loading import function_of
from autograder.judge.results import NOT_GRADED, GradeReport, TestResult

HINT = "Try this: "  # how a check's hint line begins (autograder.judge.grading.fail)
CHAPTER = "See the chapter, "  # and the chapter pointer after it


def reach(module: str, function: str, calls: dict[str, Iterable[str]] | None = None) -> dict[str, tuple[str, ...]]:
    """The functions ``function`` calls, directly or through others, each with the ones it goes through (shortest first).

    ``calls`` is who calls whom (default: part ``module``'s record).
    """
    graph = {name: tuple(sorted(callees)) for name, callees in (calls if calls is not None else part(module).calls).items()}
    found: dict[str, tuple[str, ...]] = {}
    frontier = [(callee, ()) for callee in graph.get(function, ())]
    while frontier:
        name, through = frontier.pop(0)
        if name in found or name == function:
            continue
        found[name] = through
        frontier += [(callee, (*through, name)) for callee in graph.get(name, ())]
    return found


def student_calls(cells: list[str], functions: Iterable[str]) -> dict[str, set[str]]:
    """For each of ``functions`` the student's code defines, the names among ``functions`` its body refers to.

    ``cells`` is the module's code (one file, or a notebook's cells: a later definition replaces an earlier one, as
    in the kernel; a cell that does not parse is passed over).

    Example:
        >>> student_calls(["def f(x):\\n    return g(x)\\ndef g(x):\\n    return x"], ["f", "g"])
        {'f': {'g'}, 'g': set()}
    """
    wanted = set(functions)
    found: dict[str, set[str]] = {}
    for cell in cells:
        try:
            tree = ast.parse(cell)
        except (SyntaxError, ValueError):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in wanted:
                found[node.name] = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and n.id in wanted} - {node.name}
    return found


def _failing(tests: list[TestResult]) -> set[tuple[str, str]]:
    """(part, function) of every function that failed a test of its own here."""
    return {(t.module, function_of(t.name)) for t in tests if not t.passed and t.handed_in and function_of(t.name)}


def to_fix_first(module: str, function: str, failing: set[str], student: dict[str, set[str]]) -> dict[str, tuple[str, ...]]:
    """The callees of ``function`` to point to: failing here, reached in the student's own code, and calling no other
    failing callee; each with the functions it is reached through in the student's code."""
    declared = reach(module, function)
    reached = reach(module, function, student)  # the student's own calls, limited to the part's functions
    candidates = {name: reached[name] for name in declared if name in failing and name in reached}
    return {
        name: through
        for name, through in candidates.items()
        if not any(other in candidates for other in reach(module, name, student) if other != name)
    }


def pointer(function: str, callees: dict[str, tuple[str, ...]], unloaded: set[str] = frozenset()) -> str:
    """The line a test's message begins with; ``unloaded``: callees whose code could not be loaded (their error is said
    once, above).

    Example:
        >>> pointer("backward_pass", {"sigmoid": ("forward_pass",)})
        'backward_pass uses your sigmoid (through forward_pass), which fails its own test: fix sigmoid first.'
    """
    named = [f"{name} (through {', '.join(through)})" if through else name for name, through in callees.items()]
    one = len(named) == 1
    uses = f"{function} uses your {named[0] if one else ', '.join(named[:-1]) + ' and ' + named[-1]}"
    if set(callees) <= set(unloaded):
        return f"{uses}, which could not be loaded (see above): fix {'that' if one else 'those'} first."
    if one:
        return f"{uses}, which fails its own test: fix {next(iter(callees))} first."
    return f"{uses}, which fail their own tests: fix them first."


def without_hint(message: str) -> str:
    """``message`` without its hint (the lines from "Try this: " to the chapter pointer): the hint is about this
    function, and the fault is first in another."""
    kept, in_hint = [], False
    for line in message.splitlines():
        if line.startswith(HINT):
            in_hint = True
        elif line.startswith(CHAPTER):
            in_hint = False
        if not in_hint:
            kept.append(line)
    return "\n".join(kept)


def apply(report: GradeReport, sources: dict[str, list[str] | None]) -> None:
    """Point each failed test whose function calls a failing one there first (see the module's docstring).

    ``sources``: part -> the student's code of it (:func:`autograder.discovery.source_cells`; None: unread, then
    nothing is said for that part).
    """
    failing = _failing(report.tests)
    graded = {(t.module, function_of(t.name)) for t in report.tests if t.passed or not t.message.startswith(NOT_GRADED)}
    unloaded = failing - graded  # every test of it refers to a load error
    students = {
        module: student_calls(cells, part(module).functions) for module, cells in sources.items() if cells is not None and module in NAMES
    }
    for test in report.tests:
        module, function = test.module, function_of(test.name)
        if test.passed or not test.handed_in or test.grader_error or module not in students or test.message.startswith(NOT_GRADED):
            continue
        callees = to_fix_first(module, function, {f for m, f in failing if m == module}, students[module])
        if callees:
            test.message = f"{pointer(function, callees, {f for m, f in unloaded if m == module})}\n{without_hint(test.message)}"
            report.fix_first[test.name] = list(callees)
