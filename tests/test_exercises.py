"""exercises/ is generated from solutions/, every stub is a stub, and the student API is exactly as fixed."""

from __future__ import annotations

import ast
import inspect

import pytest

from autograder import EXERCISES_DIR, SOLUTIONS_DIR
from autograder.api import GRADED_MODULES, PROVIDED_MODULES, STUDENT_API
from autograder.references import load_solution
from autograder.stubs import StubError, build_exercises, make_stub
from tests.conftest import run_cli


def load_exercise(module: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"exercise_{module}", EXERCISES_DIR / f"{module}.py")
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def parameters(function) -> tuple[str, ...]:
    return tuple(
        name if p.default is inspect.Parameter.empty else f"{name}={p.default!r}"
        for name, p in inspect.signature(function).parameters.items()
    )


def test_exercises_are_in_sync_with_solutions():
    assert build_exercises(SOLUTIONS_DIR, EXERCISES_DIR, check=True) == []


def test_build_exercises_check_fails_on_a_stale_file(tmp_path):
    target = tmp_path / "exercises"
    build_exercises(SOLUTIONS_DIR, target)
    (target / "backprop.py").write_text("# edited by hand\n")
    assert build_exercises(SOLUTIONS_DIR, target, check=True) == ["backprop.py"]
    process = run_cli("build-exercises", "--check", "--exercises", str(target))
    assert process.returncode == 1 and "backprop.py" in process.stdout


def test_make_stub_replaces_each_block_at_its_indentation():
    source = "def f(x):\n    '''doc'''\n    ### BEGIN SOLUTION\n    y = x\n    return y\n    ### END SOLUTION\n\n\ndef g():\n        ### BEGIN SOLUTION\n        pass\n        ### END SOLUTION\n"
    assert make_stub(source) == (
        "def f(x):\n    '''doc'''\n    # YOUR CODE HERE\n    raise NotImplementedError()\n\n\n"
        "def g():\n        # YOUR CODE HERE\n        raise NotImplementedError()\n"
    )


@pytest.mark.parametrize(
    "source",
    ["### BEGIN SOLUTION\nx\n", "### END SOLUTION\n", "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n"],
)
def test_unbalanced_markers_are_refused(source):
    with pytest.raises(StubError):
        make_stub(source)


@pytest.mark.parametrize("module", GRADED_MODULES)
def test_signatures_match_the_student_api(module):
    for loaded in (load_solution(module), load_exercise(module)):
        for name, expected in STUDENT_API[module].items():
            assert parameters(getattr(loaded, name)) == expected, f"{module}.{name}"


@pytest.mark.parametrize("module", GRADED_MODULES)
def test_every_stub_raises_not_implemented(module):
    loaded = load_exercise(module)
    for name, params in STUDENT_API[module].items():
        required = [p for p in params if "=" not in p]
        with pytest.raises(NotImplementedError):
            getattr(loaded, name)(*([None] * len(required)))


@pytest.mark.parametrize("module", GRADED_MODULES)
def test_every_stub_tells_the_student_what_to_do(module):
    tree = ast.parse((EXERCISES_DIR / f"{module}.py").read_text())
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    for name in STUDENT_API[module]:
        doc = ast.get_docstring(functions[name]) or ""
        assert "Example" in doc, f"{module}.{name} has no worked example"
        assert "Hint" in doc or "hint" in doc, f"{module}.{name} has no hint"
        assert "Returns" in doc, f"{module}.{name} does not say what it returns"


def test_exercises_hold_no_solution_code():
    for path in EXERCISES_DIR.glob("*.py"):
        text = path.read_text()
        assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    for module in PROVIDED_MODULES:
        assert (EXERCISES_DIR / f"{module}.py").read_text() == (SOLUTIONS_DIR / f"{module}.py").read_text()


def test_backprop_stays_numpy_only():
    for module in (SOLUTIONS_DIR / "backprop.py", EXERCISES_DIR / "backprop.py"):
        imported = {n.names[0].name for n in ast.walk(ast.parse(module.read_text())) if isinstance(n, ast.Import)}
        imported |= {n.module for n in ast.walk(ast.parse(module.read_text())) if isinstance(n, ast.ImportFrom)}
        assert not any(name and name.startswith("torch") for name in imported)
