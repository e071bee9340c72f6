"""The code's shape (issue: one part, one place): layers imported only downwards, no cycles, a one-line
``__init__.py`` per folder, and no shared code that branches on a part's name."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from autograder import PACKAGE_DIR
from autograder.course.parts import NAMES

# Lowest first. A module may import its own layer and those below it, never one above.
LAYERS: list[tuple[str, ...]] = [
    ("autograder", "autograder.errors", "autograder.course", "autograder.api"),
    ("autograder.sandbox",),
    ("autograder.judge", "autograder.notebooks", "autograder.stubs", "autograder.discovery"),
    ("autograder.references", "autograder.reports"),
    ("autograder.graders", "autograder.checks"),
    ("autograder.session", "autograder.outputs", "autograder.reference_check", "autograder.platforms.narrative"),
    (
        "autograder.platforms",
        "autograder.workers",
        "autograder.service",
        "autograder.gradebook",
        "autograder.grade",
        "autograder.selfcheck",
        "autograder.notebook_checks",
        "autograder.release",
        "autograder.demo",
        "autograder.scaffold",
        "autograder.lms",
    ),
    ("autograder.cli", "autograder.__main__"),
]


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE_DIR.parent).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def layer_of(module: str) -> int:
    best, index = "", -1
    for level, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
                best, index = prefix, level
    assert index >= 0, f"{module} belongs to no layer: add it to LAYERS"
    return index


def imports_of(path: Path) -> set[str]:
    """Every autograder module ``path`` imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("autograder")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("autograder") and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE_DIR.rglob("*.py")}
    edges = {}
    for name, path in modules.items():
        edges[name] = {target for target in imports_of(path) if target in modules and target != name}
    return edges


def test_no_module_imports_from_a_layer_above_it():
    upward = []
    for module, targets in graph().items():
        for target in targets:
            if layer_of(target) > layer_of(module):
                upward.append(f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})")
    assert upward == []


def test_no_import_cycles():
    edges = graph()
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target] if target in path else [node, target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    # A package's __init__ importing its own submodules is not a cycle of two modules.
    cycles = [c for c in cycles if not all(m.startswith(c[0] + ".") or m == c[0] for m in c)]
    assert cycles == []


def test_every_folder_says_in_one_line_what_lives_there_and_who_may_import_it():
    for folder in sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_dir() and "__pycache__" not in p.parts):
        init = folder / "__init__.py"
        if not any(folder.glob("*.py")):
            continue
        assert init.is_file(), f"{folder} has no __init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text()))
        assert doc, f"{init} has no docstring"
        line = doc.splitlines()[0]
        assert len(line) > 40 and re.search(r"import|never by|used by", line), (
            f"{init}: {line!r} should say what lives there and who may import it"
        )


def test_shared_code_has_no_branch_on_a_part_name():
    """Only a part's own folder, its solution and the registry may name it: the engine stays part-agnostic."""
    own = {PACKAGE_DIR / "graders" / name for name in NAMES}
    # A part's own public checks (checks/test_<part>.py) may name it, as its grader folder may.
    exempt = {
        PACKAGE_DIR / "course" / "parts.py",
        PACKAGE_DIR / "scaffold.py",
        *(PACKAGE_DIR / "checks" / f"test_{name}.py" for name in NAMES),
    }
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        if path in exempt or any(path.is_relative_to(folder) for folder in own):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Compare):
                for side in [node.left, *node.comparators]:
                    if isinstance(side, ast.Constant) and isinstance(side.value, str):
                        if side.value in NAMES or (side.value.partition(".")[0] in NAMES and "." in side.value):
                            found.append(f"{path.relative_to(PACKAGE_DIR)}:{node.lineno} compares with {side.value!r}")
    assert found == []
