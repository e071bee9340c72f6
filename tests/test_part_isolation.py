"""A part's mistakes stay in its part, and a NumPy-only part cannot use torch (issue 22, points 3 and 4).

Point 4: a process-wide switch flipped by one part's code (autograd off as a statement, the default dtype, the number
of threads, ...) costs points only in that part's tests, whether the code runs in the fork server's children
(``grade``) or in the students' local runner (``check``): each part keeps its own state in the child
(:mod:`autograder.sandbox.state`). The switches are tried one by one in this process first (what is put back, and
that putting it back is never taken for tampering), then in whole submissions.

Point 3: part 1's record says ``libraries = ["numpy"]``, so its module runs in a child that never loads torch
(:mod:`autograder.sandbox.libraries`): gradients computed with autograd earn none of its points, with one clear line,
and part 1 solved with NumPy is unaffected (even when it imports torch to check itself under ``__main__``).
"""

from __future__ import annotations

import builtins
import json
import os
import random
import subprocess
import sys
import textwrap
import types
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch

from autograder.course.config import Course
from autograder.course.parts import NAMES, part
from autograder.sandbox import capture, integrity, state
from autograder.session import GradingSession
from tests.conftest import ROOT
from tests.notebook_work import fill, write

# ---------------------------------------------------------------- in this process: each switch, put back per part


def _grad_statement() -> None:
    torch.set_grad_enabled(False)  # as a statement, not a context manager: the real student's mistake


def _fake_numpy_random() -> None:
    sys.modules["numpy.random"] = types.ModuleType("numpy.random")


def _own_helper() -> None:
    helper = types.ModuleType("helpers_of_a_part")
    helper.__file__ = os.path.join(ROOT_OF_SUBMISSION, "helpers_of_a_part.py")
    sys.modules["helpers_of_a_part"] = helper


ROOT_OF_SUBMISSION = "/tmp/a-submission-that-does-not-exist"

# (what a part's code does, how to read the state it changed): the state must differ after the switch, come back
# to the pristine value in another part, and return when the first part runs again.
SWITCHES: list[tuple[Callable[[], object], Callable[[], object]]] = [
    (_grad_statement, torch.is_grad_enabled),
    (lambda: torch.set_default_dtype(torch.float64), torch.get_default_dtype),
    (lambda: torch.set_num_threads(3), torch.get_num_threads),
    (lambda: torch.set_anomaly_enabled(True), torch.is_anomaly_enabled),
    (lambda: torch._C._set_deterministic_algorithms(True), torch.are_deterministic_algorithms_enabled),
    (lambda: torch.set_default_device("meta"), lambda: torch.zeros(1).device.type),
    (lambda: torch.set_printoptions(precision=1), lambda: torch._tensor_str.PRINT_OPTS.precision),
    (lambda: torch.set_float32_matmul_precision("medium"), torch.get_float32_matmul_precision),
    (lambda: torch.manual_seed(7), lambda: bytes(torch.get_rng_state().numpy())),
    (lambda: np.set_printoptions(precision=2), lambda: np.get_printoptions()["precision"]),
    (lambda: np.seterr(all="raise"), np.geterr),
    (lambda: np.random.seed(7), lambda: np.random.get_state()[1].tobytes()),
    (lambda: random.seed(7), random.getstate),
    (lambda: warnings.simplefilter("error"), lambda: tuple(warnings.filters[:1])),
    (lambda: sys.setrecursionlimit(400), sys.getrecursionlimit),
    (lambda: sys.path.insert(0, "/a/folder/of/the/student"), lambda: tuple(sys.path)),
    (lambda: os.chdir("/"), os.getcwd),
    (lambda: os.environ.__setitem__("OMP_NUM_THREADS", "8"), lambda: os.environ.get("OMP_NUM_THREADS")),
    (lambda: setattr(builtins, "helper_of_a_part", len), lambda: hasattr(builtins, "helper_of_a_part")),
    (_fake_numpy_random, lambda: sys.modules["numpy.random"]),
    (_own_helper, lambda: "helpers_of_a_part" in sys.modules),
]


@pytest.fixture(scope="module")
def sealed():
    capture.warm_torch()  # as the fork server does before a child seals
    return integrity.seal()


@pytest.mark.parametrize(("switch", "read"), SWITCHES, ids=[f"switch{i}" for i in range(len(SWITCHES))])
def test_each_switch_stays_in_the_part_that_flipped_it(sealed, tmp_path, monkeypatch, switch, read):
    monkeypatch.chdir(tmp_path)
    keeper = state.Keeper(ROOT_OF_SUBMISSION)
    pristine = read()
    try:
        keeper.load("first")  # the first part's module flips the switch as it loads
        switch()
        flipped = read()
        assert flipped != pristine
        keeper.load("second")
        assert read() == pristine  # the next module loads in the pristine state
        keeper.enter("first")
        assert read() == flipped  # the first part finds what its own code left
        keeper.enter("second")
        assert read() == pristine
        assert integrity.changes(sealed) == []  # putting a part's state back is not tampering
    finally:
        keeper.enter("nobody")  # the pristine state, whatever failed above
        integrity.repair(sealed)
    assert read() == pristine


def test_a_helper_module_is_loaded_once_for_each_part_that_imports_it(tmp_path):
    (tmp_path / "shared_helper_of_parts.py").write_text("COUNT = []\n")
    sys.path.insert(0, str(tmp_path))
    keeper = state.Keeper(str(tmp_path))
    try:
        keeper.load("first")
        import shared_helper_of_parts as first  # imported by the first part's code

        first.COUNT.append(1)
        keeper.load("second")
        import shared_helper_of_parts as second  # and by the second's

        assert second is not first and second.COUNT == []
        keeper.enter("first")
        assert sys.modules["shared_helper_of_parts"] is first
        assert "numpy" in sys.modules and sys.modules["numpy"] is np  # libraries stay shared
    finally:
        keeper.enter("nobody")
        sys.path.remove(str(tmp_path))
    assert "shared_helper_of_parts" not in sys.modules


# ---------------------------------------------------------------- the stand-in where torch is withheld

GUARD = textwrap.dedent(
    """
    import importlib, json, sys
    from autograder.sandbox import libraries
    libraries.withhold(["torch"])
    import numpy as np
    import torch
    from torch import nn
    import torch.nn.functional as F
    seen = {"imports": [type(m).__name__ for m in (torch, nn, F, __import__("torch"), importlib.import_module("torch.optim"))]}

    def refused(use):
        try:
            use()
        except libraries.LibraryNotAllowed:
            return True
        except BaseException as error:
            return repr(error)
        return False

    seen["uses"] = {
        "call": refused(lambda: torch.tensor([1.0], requires_grad=True)),
        "autograd": refused(lambda: torch.autograd.grad(1, 2)),
        "subclass": refused(lambda: exec("class Net(nn.Module): pass", {"nn": nn})),
        "isinstance": refused(lambda: isinstance(np.ones(1), torch.Tensor)),
        "numpy": refused(lambda: np.asarray(torch.ones)),
        "dtype": refused(lambda: np.zeros(2, dtype=torch.float64)),
        "arithmetic": refused(lambda: torch.pi * 2),
    }
    seen["leaked_before"] = libraries.leaked()
    sys.meta_path.remove(libraries.Finder)  # the student removes the finder and the stand-ins
    for name in [n for n in sys.modules if n.split(".")[0] == "torch"]:
        del sys.modules[name]
    import torch as real
    seen["real"] = hasattr(real, "autograd")
    seen["leaked_after"] = libraries.leaked()
    print(json.dumps(seen))
    """
)


def test_a_withheld_library_imports_as_a_stand_in_that_refuses_every_use_and_a_real_import_is_seen():
    process = subprocess.run([sys.executable, "-c", GUARD], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert process.returncode == 0, process.stderr[-3000:]
    seen = json.loads(process.stdout.strip().splitlines()[-1])
    assert seen["imports"] == ["StandIn"] * 5
    assert seen["uses"] == dict.fromkeys(seen["uses"], True)
    assert seen["leaked_before"] == [] and seen["real"] and seen["leaked_after"] == ["torch"]


def test_the_record_says_which_part_is_numpy_only():
    assert part("backprop").libraries == ("numpy",) and part("backprop").withheld == ("torch",)
    assert part("backprop").library_rule() == "part 1 asks for NumPy only: torch is not available here"
    assert all(part(name).withheld == () for name in ("training_loop", "validation", "early_stopping", "regularization"))


# ---------------------------------------------------------------- whole submissions: grade (fork server) and check (local)

def with_switch(folder: Path, module: str, line: str) -> Path:
    """The solutions, with ``line`` run when ``module`` is imported (right after its ``import torch``)."""
    path = folder / module
    text = path.read_text()
    at = text.index("\nimport torch\n") + len("\nimport torch\n")
    path.write_text(text[:at] + line + "\n" + text[at:])
    return folder


NO_GRAD = "        with torch.no_grad():\n            for X, y in validloader:\n                valid_batch_loss += criterion(model(X).flatten(), y).item()\n"
GRAD_OFF = "        torch.set_grad_enabled(False)\n        for X, y in validloader:\n            valid_batch_loss += criterion(model(X).flatten(), y).item()\n"


def grad_off_as_a_statement(folder: Path) -> Path:
    """validation's trainer switches autograd off with a statement where it should use ``with torch.no_grad():``."""
    path = folder / "validation.py"
    text = path.read_text()
    assert NO_GRAD in text
    path.write_text(text.replace(NO_GRAD, GRAD_OFF))
    return folder


AUTOGRAD_BACKWARD = '''

import torch  # noqa: E402 - the student's autograd, appended: it replaces the two functions below


def backward_pass(x, y, params):
    t = {name: torch.tensor(float(value), dtype=torch.float64, requires_grad=True) for name, value in params.items()}
    a1, a2 = torch.sigmoid(t["w1"] * x + t["b1"]), torch.sigmoid(t["w2"] * x + t["b2"])
    ((t["w3"] * a1 + t["w4"] * a2 + t["b3"] - y) ** 2).backward()
    return {name: float(value.grad) for name, value in t.items()}


def network_gradients(X, y, W1, b1, W2, b2):
    hidden, output = torch.nn.Linear(len(W1[0]), len(W1)).double(), torch.nn.Linear(len(W1), 1).double()
    with torch.no_grad():
        hidden.weight.copy_(torch.tensor(W1)), hidden.bias.copy_(torch.tensor(b1))
        output.weight.copy_(torch.tensor(W2)), output.bias.copy_(torch.tensor(b2))
    torch.nn.functional.mse_loss(output(torch.sigmoid(hidden(torch.tensor(X)))).flatten(), torch.tensor(y)).backward()
    return {"hidden.weight": hidden.weight.grad.numpy(), "hidden.bias": hidden.bias.grad.numpy(),
            "output.weight": output.weight.grad.numpy(), "output.bias": output.bias.grad.numpy()}
'''
NUMPY_WITH_A_TORCH_CHECK = '''

import torch  # noqa: E402 - only to compare with autograd below, which the grader never runs

if __name__ == "__main__":
    print(backward_pass(0.5, 1.0, CHAPTER_PARAMS), torch.tensor([1.0]))
'''


def appended(folder: Path, module: str, code: str) -> Path:
    path = folder / module
    path.write_text(path.read_text() + code)
    return folder


def as_notebooks(folder: Path) -> Path:
    """Every part as its filled-in plain notebook (the loader runs cells, not a module): validation's trainer turns
    autograd off with a statement, and a last cell of part 1 redefines two functions with autograd."""
    for path in folder.glob("*.py"):
        path.unlink()
    for name in NAMES:
        notebook = fill(json.loads((ROOT / "notebooks" / "plain" / f"{name}.ipynb").read_text()), name)
        for cell in notebook["cells"] if name == "validation" else []:
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = text.replace(NO_GRAD, GRAD_OFF)
        if name == "backprop":
            notebook["cells"].append({"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": AUTOGRAD_BACKWARD})
        write(folder / f"{name}.ipynb", notebook)
    return folder


# name -> (how the solutions are changed, the part that may lose points)
SUBMISSIONS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "grad_off_as_a_statement": (grad_off_as_a_statement, "validation"),
    "float64_at_import": (lambda f: with_switch(f, "training_loop.py", "torch.set_default_dtype(torch.float64)"), "training_loop"),
    "threads_at_import": (lambda f: with_switch(f, "early_stopping.py", "torch.set_num_threads(3)"), "early_stopping"),
    "grad_off_at_import": (lambda f: with_switch(f, "regularization.py", "torch.set_grad_enabled(False)"), "regularization"),
    "autograd_in_part_1": (lambda f: appended(f, "backprop.py", AUTOGRAD_BACKWARD), "backprop"),
    "numpy_part_1_checked_with_torch": (lambda f: appended(f, "backprop.py", NUMPY_WITH_A_TORCH_CHECK), "backprop"),
    "notebooks": (as_notebooks, "validation and backprop"),
}
RULE = "part 1 asks for NumPy only: torch is not available here"


@pytest.fixture(scope="module")
def submissions(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("isolation")
    made = {}
    for name, (change, _) in SUBMISSIONS.items():
        folder = base / name
        folder.mkdir()
        for path in (ROOT / "solutions").glob("*.py"):
            (folder / path.name).write_text(path.read_text())
        made[name] = change(folder)
    return made


def results_of(session: GradingSession, submissions: dict[str, Path], flags: dict[str, list[str]]) -> dict[str, dict]:
    """test -> (passed, points, max points, message) for each submission; what was flagged for a look goes in ``flags``."""
    found = {}
    for name, path in submissions.items():
        report = session.grade(path)
        found[name] = {t.name: (t.passed, t.points, t.max_points, t.message) for t in report.tests}
        flags[name] = list(report.needs_look)
    return found


FLAGS: dict[str, list[str]] = {}


@pytest.fixture(scope="module")
def graded(submissions) -> dict[str, dict[str, tuple[bool, float, float, str]]]:
    """Each submission graded by the hidden graders in the fork server."""
    with GradingSession.hidden_graders(Course()) as session:
        return results_of(session, submissions, FLAGS)


@pytest.fixture(scope="module")
def checked(submissions) -> dict[str, dict[str, tuple[bool, float, float, str]]]:
    """Each submission's public checks in the students' local runner (plain processes, no fork server)."""
    with GradingSession.public_checks() as session:
        return results_of(session, submissions, {})


def losses_outside(results: dict[str, tuple[bool, float, float, str]], own: str) -> list[str]:
    """The tests that failed outside the parts named in ``own`` ("validation and backprop")."""
    parts = tuple(f"{name}." for name in own.split(" and "))
    return [f"{name}: {message[:200]}" for name, (passed, _, _, message) in results.items() if not passed and not name.startswith(parts)]


@pytest.mark.parametrize("name", [n for n in SUBMISSIONS if n != "numpy_part_1_checked_with_torch"])
def test_a_switch_or_torch_costs_points_only_in_its_own_part(graded, checked, name):
    own = SUBMISSIONS[name][1]
    for results in (graded[name], checked[name]):
        assert losses_outside(results, own) == []
    assert FLAGS[name] == []  # a mistake, not tampering: torch.set_default_dtype rebinds torch.Storage itself
    score = sum(score for _, score, _, _ in graded[name].values())
    own_loss = sum(maximum - score for test, (_, score, maximum, _) in graded[name].items() if not losses_outside({test: (False, 0, 0, "")}, own))
    assert score == pytest.approx(100 - own_loss)


@pytest.mark.parametrize("name", ["grad_off_as_a_statement", "notebooks"])
def test_a_trainer_that_switches_autograd_off_loses_its_own_part_only(graded, name):
    lost = [test for test, (passed, *_) in graded[name].items() if not passed and not test.startswith("backprop.")]
    assert "validation.trainer: training and validation losses match the reference" in lost
    assert all(test.startswith("validation.") for test in lost)


@pytest.mark.parametrize("name", ["autograd_in_part_1", "notebooks"])
def test_autograd_in_part_1_earns_none_of_its_points_with_one_clear_line(graded, checked, name):
    for results in (graded[name], checked[name]):
        results = {test: value for test, value in results.items() if test.startswith("backprop.")}
        used = {name: value for name, value in results.items() if name.startswith(("backprop.backward_pass", "backprop.network_gradients"))}
        assert used and all(not passed and score == 0 and RULE in message for passed, score, _, message in used.values())
        others = {name: value for name, value in results.items() if name not in used}
        assert all(passed for passed, *_ in others.values()), [n for n, (p, *_) in others.items() if not p]


def test_part_1_in_numpy_is_unaffected_even_when_it_imports_torch_to_check_itself(graded, checked):
    assert all(passed for passed, *_ in graded["numpy_part_1_checked_with_torch"].values())
    assert all(passed for passed, *_ in checked["numpy_part_1_checked_with_torch"].values())


# ---------------------------------------------------------------- where part 1 runs

PROBE = '''
import os, sys


def sigmoid(z):
    import numpy, torch
    folder = os.path.join(os.path.dirname(os.path.dirname(numpy.__file__)), "torch")
    listed = sorted(os.listdir(folder)) if os.path.isdir(folder) else None
    return {"torch": type(torch).__name__, "listed": listed, "loaded": sorted(n for n in sys.modules if n.startswith("torch"))}


def trainer(*args):
    import torch
    return {"torch": type(torch).__name__}
'''


def test_part_1_runs_in_a_child_that_never_loaded_torch_and_at_namespaces_level_cannot_find_it(tmp_path):
    from autograder.judge.client import ForkServer, Servers, Submission  # the fork server: Linux only

    (tmp_path / "backprop.py").write_text(PROBE)
    (tmp_path / "validation.py").write_text(PROBE)
    with Servers(lambda withheld: ForkServer(withhold=withheld)) as servers:
        submission = Submission(servers, tmp_path, {"backprop": ("file", None), "validation": ("file", None)})
        try:
            numpy_only = submission.call("backprop.sigmoid", 0.0)
            with_torch = submission.call("validation.trainer")
        finally:
            submission.close()
        level = servers.get(("torch",)).isolation["level"]
    assert numpy_only.ok and with_torch.ok, (numpy_only.failure, with_torch.failure)
    seen, other = numpy_only.value["result"], with_torch.value["result"]
    assert other["torch"] == "module"  # the other parts' child has the real torch (pids say nothing: each server is a PID namespace)
    assert seen["torch"] == "StandIn" and set(seen["loaded"]) == {"torch"}  # only the stand-in it imported
    if level == "namespaces":
        assert seen["listed"] == []  # the folder is there, empty: nothing to import, even without the stand-in
