"""The instructor's course file, ``course.toml``: this term's points, visibility, time limits, parts and release.

Read with the standard library's ``tomllib``. With no file, every default
reproduces the course as the graders declare it (100 points, every part, every
result visible). Keys (all optional)::

    [course]
    parts = ["backprop", "training_loop"]   # the parts assigned this term (default: all, in the chapter's order)

    [limits]
    call_seconds = 5.0      # one call into the student's code
    load_seconds = 20.0     # loading one module or running one notebook's cells

    [visibility]
    default = "visible"     # for every test: "visible", "after_due_date" or "hidden" (Gradescope's visibility)

    [tests."training_loop.trainer: loss per epoch matches the reference"]
    points = 4              # this test's points (0 keeps the test, worth nothing)
    visibility = "after_due_date"

    [release]
    parts = ["backprop"]    # the parts whose exercises and notebooks go into the student bundle (default: the assigned ones)
    public_checks = true    # ship the public checks (python -m autograder check)
    notebooks = true        # ship the plain notebooks
    hints = true            # ship the per-function hints (hint("train_step") in a notebook, python -m autograder hint)

Which file: the command line decides once (``--course FILE``, whose default is the
environment variable ``AUTOGRADER_COURSE``, read by the command line only), else
``course.toml`` at the project's root when it exists (:func:`resolve`). The
:class:`Course` it makes is passed down explicitly to whatever grades, releases or
exports; no module reads the course from ambient state. A mistake in the file (an
unknown key, a test or part that does not exist, negative points, a wrong type) is an
:class:`~autograder.errors.InputError` naming the key and the file.

Example:
    >>> Course().points_for("validation.trainer: x", 4)
    4
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from autograder import PROJECT_ROOT
from autograder.course.parts import NAMES
from autograder.errors import InputError

COURSE_VARIABLE = "AUTOGRADER_COURSE"  # the command line's default for --course
DEFAULT_PATH = PROJECT_ROOT / "course.toml"
VISIBILITIES = ("visible", "after_due_date", "hidden")
CALL_SECONDS, LOAD_SECONDS = 5.0, 20.0

# Every key the file may hold: table -> key -> the type its value must have.
_SCHEMA: dict[str, dict[str, type | tuple[type, ...]]] = {
    "course": {"parts": list},
    "limits": {"call_seconds": (int, float), "load_seconds": (int, float)},
    "visibility": {"default": str},
    "release": {"parts": list, "public_checks": bool, "notebooks": bool, "hints": bool},
}
_TEST_KEYS: dict[str, type | tuple[type, ...]] = {"points": (int, float), "visibility": str}


@dataclass(frozen=True)
class TestSetting:
    """A test's overrides from the course file (None: as the grader declares it)."""

    points: float | None = None
    visibility: str | None = None


@dataclass(frozen=True)
class Course:
    """One term's settings. ``Course()`` is the course with no file: everything as declared."""

    source: Path | None = None
    digest: str = "default"  # which course file the grades were made under: a hash of its bytes ("default": none)
    parts: tuple[str, ...] = NAMES
    call_seconds: float = CALL_SECONDS
    load_seconds: float = LOAD_SECONDS
    visibility: str = "visible"
    tests: Mapping[str, TestSetting] = field(default_factory=dict)
    release_parts: tuple[str, ...] | None = None  # None: the assigned parts
    public_checks: bool = True
    notebooks: bool = True
    hints: bool = True

    def points_for(self, test: str, declared: float) -> float:
        """The points test ``test`` is worth this term."""
        setting = self.tests.get(test)
        return declared if setting is None or setting.points is None else setting.points

    def visibility_for(self, test: str) -> str:
        setting = self.tests.get(test)
        return self.visibility if setting is None or setting.visibility is None else setting.visibility

    def assigned(self, part: str) -> bool:
        return part in self.parts

    @property
    def released(self) -> tuple[str, ...]:
        """The parts whose exercises and notebooks go into the student bundle."""
        return self.parts if self.release_parts is None else self.release_parts

    def check_tests(self, known: Iterable[str]) -> None:
        """Raise :class:`InputError` if the file names a test that the graders do not have."""
        known = set(known)
        for name in self.tests:
            if name not in known:
                near = sorted(k for k in known if k.partition(":")[0] == name.partition(":")[0])
                hint = f"; {name.partition(':')[0]} has: {'; '.join(near)}" if near else ""
                raise InputError(f"{self._where()}: [tests.{_quote(name)}] names no graded test{hint}")

    def _where(self) -> str:
        return str(self.source) if self.source else "course file"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '\\"') + '"'


def _check_type(value: object, wanted: type | tuple[type, ...], key: str, where: Path) -> None:
    types = wanted if isinstance(wanted, tuple) else (wanted,)
    if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
        names = " or ".join(
            dict.fromkeys({int: "a number", float: "a number", str: "a string", bool: "true or false", list: "a list"}[t] for t in types)
        )
        raise InputError(f"{where}: {key} must be {names}, not {value!r}")


def _parts(value: list, key: str, where: Path) -> tuple[str, ...]:
    unknown = [p for p in value if p not in NAMES]
    if unknown or not all(isinstance(p, str) for p in value):
        raise InputError(f"{where}: {key} names unknown part(s) {unknown}; the parts are {', '.join(NAMES)}")
    return tuple(p for p in NAMES if p in value)  # the chapter's order


def _visibility(value: str, key: str, where: Path) -> str:
    if value not in VISIBILITIES:
        raise InputError(f"{where}: {key} must be one of {', '.join(VISIBILITIES)}, not {value!r}")
    return value


def _seconds(value: float, key: str, where: Path) -> float:
    if value <= 0:
        raise InputError(f"{where}: {key} must be a positive number of seconds, not {value!r}")
    return float(value)


def parse(text: str, where: Path, digest: str = "") -> Course:
    """The course in ``text`` (the contents of the file ``where``); raises :class:`InputError` on any mistake."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{where}: not valid TOML ({error})") from None
    for table, content in data.items():
        if table == "tests":
            continue
        if table not in _SCHEMA:
            raise InputError(f"{where}: unknown table [{table}]; the tables are {', '.join(f'[{t}]' for t in (*_SCHEMA, 'tests'))}")
        if not isinstance(content, dict):
            raise InputError(f"{where}: {table} must be a table ([{table}]), not a value")
        for key, value in content.items():
            if key not in _SCHEMA[table]:
                raise InputError(f"{where}: unknown key {table}.{key}; [{table}] takes {', '.join(_SCHEMA[table])}")
            _check_type(value, _SCHEMA[table][key], f"{table}.{key}", where)
    course, limits, release = data.get("course", {}), data.get("limits", {}), data.get("release", {})
    tests = {}
    tables = data.get("tests", {})
    if not isinstance(tables, dict):
        raise InputError(f'{where}: tests must hold one table per test, [tests."module.function: words"]')
    for name, setting in tables.items():
        key = f"tests.{_quote(name)}"
        if not isinstance(setting, dict):
            raise InputError(f'{where}: {key} must be a table with points and/or visibility; did you mean [tests."{name}"]?')
        for option, value in setting.items():
            if option not in _TEST_KEYS:
                raise InputError(f"{where}: unknown key {key}.{option}; a test takes {', '.join(_TEST_KEYS)}")
            _check_type(value, _TEST_KEYS[option], f"{key}.{option}", where)
        points = setting.get("points")
        if points is not None and points < 0:
            raise InputError(f"{where}: {key}.points must be 0 or more, not {points!r}")
        visibility = setting.get("visibility")
        tests[name] = TestSetting(points, None if visibility is None else _visibility(visibility, f"{key}.visibility", where))
    return Course(
        source=where,
        digest=digest or hashlib.sha256(text.encode()).hexdigest()[:16],
        parts=_parts(course["parts"], "course.parts", where) if "parts" in course else NAMES,
        call_seconds=_seconds(limits.get("call_seconds", CALL_SECONDS), "limits.call_seconds", where),
        load_seconds=_seconds(limits.get("load_seconds", LOAD_SECONDS), "limits.load_seconds", where),
        visibility=_visibility(data.get("visibility", {}).get("default", "visible"), "visibility.default", where),
        tests=tests,
        release_parts=_parts(release["parts"], "release.parts", where) if "parts" in release else None,
        public_checks=release.get("public_checks", True),
        notebooks=release.get("notebooks", True),
        hints=release.get("hints", True),
    )


def load(path: Path) -> Course:
    """The course file at ``path``; raises :class:`InputError` when it is missing or wrong."""
    path = Path(path)
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such course file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the course file ({error})") from None
    return parse(text, path, hashlib.sha256(data).hexdigest()[:16])


def resolve(given: str | Path | None, default: Path = DEFAULT_PATH) -> Course:
    """The course a command runs under: the file ``given`` (``--course``), else ``default`` when it exists, else ``Course()``.

    Raises :class:`InputError` when the file is missing or wrong.
    """
    if given:
        return load(Path(given))
    return load(default) if default.is_file() else Course()
