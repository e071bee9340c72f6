"""``check("train_step")`` and ``hint("train_step")`` in a notebook (issue 13, point 4), run in a real Jupyter kernel.

The plain notebooks carry a ``check(...)`` cell after every function to write; these tests fill a
notebook as a student would (the solution, or the solution with a classic mistake), run it in a
Jupyter kernel and read what the check and hint cells printed. The hints themselves are held to
their rules here: three steps for every graded function, none holding a line of the solution.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from autograder import SOLUTIONS_DIR
from autograder.checks import hints
from autograder.course.parts import PARTS, UnknownName, locate
from autograder.platforms.notebook_builder import plain_notebook
from tests.conftest import ROOT, run_cli
from tests.notebook_work import execute, fill

NO_ZERO_GRAD = "This looks like no optimizer.zero_grad()"


def solution_code(length: int = 16) -> set[str]:
    """Lines of the solutions' code (inside the fences, whitespace squeezed) of at least ``length`` characters."""
    lines = set()
    for path in SOLUTIONS_DIR.glob("*.py"):
        inside = False
        for line in path.read_text().splitlines():
            inside = ("### BEGIN SOLUTION" in line) or (inside and "### END SOLUTION" not in line)
            code = " ".join(line.split("#")[0].split())
            if inside and len(code) >= length:
                lines.add(code)
    return lines


def test_every_graded_function_has_three_hint_steps_and_nothing_else():
    written = set()
    for p in PARTS:
        with hints.hints_file(p.name).open("rb") as file:
            written |= {(p.name, function) for function in tomllib.load(file)}
    expected = {(p.name, f) for p in PARTS for f in p.functions}
    assert written == expected
    for part, function in expected:
        steps = hints.steps(part, function)
        assert len(steps) == 3 and all(len(step) > 60 for step in steps), (part, function)


def test_no_hint_holds_solution_code():
    text = " ".join(" ".join(step.split()) for p in PARTS for f in p.functions for step in hints.steps(p.name, f))
    leaked = sorted(line for line in solution_code() if line in text)
    assert leaked == []
    # prose, never code to paste: no code block, assignment from a call, attribute call, definition or return expression
    for code in (r"```", r"\b[a-z_]\w* = [a-z_][\w.]*\(", r"\.\w+\(", r"\bdef \w+\(", r"\breturn \w+[\[(.]"):
        assert not re.search(code, text), code


def test_names_are_located_or_refused_in_one_line():
    assert locate("train_step") == ("training_loop", "train_step")
    assert locate("trainer", within="early_stopping") == ("early_stopping", "trainer")
    assert locate("putting_it_together.trainer") == ("putting_it_together", "trainer")
    for name, words in {"trainer": "in several parts", "train_stepp": "neither a part", "backprop.trainer": "no function"}.items():
        with pytest.raises(UnknownName, match=words):
            locate(name)


def test_hint_on_the_command_line_gives_one_step_and_says_how_to_get_the_next():
    first = subprocess.run([sys.executable, "-m", "autograder", "hint", "train_step"], capture_output=True, text=True, cwd=ROOT)
    assert first.returncode == 0 and first.stdout.startswith("Hint 1 of 3 for train_step (training_loop): ")
    assert hints.steps("training_loop", "train_step")[0] in first.stdout and "hint train_step 2" in first.stdout
    ambiguous = subprocess.run([sys.executable, "-m", "autograder", "hint", "trainer"], capture_output=True, text=True, cwd=ROOT)
    assert ambiguous.returncode == 2 and ambiguous.stderr.count("\n") == 1 and "validation.trainer" in ambiguous.stderr


def _with_cells(notebook: dict, after: str, sources: dict[str, str]) -> dict:
    """``notebook`` with new code cells (id -> source) inserted after the cell ``after``."""
    cells = list(notebook["cells"])
    index = next(i for i, cell in enumerate(cells) if cell["id"] == after) + 1
    new = [
        {"cell_type": "code", "execution_count": None, "id": key, "metadata": {}, "outputs": [], "source": text}
        for key, text in sources.items()
    ]
    return {**notebook, "cells": cells[:index] + new + cells[index:]}


def test_a_notebook_checks_what_it_defined_and_gives_hints_step_by_step(tmp_path):
    """The plain notebook with no zero_grad: its check cell names the diagnosis; hint() goes 1, 2, 3; the fix passes."""
    part = "training_loop"
    wrong = fill(plain_notebook(part), part, "mistake")
    wrong = _with_cells(
        wrong,
        "check-train_step",
        {"hint-1": 'hint("train_step")', "hint-2": 'hint("train_step")', "hint-3": 'hint("train_step")', "early": "check()"},
    )
    wrong = _with_cells(wrong, "check-trainer", {"whole": "check()"})
    out = execute(wrong, tmp_path)
    assert out["checks-setup"] == ""
    assert "Public checks of train_step: 1 of 2 pass" in out["check-train_step"] and NO_ZERO_GRAD in out["check-train_step"]
    assert out["check-train_step"].count("Public checks of train_step") == 1  # printed once, not displayed again by rich
    assert out["check-train_step"].count(NO_ZERO_GRAD) == 1
    assert "graded from" not in out["check-train_step"]  # the kernel's cells, not the temporary notebook they are put in
    assert 'Stuck? hint("train_step") gives a hint' in out["check-train_step"]
    steps = hints.steps(part, "train_step")
    for number in (1, 2, 3):
        assert f"Hint {number} of 3 for train_step" in out[f"hint-{number}"] and steps[number - 1][:50] in out[f"hint-{number}"]
    assert out["early"].startswith("trainer: not defined in this notebook yet")  # check() before its cell ran
    assert "Public checks of train_step, trainer: 1 of 3 pass" in out["whole"]

    right = execute(fill(plain_notebook(part), part), tmp_path)
    assert "Public checks of train_step: 2 of 2 pass" in right["check-train_step"]
    assert "Public checks of trainer: 1 of 1 pass" in right["check-trainer"]


def test_a_notebook_with_a_stub_or_a_wrong_name_gets_one_line(tmp_path):
    notebook = _with_cells(plain_notebook("validation"), "check-trainer", {"typo": 'check("trainr")', "other": 'hint("backprop")'})
    out = execute(notebook, tmp_path)
    assert out["check-trainer"].strip() == "trainer: not started yet (it still raises NotImplementedError)"
    assert out["typo"].count("\n") == 1 and "neither a part" in out["typo"]
    assert out["other"].startswith("Hints are written per function; for backprop:")


def test_a_cell_with_a_syntax_error_is_one_line_naming_it(tmp_path):
    """issue 23: train_step's cell has a syntax error. Its check is one line naming the cell (its first line) and the
    error's line, with no hint; the trainer, which uses train_step, waits for that cell instead of failing its check."""
    part = "training_loop"
    notebook = fill(plain_notebook(part), part)
    cell = next(c for c in notebook["cells"] if c["id"] == "solution-train_step")
    lines = "".join(cell["source"]).splitlines(keepends=True)
    assert lines[0].startswith("def train_step(") and lines[0].rstrip().endswith(":")
    cell["source"] = "".join([lines[0].rstrip()[:-1] + "\n", *lines[1:]])
    out = execute(notebook, tmp_path)
    said = "The cell that begins `def train_step(model: torch.nn.Module"
    line = out["check-train_step"].strip()
    assert line.count("\n") == 0 and line.startswith(said), out["check-train_step"]
    assert "has a syntax error at its line 1 (expected ':')" in line and "train_step is not checked until it does" in line
    assert "Stuck?" not in out["check-train_step"] and "Try this" not in out["check-train_step"]
    trainer = out["check-trainer"].strip().splitlines()
    assert len(trainer) == 2 and trainer[0].startswith(said), trainer
    assert trainer[1] == "trainer: not checked until that cell runs (it uses train_step)"


RUNNER = """
import io, json, sys
from pathlib import Path
from autograder import notebook_checks
fixed = Path(sys.argv[1]).read_text()
broken = fixed.replace("    optimizer.zero_grad()\\n", "")
assert broken != fixed
outputs = []
for cells in ([broken], [fixed], [broken]):
    out = io.StringIO()
    verdict = notebook_checks.run_checks("training_loop", "train_step", cells, out=out)
    outputs.append([verdict, out.getvalue()])
    notebook_checks.runner().server.ready()  # waiting for the next process, twice, before the next check: no hang
    notebook_checks.runner().server.ready()
server = notebook_checks.runner().server.started[()]
print(json.dumps({"outputs": outputs, "sessions": len(notebook_checks._RUNNER), "starts": server.starts, "pids": sorted(server.processes)}))
"""


def test_a_kernel_keeps_one_check_runner_and_each_check_gets_a_fresh_process(tmp_path):
    """issue 25: the kernel's checks share one session, which keeps the next process started (torch imported); each
    check still runs in a process of its own, so a fix (or a mistake) made between two checks is what the next one sees,
    and nothing of the runner outlives the kernel."""
    process = subprocess.run(
        [sys.executable, "-c", RUNNER, str(SOLUTIONS_DIR / "training_loop.py")], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert process.returncode == 0, process.stderr[-3000:]
    found = json.loads(process.stdout.strip().splitlines()[-1])
    verdicts = [verdict for verdict, _ in found["outputs"]]
    assert verdicts == [False, True, False]
    assert NO_ZERO_GRAD in found["outputs"][0][1] and NO_ZERO_GRAD in found["outputs"][2][1]
    assert "Public checks of train_step: 2 of 2 pass" in found["outputs"][1][1]
    assert found["sessions"] == 1
    assert found["starts"] == 4  # one process per check, and the next one already started
    deadline = time.monotonic() + 30
    alive = found["pids"]
    while alive and time.monotonic() < deadline:  # the processes end with the kernel (reaped by init meanwhile)
        alive = [pid for pid in alive if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)]
        time.sleep(0.2)
    assert alive == []


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return "Z"


def test_an_unguarded_set_up_cell_is_no_mistake_in_check_or_grade(tmp_path):
    """A student's own notebook whose set-up and check cells lack the ``if __name__ == "__main__":`` guard: the child
    runs them when it loads the notebook. Before, ``check`` failed every test with a false tampering accusation (the
    real module imported the judge into the local child) and ``grade`` said the set-up cell "could not run". Now the
    child's stand-in makes both a no-op: every check passes, full points, nothing for the instructor's look."""
    import nbformat

    solution = (SOLUTIONS_DIR / "training_loop.py").read_text().partition('if __name__ == "__main__":')[0]
    cells = [
        "from autograder.notebook_checks import checks_for\ncheck, hint = checks_for('training_loop')",
        solution,
        "import autograder.notebook_checks\ncheck('train_step')\nhint('train_step')",
    ]
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(cell) for cell in cells], metadata={"autograder": {"module": "training_loop"}}
    )
    path = tmp_path / "training_loop.ipynb"
    nbformat.write(notebook, path)

    checked = run_cli("check", str(path))
    assert checked.returncode == 0, checked.stdout[-3000:]
    # the table's rows (its title holds the long temporary path, which the table may wrap): three checks, all ok
    rows = [line.split("│")[1].strip() for line in checked.stdout.splitlines() if "training_loop." in line and line.count("│") >= 3]
    assert rows == ["ok", "ok", "ok"], checked.stdout[-3000:]
    assert "tamper" not in checked.stdout.lower() and "[x]" not in checked.stdout

    report = tmp_path / "report.json"
    graded = run_cli("grade", str(path), "--part", "training_loop", "--json", str(report))
    assert graded.returncode == 0, graded.stderr[-3000:]
    found = json.loads(report.read_text())
    assert sum(t["points"] for t in found["tests"]) == sum(t["max_points"] for t in found["tests"]) > 0
    assert found["needs_look"] == [] and found["load_errors"] == {}
    assert "could not run" not in graded.stdout

    # and in a kernel's own check() (the cells as the kernel ran them, through the kept-warm runner)
    out = io.StringIO()
    from autograder import notebook_checks

    try:
        assert notebook_checks.run_checks("training_loop", None, cells, out=out) is True, out.getvalue()[-3000:]
    finally:
        notebook_checks.drop_runner()
