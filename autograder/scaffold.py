"""``python -m autograder new-part NAME``: write a whole new part, its folder and its solution, from the template.

The template (``autograder/templates/part/``) is one worked example, a function ``scale`` that
multiplies by a factor, laid out as every part is:

- ``autograder/parts/<name>/``: the record (``part.toml``), the notebook's text (``narrative.md``),
  ``public/`` (a public scenario, the check table and its check, hints) and ``hidden/`` (a hidden
  scenario, the graders' table and its check, one known mistake);
- ``solutions/<name>.py``: the solution, fenced with ``### BEGIN SOLUTION`` / ``### END SOLUTION``.

Nothing else is edited: the registry finds the folder, the release ships its public side, the CLI
and every exporter know it. What is generated from these files comes next: ``build-exercises``
(``exercises/``), ``public-checks --write --part NAME`` (the part's ``public/expected.json``), ``notebooks``.
The instructor then replaces the example with the real exercise (the docs: "Writing a part").

Example::

    python -m autograder new-part batch_norm --title "Batch normalisation" --points 6
"""

from __future__ import annotations

import argparse
import keyword
import re
from pathlib import Path
from string import Template

from autograder import PACKAGE_DIR, PARTS_DIR, PROJECT_ROOT, SOLUTIONS_DIR
from autograder.course.parts import NAMES, PARTS
from autograder.errors import InputError

TEMPLATE_DIR = PACKAGE_DIR / "templates" / "part"
SOLUTION_TEMPLATE = "solution.py.tmpl"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
NEXT_STEPS = (
    "python -m autograder build-exercises && python -m autograder public-checks --write --part {name} && "
    "python -m autograder notebooks && python -m autograder references --write && python -m autograder grade solutions"
)


def planned(name: str, root: Path = PROJECT_ROOT) -> dict[Path, Path]:
    """Where each template file goes for part ``name`` under ``root``: target -> template."""
    parts = root / PARTS_DIR.relative_to(PROJECT_ROOT) / name
    files = {root / SOLUTIONS_DIR.relative_to(PROJECT_ROOT) / f"{name}.py": TEMPLATE_DIR / SOLUTION_TEMPLATE}
    for template in sorted(TEMPLATE_DIR.rglob("*.tmpl")):
        relative = template.relative_to(TEMPLATE_DIR)
        if relative.name != SOLUTION_TEMPLATE:
            files[parts / relative.with_suffix("")] = template
    return files


def scaffold(name: str, title: str | None = None, points: float = 5, root: Path = PROJECT_ROOT) -> list[Path]:
    """Write part ``name``'s folder and solution under ``root``; returns the files. Raises :class:`InputError` for a bad name."""
    if not _NAME.match(name) or keyword.iskeyword(name):
        raise InputError(f"{name!r} cannot be a part's name: use a lower-case Python identifier such as batch_norm")
    if name in NAMES or name == "chapter":
        raise InputError(f"there is already a part (or a provided module) called {name}")
    if points < 0:
        raise InputError(f"--points must be 0 or more, not {points:g}")
    number = max((p.number for p in PARTS), default=0) + 1
    title = title or name.replace("_", " ").capitalize()
    facts = {
        "name": name,
        "number": number,
        "title": title.replace('"', "'"),
        "title_lower": title.lower(),
        "points": f"{points:g}",
        "short": name[:8],
        "section": f"part {number} ({title.lower()})",
    }
    files = planned(name, root)
    existing = [path for path in files if path.exists()]
    if existing or (root / PARTS_DIR.relative_to(PROJECT_ROOT) / name).exists():
        raise InputError(f"{existing[0] if existing else name} already exists: choose another name, or remove it first")
    for target, template in files.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(Template(template.read_text()).substitute(facts))
    return list(files)


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the part's module name, a Python identifier such as `batch_norm`")
    parser.add_argument("--title", help="its title (default: from the name)")
    parser.add_argument("--points", type=float, default=5, help="its example hidden test's points (default: 5)")


def main(args: argparse.Namespace) -> int:
    written = scaffold(args.name, args.title, args.points)
    print("wrote:\n" + "\n".join(f"  {path.relative_to(PROJECT_ROOT)}" for path in written))
    print(f"next: replace the example `scale` with your exercise in those files, then run\n  {NEXT_STEPS.format(name=args.name)}")
    print(
        f"the course is now worth {args.points:g} more points: a course file can set this term's points "
        "(docs/reference/course-file.md); the project's own tests want corpus entries for the part "
        "(docs/maintainers/writing-a-part.md, 'Before make test passes')"
    )
    return 0
