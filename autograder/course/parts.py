"""The course registry, built by scanning ``autograder/parts/<name>/part.toml``: one record per part, written once.

Everything that needs a fact about a part reads it here: the student API, the
graders' chapter pointers, the gradebook's columns, the reports' headings, the
notebooks' titles, the demo. A part's points are not a fact of its record: they
are the sum of its hidden test table (:func:`autograder.graders.catalog.part_points`).

A record (``part.toml``)::

    number = 3
    title = "Validation loss"
    short = "valid"                                  # a column heading of at most 8 characters
    section = "section 2.1 (validation loss)"        # completes "See the chapter, ..."
    chapter = "2.1"                                  # the chapter's section number (the student's README)
    summary = "the trainer with a validation loss after every epoch"   # what the student writes, in a line
    provided = []                                    # functions the module gives ready-made
    libraries = ["numpy", "torch"]                   # optional: what its module may import (default: all of LIBRARIES)

    [functions.trainer]                              # each function the student writes, in order
    takes = ["model", "criterion", "optimizer", "trainloader", "validloader", "epochs=5"]
    calls = []                                       # optional: the part's functions it calls (as the solution does)
    returns = "(train_loss, valid_loss): ..."
    curves = ["train_loss", "valid_loss"]            # a trainer's curves, and how they are returned
    form = "tuple"                                   # "list", "tuple" or "dict"

This module imports nothing of the project but its paths and errors: the sandboxed
child and the student bundle may import it.

Example:
    >>> part("validation").heading
    '3. Validation loss'
    >>> [p.name for p in PARTS][:2]
    ['backprop', 'training_loop']
"""

from __future__ import annotations

import keyword
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from autograder import PARTS_DIR
from autograder.errors import GraderLoadError

RECORD = "part.toml"
FORMS = ("list", "tuple", "dict")
# The third-party libraries a part's module may import, with the name a student reads. A part that lists only some
# of them (``libraries = ["numpy"]``) is run where the others cannot be imported (see autograder/sandbox/libraries.py).
LIBRARIES: dict[str, str] = {"numpy": "NumPy", "torch": "torch"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Curves:
    """What a trainer returns: the curves it records per epoch, and their container.

    ``form`` is "list" (one list), "tuple" (a tuple of lists, in ``names`` order) or "dict" (a dict keyed by ``names``).
    """

    names: tuple[str, ...]
    form: str = "tuple"


@dataclass(frozen=True)
class Part:
    """One part of the course, as its ``part.toml`` states it.

    Attributes:
        name: the module students write (``<name>.py``, ``<name>.ipynb``), the prefix of its tests, its folder's name.
        number: its place in the chapter, from 1.
        title: its title, without the number.
        short: a column heading of at most 8 characters.
        section: where the chapter explains it, completing "See the chapter, ...".
        chapter: the chapter's section number ("2.1").
        summary: what the student writes, in a line.
        functions: each function students write, with its parameters (``name`` or ``name=default``).
        returns: what each function returns, in words.
        curves: for each trainer among ``functions``, the curves it returns.
        calls: for each function that calls others of the part (as the solution does), the ones it calls directly:
            a test of it that fails while one of them fails its own points there first (:mod:`autograder.judge.dependencies`).
        provided: functions the part's module gives students ready-made.
        libraries: the libraries of :data:`LIBRARIES` its module may import (all unless its record says fewer).
        folder: the part's folder.
    """

    name: str
    number: int
    title: str
    short: str
    section: str
    functions: dict[str, tuple[str, ...]]
    chapter: str = ""
    summary: str = ""
    returns: dict[str, str] = field(default_factory=dict)
    curves: dict[str, Curves] = field(default_factory=dict)
    calls: dict[str, tuple[str, ...]] = field(default_factory=dict)
    provided: tuple[str, ...] = ()
    libraries: tuple[str, ...] = tuple(LIBRARIES)
    folder: Path = PARTS_DIR

    @property
    def heading(self) -> str:
        """The title with its number, as reports show it: "2. The training loop"."""
        return f"{self.number}. {self.title}"

    @property
    def notebook_title(self) -> str:
        return f"Part {self.number}: {self.title}"

    @property
    def withheld(self) -> tuple[str, ...]:
        """The libraries of :data:`LIBRARIES` its module may not import: ``("torch",)`` for a NumPy-only part."""
        return tuple(name for name in LIBRARIES if name not in self.libraries)

    def library_rule(self) -> str:
        """One line for a student whose code used a library this part withholds.

        Example:
            >>> part("backprop").library_rule()
            'part 1 asks for NumPy only: torch is not available here'
        """
        allowed = " and ".join(LIBRARIES[name] for name in self.libraries) or "Python alone"
        withheld = " and ".join(LIBRARIES[name] for name in self.withheld)
        return f"part {self.number} asks for {allowed} only: {withheld} {'is' if len(self.withheld) == 1 else 'are'} not available here"


def _problem(path: Path, what: str) -> GraderLoadError:
    return GraderLoadError(f"{path}: {what}")


def _strings(value: object, path: Path, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _problem(path, f"{key} must be a list of strings")
    return tuple(value)


def read_record(folder: Path) -> Part:
    """The part whose folder is ``folder``, from its ``part.toml``; raises :class:`GraderLoadError` naming what is wrong."""
    path = folder / RECORD
    name = folder.name
    if not _NAME.match(name) or keyword.iskeyword(name):
        raise _problem(folder, "a part's folder is named like a Python module (lower case, digits, underscores)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise _problem(path, f"cannot be read ({error})") from None
    known = {"number", "title", "short", "section", "chapter", "summary", "provided", "libraries", "functions"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise _problem(path, f"unknown key(s) {', '.join(unknown)}; a record takes {', '.join(sorted(known))}")
    for key, kind in (("number", int), ("title", str), ("short", str), ("section", str), ("chapter", str), ("summary", str)):
        if not isinstance(data.get(key), kind) or isinstance(data.get(key), bool):
            raise _problem(path, f"{key} must be {'an integer' if kind is int else 'a string'}")
    if len(data["short"]) > 8:
        raise _problem(path, f"short must be at most 8 characters (a column heading), not {data['short']!r}")
    tables = data.get("functions")
    if not isinstance(tables, dict) or not tables:
        raise _problem(path, "[functions.NAME] tables are missing: one per function the student writes")
    functions, returns, curves, calls = {}, {}, {}, {}
    for function, table in tables.items():
        where = f"functions.{function}"
        if not isinstance(table, dict) or not _NAME.match(function):
            raise _problem(path, f"{where} must be a table named after the function")
        extra = sorted(set(table) - {"takes", "returns", "curves", "form", "calls"})
        if extra:
            raise _problem(path, f"unknown key(s) {', '.join(extra)} in [{where}]; it takes takes, returns, curves, form, calls")
        if table.get("calls"):
            calls[function] = _strings(table["calls"], path, f"{where}.calls")
        functions[function] = _strings(table.get("takes"), path, f"{where}.takes")
        returns[function] = str(table.get("returns", ""))
        if "curves" in table:
            form = table.get("form", "tuple")
            if form not in FORMS:
                raise _problem(path, f"{where}.form must be one of {', '.join(FORMS)}")
            curves[function] = Curves(_strings(table["curves"], path, f"{where}.curves"), form)
    for function, callees in calls.items():
        strange = sorted(set(callees) - set(functions) | ({function} & set(callees)))
        if strange:
            raise _problem(path, f"functions.{function}.calls: {', '.join(strange)} is no other function of this part")
    libraries = _strings(data.get("libraries", list(LIBRARIES)), path, "libraries")
    strange = sorted(set(libraries) - set(LIBRARIES))
    if strange:
        raise _problem(path, f"libraries: unknown {', '.join(strange)}; a part may list {', '.join(LIBRARIES)}")
    return Part(
        name=name,
        number=data["number"],
        title=data["title"],
        short=data["short"],
        section=data["section"],
        functions=functions,
        chapter=data["chapter"],
        summary=data["summary"],
        returns=returns,
        curves=curves,
        calls=calls,
        provided=_strings(data.get("provided", []), path, "provided"),
        libraries=tuple(name for name in LIBRARIES if name in libraries),
        folder=folder,
    )


def scan(root: Path = PARTS_DIR) -> tuple[Part, ...]:
    """Every part under ``root`` (a folder holding a ``part.toml``), in the chapter's order (by number)."""
    found = [read_record(folder) for folder in sorted(root.iterdir()) if (folder / RECORD).is_file()]
    numbers = [p.number for p in found]
    twice = sorted({n for n in numbers if numbers.count(n) > 1})
    if twice:
        raise GraderLoadError(f"{root}: two parts have number {twice[0]}: each part's number is its place in the chapter")
    return tuple(sorted(found, key=lambda p: p.number))


PARTS: tuple[Part, ...] = scan()
NAMES: tuple[str, ...] = tuple(p.name for p in PARTS)
_BY_NAME = {p.name: p for p in PARTS}


class UnknownPart(KeyError):
    """A part name that the registry does not hold."""

    def __str__(self) -> str:
        return f"unknown part {self.args[0]!r}; the parts are {', '.join(NAMES)}"


def part(name: str) -> Part:
    """The record of part ``name``; raises :class:`UnknownPart` (a KeyError) for any other name."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise UnknownPart(name) from None


def part_of(test_or_target: str) -> str:
    """The part a test name ("module.function: words") or target ("module.function") belongs to."""
    return test_or_target.partition(".")[0]


def has(name: str, side: str) -> bool:
    """Whether part ``name`` has its ``side`` here: "public", "hidden" (absent from the student bundle) or "runner"."""
    folder = part(name).folder
    return (folder / "runner.py").is_file() if side == "runner" else (folder / side / "__init__.py").is_file()


def module_of(name: str, *path: str) -> str:
    """The dotted name of one of a part's modules: ``module_of("validation", "hidden", "tests")``, ``module_of("backprop", "runner")``."""
    return ".".join(("autograder", "parts", name, *path))


class UnknownName(ValueError):
    """A name that is neither a part nor one function of one part (its message says what to write instead)."""


def locate(name: str, within: str | None = None) -> tuple[str, str | None]:
    """(part, function or None) that a student's ``name`` means.

    ``name`` is a part ("training_loop"), a function ("train_step"), or both ("validation.trainer");
    ``within`` is the part to take when the function is in several (a notebook knows its part).
    Raises :class:`UnknownName` for anything else, with the names to choose from.

    Example:
        >>> locate("train_step"), locate("trainer", within="validation")
        (('training_loop', 'train_step'), ('validation', 'trainer'))
    """
    name = name.strip()
    if name in _BY_NAME:
        return name, None
    if "." in name:
        owner, _, function = name.partition(".")
        if owner in _BY_NAME and function in _BY_NAME[owner].functions:
            return owner, function
        example = next(f"{p.name}.{f}" for p in PARTS for f in p.functions)
        raise UnknownName(f"{name!r} is no function of a part; write part.function, e.g. {example}")
    owners = [p.name for p in PARTS if name in p.functions]
    if within in owners:
        return within, name
    if len(owners) == 1:
        return owners[0], name
    if owners:
        choices = ", ".join(f'"{owner}.{name}"' for owner in owners)
        raise UnknownName(f"{name} is in several parts: say which, one of {choices}")
    known = ", ".join(sorted({f for p in PARTS for f in p.functions}))
    raise UnknownName(f"{name!r} is neither a part ({', '.join(NAMES)}) nor a graded function ({known})")
