"""``python -m autograder new-part NAME``: scaffold a new part of the course in the four files a part needs.

Writes, from one worked example (a function ``scale`` that multiplies by a
factor) that the instructor then replaces with the real exercise:

1. ``solutions/<name>.py``: the solution, fenced with ``### BEGIN SOLUTION`` / ``### END SOLUTION``;
2. ``solutions/notebooks/<name>.md``: its notebook's text, with the directive that places the function;
3. ``autograder/graders/<name>/test_<name>.py``: one graded test (and the folder's one-line ``__init__.py``);
4. its record in ``autograder/course/parts.py``.

``exercises/`` and ``notebooks/`` are generated from them (``build-exercises``,
``notebooks``). Nothing else needs editing; the README's "Adding a part" walks
through the rest.

Example::

    python -m autograder new-part batch_norm --title "Batch normalisation" --points 6
"""

from __future__ import annotations

import argparse
import keyword
import re
from pathlib import Path

from autograder import PACKAGE_DIR, PROJECT_ROOT
from autograder.course.parts import NAMES, PARTS
from autograder.errors import InputError

REGISTRY_MARKER = "    # `python -m autograder new-part NAME` adds its record above this line.\n"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")

SOLUTION = '''\
"""Part {number} - {title}.

Say here, in a few sentences, what the student computes in this part and why;
the docstring of each function says exactly what to return.
"""

from __future__ import annotations


def scale(x: float, factor: float = 2.0) -> float:
    """Return ``x`` multiplied by ``factor``.

    Args:
        x: a number.
        factor: the multiplier (default 2).

    Returns:
        x * factor, as a float.

    Example:
        >>> scale(1.5)
        3.0
    """
    ### BEGIN SOLUTION
    return float(x) * factor
    ### END SOLUTION
'''

NARRATIVE = """\
# Part {number}: {title}

Explain the idea of this part here, in Markdown; a `python check` block below runs the chapter's
example, and the function to write is placed by the directive.

<!-- solution: scale -->

```python check
print(scale(1.5))  # 3.0
```
"""

INIT = '"""Part {number}\'s hidden material ({title}): grader tests, and optionally scenarios and known mistakes; imported only by the judge."""\n'

TEST = '''\
"""Hidden graders for part {number}, {title}: {points} points."""

from __future__ import annotations

from autograder import references
from autograder.judge import values
from autograder.judge.grading import fail, graded, result_of

MODULE = "{name}"
CASES = [(1.5, 2.0), (-3.0, 0.5), (0.0, 7.0), (2.25, -4.0)]


@graded("{name}.scale: multiplies x by factor", points={points}, hidden=False)
def test_scale(submission):
    solution = references.load_solution(MODULE)
    for x, factor in CASES:
        got = values.number(result_of(submission.call(f"{{MODULE}}.scale", x, factor), f"{{MODULE}}.scale")["result"], "scale's result")
        want = solution.scale(x, factor)
        if not values.close(got, want, 1e-9):
            fail(f"scale({{x}}, {{factor}}) returned {{got:g}}.", hint="multiply x by factor.", module=MODULE)
'''

RECORD = """    Part(
        name={name!r},
        number={number},
        title={title!r},
        short={short!r},
        section={section!r},
        functions={{"scale": ("x", "factor=2.0")}},
        points={points},
    ),
"""


def scaffold(name: str, title: str | None = None, points: int = 5, root: Path = PROJECT_ROOT) -> list[Path]:
    """Write a new part's four files under ``root``; returns them. Raises :class:`InputError` for a bad name."""
    if not _NAME.match(name) or keyword.iskeyword(name):
        raise InputError(f"{name!r} cannot be a part's name: use a lower-case Python identifier such as batch_norm")
    if name in NAMES or name == "chapter":
        raise InputError(f"there is already a part (or a provided module) called {name}")
    if points < 0:
        raise InputError(f"--points must be 0 or more, not {points}")
    number = len(PARTS) + 1
    title = title or name.replace("_", " ").capitalize()
    facts = {
        "name": name,
        "number": number,
        "title": title,
        "points": points,
        "short": name[:8],
        "section": f"part {number} ({title.lower()})",
    }
    graders = root / PACKAGE_DIR.relative_to(PROJECT_ROOT) / "graders" / name
    files = {
        root / "solutions" / f"{name}.py": SOLUTION.format(**facts),
        root / "solutions" / "notebooks" / f"{name}.md": NARRATIVE.format(**facts),
        graders / "__init__.py": INIT.format(**facts),
        graders / f"test_{name}.py": TEST.format(**facts),
    }
    existing = [path for path in files if path.exists()]
    if existing:
        raise InputError(f"{existing[0]} already exists: choose another name, or remove it first")
    registry = root / PACKAGE_DIR.relative_to(PROJECT_ROOT) / "course" / "parts.py"
    text = registry.read_text()
    if text.count(REGISTRY_MARKER) != 1:
        raise InputError(f"{registry}: the line {REGISTRY_MARKER.strip()!r} is missing, so the new record has no place; put it back")
    for path, content in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    registry.write_text(text.replace(REGISTRY_MARKER, RECORD.format(**facts) + REGISTRY_MARKER))
    return [*files, registry]


def main(args: argparse.Namespace) -> int:
    written = scaffold(args.name, args.title, args.points)
    print("wrote:\n" + "\n".join(f"  {path.relative_to(PROJECT_ROOT)}" for path in written))
    print(
        "next: replace the example `scale` with your exercise in those files, then run\n"
        "  python -m autograder build-exercises && python -m autograder notebooks && python -m autograder grade solutions"
    )
    return 0
