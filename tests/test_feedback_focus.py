"""Feedback that points to the cause (issue 23, points 2 and 3), through the real command line.

- A file that cannot be loaded is one message: a syntax error in any exercise file gives one message naming the
  file, the error and the line, in ``grade`` (table, results.json, the JSON report, report.md and report.html), in
  ``check`` and in a notebook; its tests still fail with 0 points, each with a short reference and no hint.
- A failure that follows from another function says so: with a wrong ``sigmoid``, the tests of the functions that
  call it point to it first; with a wrong ``train_step``, the trainer's do; with a right callee, nothing is said.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from autograder.api import GRADED_MODULES
from autograder.course.parts import part
from autograder.platforms.notebook_builder import plain_notebook
from tests.conftest import run_cli
from tests.notebook_work import fill, write

HINT = "Try this:"
POINTER = re.compile(r"^\w+ uses your \w+")


def break_first_definition(source: str, name: str) -> tuple[str, int]:
    """``source`` with the colon of ``def name(...)`` removed (a syntax error), and that line's number."""
    lines = source.splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.startswith(f"def {name}("))
    header_end = next(i for i in range(number, len(lines)) if lines[i].rstrip().endswith(":"))
    lines[header_end] = lines[header_end].rstrip()[:-1] + "\n"
    return "".join(lines), header_end + 1


def graded(folder: Path, out: Path, *extra: str) -> tuple[str, dict, dict]:
    """``grade`` through the command line with every output: (the table, results.json, the full JSON report)."""
    process = run_cli("grade", str(folder), "--results", str(out / "results.json"), "--json", str(out / "report.json"), *extra)
    assert process.returncode == 0, process.stderr[-3000:]
    return process.stdout, json.loads((out / "results.json").read_text()), json.loads((out / "report.json").read_text())


def checked(path: Path, *extra: str) -> str:
    """``check`` through the command line (exit 1: a check failed)."""
    process = run_cli("check", str(path), *extra)
    assert process.returncode == 1, process.stdout[-3000:] + process.stderr[-3000:]
    return process.stdout


def flat(text: str) -> str:
    """``text`` with its whitespace squeezed (the table wraps its lines)."""
    return " ".join(text.split())


def everything(results: dict) -> str:
    """All the text results.json gives a student."""
    return "\n".join([results["output"], *(test["output"] for test in results["tests"])])


@pytest.mark.parametrize("module", GRADED_MODULES)
def test_a_syntax_error_is_one_message_naming_the_file_and_line(module, solution_copy, tmp_path):
    submission = solution_copy()
    path = submission / f"{module}.py"
    source, line = break_first_definition(path.read_text(), next(iter(part(module).functions)))
    path.write_text(source)
    said = f"{module}.py, line {line}"

    table, results, report = graded(submission, tmp_path, "--part", module, "--report", str(tmp_path / "feedback"))
    texts = (table, everything(results), json.dumps(report), *((tmp_path / "feedback" / f).read_text() for f in ("report.md", "report.html")))
    for text in map(flat, texts):
        assert text.count("SyntaxError") == 1 and text.count(said) == 1, text[-3000:]
        assert HINT not in text and "This looks like" not in text
    ours = [test for test in results["tests"] if test["name"].startswith(f"{module}.")]
    assert ours and all(test["score"] == 0 and test["status"] == "failed" for test in ours)
    assert all(test["output"] == f"not graded: {module}.py could not be loaded (see above)." for test in ours)

    out = checked(submission, module, "--report", str(tmp_path / "checked"))
    for text in map(flat, (out, (tmp_path / "checked" / "report.md").read_text())):
        assert text.count("SyntaxError") == 1 and text.count(said) == 1, text[-3000:]
        assert HINT not in text and "Stuck?" not in text


@pytest.mark.parametrize("module", GRADED_MODULES)
def test_a_notebook_cell_with_a_syntax_error_is_one_message_naming_the_cell_and_line(module, tmp_path):
    notebook = fill(plain_notebook(module), module)
    first = next(iter(part(module).functions))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    number, cell = next((i, c) for i, c in enumerate(code, 1) if "".join(c["source"]).startswith(f"def {first}("))
    cell["source"], line = break_first_definition("".join(cell["source"]), first)
    path = write(tmp_path / f"{module}.ipynb", notebook)
    said = f"code cell {number} (the one that begins `def {first}("

    table, results, _ = graded(path, tmp_path)
    out = checked(path)
    for text in map(flat, (table, everything(results), out)):
        assert text.count("SyntaxError") == 1 and text.count(said) == 1, text[-3000:]
        assert f"at line {line} of the cell" in text and f"{first} is defined there" in text
    reference = f"not graded: code cell {number} of {module}.ipynb could not run (see above)."
    ours = [test for test in results["tests"] if test["name"].startswith(f"{module}.{first}:")]
    assert ours and all(test["score"] == 0 and test["output"] == reference for test in ours)
    assert "Stuck?" not in out or f"hint {module}.{first} " not in out


def _messages(results: dict, prefix: str) -> dict[str, str]:
    return {test["name"]: test["output"] for test in results["tests"] if test["name"].startswith(prefix) and test["status"] == "failed"}


def test_a_wrong_sigmoid_is_pointed_to_by_the_functions_that_call_it(solution_copy, tmp_path):
    submission = solution_copy()
    path = submission / "backprop.py"
    path.write_text(path.read_text().replace("    return 1.0 / (1.0 + np.exp(-z))", "    return 1.0 / (1.0 + np.exp(z))"))

    _, results, _ = graded(submission, tmp_path, "--part", "backprop")
    failed = _messages(results, "backprop.")
    callers = {name: message for name, message in failed.items() if not name.startswith("backprop.sigmoid:")}
    assert {name.partition(":")[0] for name in callers} == {"backprop.forward_pass", "backprop.backward_pass", "backprop.network_gradients"}
    for name, message in callers.items():
        function = name.partition(".")[2].partition(":")[0]
        assert message.startswith(f"{function} uses your sigmoid"), message
        assert "fix sigmoid first" in message.splitlines()[0] and HINT not in message
    assert "(through forward_pass)" in callers["backprop.backward_pass: the chapter's example (x, y) = (1, 3)"]
    assert not any(POINTER.match(message) for name, message in failed.items() if name.startswith("backprop.sigmoid:"))
    assert all(results["tests"][i]["score"] == 0 for i, t in enumerate(results["tests"]) if t["name"] in failed)

    out = checked(submission, "backprop")
    for function in ("forward_pass", "backward_pass", "network_gradients"):
        assert f"{function} uses your sigmoid" in out
    assert "Stuck? python -m autograder hint backprop.sigmoid " in out


def test_a_wrong_train_step_is_pointed_to_by_the_trainer(solution_copy, tmp_path):
    submission = solution_copy()
    path = submission / "training_loop.py"
    path.write_text(path.read_text().replace("    optimizer.zero_grad()\n    y_hat = model(X).flatten()", "    y_hat = model(X).flatten()"))

    _, results, _ = graded(submission, tmp_path, "--part", "training_loop")
    trainer = _messages(results, "training_loop.trainer:")
    assert trainer and all(message.startswith("trainer uses your train_step, which fails its own test: fix train_step first.") for message in trainer.values())
    assert all(HINT not in message for message in trainer.values())
    assert not any(POINTER.match(message) for message in _messages(results, "training_loop.train_step:").values())

    out = checked(submission, "training_loop")
    assert "trainer uses your train_step" in out and "Stuck? python -m autograder hint training_loop.train_step " in out


def test_with_a_right_callee_nothing_points_elsewhere(solution_copy, tmp_path):
    submission = solution_copy()
    backprop = submission / "backprop.py"  # backward_pass wrong, sigmoid and forward_pass right
    backprop.write_text(backprop.read_text().replace('"w1": d_z1 * x,', '"w1": d_z1,').replace('"w2": d_z2 * x,', '"w2": d_z2,'))
    loop = submission / "training_loop.py"  # trainer wrong, train_step right
    loop.write_text(loop.read_text().replace("batch_losses / len(dataloader)", "batch_losses / len(dataloader.dataset)"))

    _, results, _ = graded(submission, tmp_path)
    failed = _messages(results, "")
    assert any(name.startswith("backprop.backward_pass:") for name in failed) and any(name.startswith("training_loop.trainer:") for name in failed)
    assert not any(name.startswith(("backprop.sigmoid:", "backprop.forward_pass:", "training_loop.train_step:")) for name in failed)
    assert not any("uses your" in message for message in failed.values()), failed
    out = checked(submission, "backprop", "training_loop")
    assert "uses your" not in out
