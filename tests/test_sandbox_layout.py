"""The wall around the sandbox's code: everything the child imports is public and imported before the cut.

The child imports only :mod:`autograder.sandbox` (the student bundle ships
it), and only modules that the fork server imported before
``sandbox.enter_root()``: after it, at the ``namespaces`` level the project
no longer exists for a child, and at the ``user`` level the child may not
read it, so a module imported lazily would fail there (and only there).
These tests read the import statements (top-level and inside functions)
with ``ast``, so a module added later without being pre-imported or
published fails here, on any machine.
"""

from __future__ import annotations

import ast
from pathlib import Path

from autograder import PACKAGE_DIR, PROJECT_ROOT
from autograder.course.config import Course
from autograder.course.parts import NAMES, has
from autograder.release import public_files

SANDBOX = PACKAGE_DIR / "sandbox"
FORKSERVER = SANDBOX / "forkserver.py"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_path(name: str) -> Path | None:
    """The file of an ``autograder`` module (a package's ``__init__.py``), or None if there is none."""
    base = PROJECT_ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def with_parents(name: str) -> set[str]:
    """Importing ``a.b.c`` imports ``a`` and ``a.b`` first."""
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def imported_by(nodes: list[ast.AST], importer: str, is_package: bool) -> set[str]:
    """The ``autograder`` modules these statements import (``from package import module`` names the module)."""
    found: set[str] = set()
    for statement in nodes:
        for node in ast.walk(statement):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    anchor = importer.split(".")[: len(importer.split(".")) - node.level + (1 if is_package else 0)]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                else:
                    base = node.module or ""
                names = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                if name.split(".")[0] == "autograder" and module_path(name) is not None:
                    found |= with_parents(name)
    return found


def part_runners() -> set[str]:
    """Each part's runner module: the runners table imports them through the registry (by name, not by an import statement)."""
    return {f"autograder.parts.{name}.runner" for name in NAMES if has(name, "runner")}


def imports_of(name: str, top_level: bool = False) -> set[str]:
    """The modules ``name`` imports anywhere (``top_level``: only those its import itself imports, not a function's)."""
    path = module_path(name)
    body = ast.parse(path.read_text()).body
    if top_level:
        body = [node for node in body if isinstance(node, ast.Import | ast.ImportFrom | ast.If | ast.Try)]
    found = imported_by(body, name, path.name == "__init__.py")
    if name == "autograder.sandbox.runners":  # its table is assembled when it is imported
        found |= set().union(*(with_parents(runner) for runner in part_runners()))
    return found


def closure(roots: set[str], top_level: bool = False) -> set[str]:
    """Every ``autograder`` module that importing ``roots`` can import, at once or later (imports in functions too);
    with ``top_level``, only what it imports at once (module-level imports, followed), not later in a function."""
    seen: set[str] = set()
    todo = set().union(*(with_parents(root) for root in roots))
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo |= imports_of(name, top_level) - seen
    return seen


def preimported(source: str | None = None) -> set[str]:
    """What the fork server has imported when it calls ``enter_root()``: its module's imports and main()'s before the
    call, with everything those imports import at once (module-level imports; a function's lazy import is not)."""
    tree = ast.parse(FORKSERVER.read_text() if source is None else source)
    name = module_name(FORKSERVER)
    top = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    main = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "main")
    before = []
    for statement in main.body:
        if any(isinstance(n, ast.Attribute) and n.attr == "enter_root" for n in ast.walk(statement)):
            break
        before.append(statement)
    else:
        raise AssertionError("main() of the fork server no longer calls enter_root()")
    return closure(with_parents(name) | imported_by(top + before, name, False), top_level=True)


def child_reachable() -> set[str]:
    """Every ``autograder`` module a forked child can import: what the fork server's code imports, and onwards."""
    return closure({module_name(FORKSERVER)})


def test_every_sandbox_module_ships_in_the_student_bundle():
    modules = sorted(path.relative_to(PROJECT_ROOT) for path in SANDBOX.rglob("*.py"))
    assert len(modules) > 10 and Path("autograder/sandbox/runners/training.py") in modules
    runners = {Path(*runner.split(".")).with_suffix(".py") for runner in part_runners()}
    assert set(modules) | runners <= set(public_files(Course()))


def test_the_child_reaches_only_public_modules():
    public = {module_name(PROJECT_ROOT / path) for path in public_files(Course()) if path.suffix == ".py"}
    assert child_reachable() - public == set()


def test_the_fork_server_imports_every_module_the_child_can_reach_before_the_cut():
    reachable = child_reachable()
    assert {"autograder.sandbox.child", "autograder.sandbox.runners", "autograder.sandbox.runners.training"} <= reachable
    assert part_runners() and part_runners() <= reachable
    assert reachable - preimported() == set()


def test_the_layout_check_sees_lazy_imports_and_the_cut():
    """The check is not vacuous: an import inside a function counts, and main()'s imports after the cut do not."""
    lazy = ast.parse("def f():\n    from autograder.sandbox import seccomp\n").body
    assert "autograder.sandbox.seccomp" in imported_by(lazy, "autograder.sandbox.x", False)
    assert "autograder.sandbox.capture" in imported_by(ast.parse("from .capture import rand\n").body, "autograder.sandbox.x", False)
    assert "autograder.sandbox.runners.describe" in imports_of("autograder.sandbox.runners.training")
    late = "def main():\n    from autograder.sandbox import wire\n    sandbox.enter_root()\n    from autograder.sandbox import child\n"
    assert "autograder.sandbox.wire" in preimported(late) and "autograder.sandbox.child" not in preimported(late)
