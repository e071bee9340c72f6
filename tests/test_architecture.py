"""The code's shape (issue 21: a part is a folder, graders are data, an explicit course): layers imported only
downwards, no cycles, a one-line ``__init__.py`` per folder, an engine that names no part, parts that import
only the engine and themselves, and a course passed down rather than read from the environment."""

from __future__ import annotations

import ast
import io
import re
import subprocess
import tokenize
from pathlib import Path

from autograder import PACKAGE_DIR, PARTS_DIR, PROJECT_ROOT
from autograder.course.parts import NAMES

# Lowest first. A module may import its own layer and those below it, never one above.
LAYERS: list[tuple[str, ...]] = [
    ("autograder", "autograder.errors", "autograder.course", "autograder.api", "autograder.commands"),
    ("autograder.sandbox",),
    ("autograder.judge", "autograder.notebooks", "autograder.stubs", "autograder.discovery", "autograder.screen"),
    ("autograder.references", "autograder.reports"),
    ("autograder.graders", "autograder.checks"),
    ("autograder.parts",),
    ("autograder.session", "autograder.outputs", "autograder.reference_check", "autograder.platforms.narrative"),
    (
        "autograder.platforms",
        "autograder.workers",
        "autograder.cluster",
        "autograder.service",
        "autograder.gradebook",
        "autograder.grade",
        "autograder.selfcheck",
        "autograder.notebook_checks",
        "autograder.release",
        "autograder.demo",
        "autograder.scaffold",
        "autograder.lms",
        "autograder.dashboard",
        "autograder.bench",
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


def test_a_part_imports_the_engine_and_its_own_folder_only():
    """One part never reaches into another: each can be added, removed or released alone."""
    found = []
    for name in NAMES:
        for path in sorted((PARTS_DIR / name).rglob("*.py")):
            for target in imports_of(path):
                other = re.match(r"autograder\.parts\.(\w+)", target)
                if other and other.group(1) != name:
                    found.append(f"{path.relative_to(PACKAGE_DIR)} imports {target}")
    assert found == []


# ------------------------------------------------------------------ the engine names no part

# What may name a part although it lies outside the part's folder and its solution (besides what the issue exempts:
# generated files, tests and docs), each with its reason.
EXPLAINED = {
    "examples/submissions/": "students' hand-ins: their files are named after the parts, as every hand-in is",
    "benchmarks/": "the benchmark measures this chapter's parts by name (a `check backprop` row, one notebook of part 2)",
}
GENERATED = ("exercises/", "notebooks/", "autograder/references/curves.json", "benchmarks/RESULTS.")
DOCS = ("docs/", "README.md", "mkdocs.yml")


def project_files() -> list[str]:
    """The project's files as a fresh clone holds them (tracked and new, nothing ignored)."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    return [line for line in listed.stdout.splitlines() if (PROJECT_ROOT / line).is_file()]


def names_a_part(text: str, name: str) -> bool:
    """Whether a string of code refers to part ``name``: the name itself, a target (``name.function``), its module
    file (``name.py``, ``name.ipynb``) or its folder (``name/``, ``/name``); an English word in a sentence does not."""
    return text.strip() == name or re.search(rf"(?<![\w-]){name}(\.[A-Za-z_]|/)|/{name}\b", text) is not None


def docstring_lines(tree: ast.AST) -> set[int]:
    """The lines of every docstring (documentation, exempt like the docs)."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                lines |= set(range(first.lineno, first.end_lineno + 1))
    return lines


QUOTES = re.compile(r"^[rbfuRBFU]*(?:\'\'\'|\"\"\"|\'|\")|(?:\'\'\'|\"\"\"|\'|\")$")


def part_references(path: Path) -> list[str]:
    """Where code in ``path`` names a part: identifiers, imports and string constants (comments and docstrings aside)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    found = []
    if path.suffix != ".py":
        for number, line in enumerate(text.splitlines(), 1):
            if not line.lstrip().startswith("#"):
                found += [f"{number}: {name}" for name in NAMES if names_a_part(line, name)]
        return found
    skip = docstring_lines(ast.parse(text))
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.start[0] in skip or token.type not in (tokenize.NAME, tokenize.STRING):
            continue
        body = QUOTES.sub("", token.string)
        for name in NAMES:
            if (token.type == tokenize.NAME and token.string == name) or (token.type == tokenize.STRING and names_a_part(body, name)):
                found.append(f"{token.start[0]}: {name}")
    return found


def test_no_file_outside_a_parts_folder_and_its_solution_names_a_part():
    """The engine knows no part: grep each part name (as code refers to a part) outside its folder, its solution,
    generated files, tests and docs; what remains is explained in :data:`EXPLAINED`."""
    found = []
    for relative in project_files():
        path = PROJECT_ROOT / relative
        if relative.startswith(("tests/", *GENERATED, *DOCS, *EXPLAINED)) or relative.startswith("autograder/parts/"):
            continue
        if relative.startswith("solutions/") or path.suffix not in (".py", ".toml", ".yml", ".yaml", ".ini", ".cfg", ".txt", ".json", ""):
            continue  # a solution names its own part; Markdown is documentation
        found += [f"{relative}:{where}" for where in part_references(path)]
    assert found == []


def test_each_solution_and_part_folder_names_only_its_own_part():
    found = []
    for name in NAMES:
        for path in [PROJECT_ROOT / "solutions" / f"{name}.py", *sorted((PARTS_DIR / name).rglob("*.py"))]:
            found += [f"{path.relative_to(PROJECT_ROOT)}:{where}" for where in part_references(path) if not where.endswith(f": {name}")]
    assert found == []


def test_the_grep_finds_what_it_should():
    """The detector itself: a target, a file name, a folder and a bare name count; an English sentence does not."""
    assert names_a_part("validation.trainer", "validation") and names_a_part("validation.py", "validation")
    assert names_a_part("parts/validation/", "validation") and names_a_part("validation", "validation")
    assert not names_a_part("the validation loss", "validation") and not names_a_part("after validation.", "validation")


# ------------------------------------------------------------------ an explicit course


def test_no_module_reads_the_course_from_the_environment():
    """The command line reads --course (default $AUTOGRADER_COURSE) once and passes a Course down; nothing else looks."""
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        text = path.read_text()
        if "AUTOGRADER_COURSE" in text and path.name != "cli.py" and not path.is_relative_to(PACKAGE_DIR / "course"):
            found.append(str(path.relative_to(PACKAGE_DIR)))
        if re.search(r"config\.(active|use|course_path|fingerprint)\(", text) or "os.environ[COURSE" in text:
            found.append(f"{path.relative_to(PACKAGE_DIR)} reads the course from ambient state")
    assert found == []


# ------------------------------------------------------------------ imports at the top unless there is a reason


def lazy_imports_without_a_reason() -> list[str]:
    """Imports inside a function whose comment (on its line, or on an import or comment line of the run just above
    it) does not say why it waits: a heavy library, a platform-only module, the hidden graders absent from a bundle."""
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        lines = path.read_text().splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for statement in ast.walk(node):
                if not isinstance(statement, ast.Import | ast.ImportFrom) or statement is node:
                    continue
                number, said = statement.lineno - 1, False
                while number >= 0:
                    text = lines[number].strip()
                    said = said or "#" in lines[number]
                    if number != statement.lineno - 1 and not (text == "" or text.startswith(("import ", "from ", "#"))):
                        break
                    number -= 1
                    if said:
                        break
                if not said:
                    found.append(f"{path.relative_to(PACKAGE_DIR)}:{statement.lineno}: {lines[statement.lineno - 1].strip()}")
    return found


def test_an_import_inside_a_function_says_why_it_waits():
    assert lazy_imports_without_a_reason() == []
