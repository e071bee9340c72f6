"""`python -m autograder check` where students are (issue 13): a fresh environment built with the bundle README's
own commands, the checks without fork, prctl or the fork server, and a hanging and a crashing function.

What this machine can run is Linux with Python 3.11 and torch 2.13.0 CPU. The no-fork run below
(a ``sitecustomize.py`` that removes ``os.fork``, libc's ``prctl`` and the Linux-only modules) is the
nearest we can get to macOS and Windows here; real macOS, Windows and Colab were not run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from autograder import PROJECT_ROOT
from autograder.course import environment
from autograder.judge.local import LocalSubmission
from autograder.judge.table import tables
from autograder.session import GradingSession
from tests.public_checks import CLEO as CLEO_SAYS

ROOT = PROJECT_ROOT
# How many public checks there are, read from the parts' tables (the count changes as checks are added).
PUBLIC_CHECKS = len(tables("public"))
CLEO_FOLDER = ROOT / "examples" / "submissions" / "cleo_typical_mistakes"
SHELL = "macOS and Linux (bash, zsh)"
# This machine has no network: the README's PyTorch CPU index is swapped for the local package index
# (pip's configured find-links, /opt/wheels, holds the torch CPU wheel). Everything else runs as written.
LOCAL_INDEX = "file:///opt/pypi/simple"

# What `check` must say about cleo's four classic mistakes: the graders' own diagnosis of each.
CLEO_DIAGNOSES: tuple[str, ...] = tuple(CLEO_SAYS.values())


def readme_commands(readme: str, shell: str = SHELL, section: str = "Set up") -> list[str]:
    """The indented block that follows ``shell:`` in the README's ``section`` ("Set up", "Notebooks"), one command a line."""
    section = readme.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    block = section.split(f"{shell}:\n\n", 1)[1]
    commands = []
    for line in block.splitlines():
        if not line.startswith("    "):
            break
        commands.append(line.strip())
    return commands


def run(command: list[str] | str, cwd: Path, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, shell=isinstance(command, str), executable=None
    )


@pytest.fixture(scope="module")
def student(tmp_path_factory) -> dict:
    """A released bundle with its own virtual environment, installed with the README's commands (about a minute)."""
    base = tmp_path_factory.mktemp("student")
    bundle = base / "bundle"
    released = run([sys.executable, "-m", "autograder", "release", str(bundle)], cwd=ROOT)
    assert released.returncode == 0, released.stderr
    commands = readme_commands((bundle / "README.md").read_text())
    assert commands[-1] == ".venv/bin/python -m autograder check" and "--index-url" in commands[1]
    # PIP_CONSTRAINT: the local CPU wheel of torch for Python 3.11, so that pip never reaches for a multi-GB CUDA build.
    constraint = base / "constraints.txt"
    constraint.write_text(f"torch=={environment.GRADING_PINS['torch']}\n")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    env["PIP_CONSTRAINT"] = str(constraint)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT)))
    for command in commands[:-1]:
        done = run(command.replace(environment.TORCH_CPU_INDEX, LOCAL_INDEX), cwd=bundle, env=env)
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    pristine = base / "pristine-exercises"
    shutil.copytree(bundle / "exercises", pristine)
    return {"bundle": bundle, "env": env, "check": commands[-1], "pristine": pristine}


def as_student(student: dict, files: list[Path], *args: str) -> subprocess.CompletedProcess:
    """Put ``files`` into the bundle's exercises/ (over the untouched stubs) and run the README's check command."""
    exercises = student["bundle"] / "exercises"
    shutil.rmtree(exercises)
    shutil.copytree(student["pristine"], exercises)
    for file in files:
        shutil.copyfile(file, exercises / file.name)
    return run(" ".join([student["check"], *args]), cwd=student["bundle"], env=student["env"], timeout=300)


def test_bundle_environment_has_the_ranges_not_the_pins(student):
    requirements = (student["bundle"] / "requirements.txt").read_text().split()
    assert "torch>=2.3" in requirements and not any("==" in line for line in requirements)
    notebooks = (student["bundle"] / "requirements-notebooks.txt").read_text()
    assert "-r requirements.txt" in notebooks and "jupyter" in notebooks
    readme = (student["bundle"] / "README.md").read_text()
    assert "Windows (PowerShell)" in readme and ".venv\\Scripts\\python -m autograder check" in readme
    assert environment.TORCH_CPU_INDEX in readme and "Colab" in readme and "do not reinstall torch" in readme
    assert "3.11 to 3.13" in readme


def test_grading_pins_match_pyproject():
    pyproject = (ROOT / "pyproject.toml").read_text()
    for package in ("torch", "numpy"):
        assert f'"{package}=={environment.GRADING_PINS[package]}"' in pyproject
    assert f"<3.{int(environment.GRADING_PINS['python'].split('.')[1]) + 1}" in pyproject


def test_solutions_pass(student):
    process = as_student(student, sorted((ROOT / "solutions").glob("*.py")))
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    assert f"{PUBLIC_CHECKS} of {PUBLIC_CHECKS} pass" in " ".join(process.stdout.split()) and "Found Python 3.11" in process.stdout
    assert "Traceback" not in process.stdout + process.stderr


def test_untouched_exercises_are_one_line_per_part(student):
    process = as_student(student, [])
    assert process.returncode == 0, process.stderr[-3000:]
    lines = [line for line in process.stdout.splitlines() if "not started yet" in line]
    assert "training_loop: not started yet (every function still raises NotImplementedError)" in lines and len(lines) == 6
    assert "pass" not in process.stdout.split("not started yet")[0]  # no table of failures


def test_cleo_fails_the_checks_with_each_mistake_named(student):
    process = as_student(student, sorted(CLEO_FOLDER.glob("*.py")))
    assert process.returncode == 1, process.stdout[-3000:]
    said = " ".join(process.stdout.split())  # the terminal wraps long messages
    for diagnosis in CLEO_DIAGNOSES:
        assert " ".join(diagnosis.split()) in said, diagnosis


def test_a_failed_check_of_a_started_part_exits_1(student, tmp_path):
    wrong = tmp_path / "backprop.py"
    wrong.write_text((ROOT / "solutions" / "backprop.py").read_text().replace("return 1.0 / (1.0 + np.exp(-z))", "return 0.0 * z"))
    process = as_student(student, [wrong])
    assert process.returncode == 1, process.stdout[-3000:]
    assert "[x] backprop.sigmoid" in process.stdout and "validation: not started yet" in process.stdout


def test_report_in_the_bundle(student, tmp_path):
    out = tmp_path / "feedback"
    process = as_student(student, [ROOT / "solutions" / "backprop.py", ROOT / "solutions" / "training_loop.py"], "--report", str(out))
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    html = (out / "report.html").read_text()
    assert "Public checks" in html and "training_loop.trainer: one loss per epoch" in html
    assert "validation: not started yet" in html and "every function still raises NotImplementedError" in html


def test_one_part(student):
    process = as_student(student, sorted(CLEO_FOLDER.glob("*.py")), "training_loop")
    assert process.returncode == 1, process.stdout[-3000:]  # cleo's training_loop has no zero_grad
    tests = re.findall(r"│ (?:ok|x|!!) +│ (\S+?)[.:]", process.stdout)
    assert tests and set(tests) == {"training_loop"}, process.stdout
    again = as_student(student, sorted(CLEO_FOLDER.glob("*.py")), "exercises", "training_loop", "validation")
    assert set(re.findall(r"│ (?:ok|x|!!) +│ (\S+?)[.:]", again.stdout)) == {"training_loop", "validation"}, again.stdout


def test_unknown_part_is_one_line(student):
    process = as_student(student, [], "training_lop")
    assert process.returncode == 2 and process.stdout.strip() == ""
    assert process.stderr.strip().splitlines() == [process.stderr.strip()] and "unknown part training_lop" in process.stderr


# ---------------------------------------------------------------- no fork, no prctl, no fork server

SITECUSTOMIZE = '''
"""The student's machine, as near as Linux gets: no os.fork, no prctl, none of the Linux-only sandbox modules."""
import ctypes
import importlib.abc
import os
import sys

for name in ("fork", "forkpty"):
    if hasattr(os, name):
        delattr(os, name)

_CDLL = ctypes.CDLL


class NoPrctl(_CDLL):
    def __getattr__(self, name):
        if name == "prctl":
            raise AttributeError("no prctl here (simulated macOS or Windows)")
        return super().__getattr__(name)

    def __getitem__(self, name):
        if name == "prctl":
            raise AttributeError("no prctl here (simulated macOS or Windows)")
        return super().__getitem__(name)


ctypes.CDLL = NoPrctl
BLOCKED = {BLOCKED}


class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in BLOCKED:
            if name.startswith("autograder."):  # `resource` may be tried: code that guards it with ImportError works on Windows
                with open(os.environ["NOFORK_LOG"], "a") as log:
                    log.write(name + "\\n")
            raise ImportError(f"{name} is not available here (simulated macOS or Windows)")
        return None


sys.meta_path.insert(0, Block())
'''
BLOCKED = (
    "autograder.sandbox.forkserver",
    "autograder.sandbox.isolation",
    "autograder.sandbox.limits",
    "autograder.sandbox.seccomp",
    "resource",
)
VERDICTS = """
import json, sys
from pathlib import Path
from autograder.session import GradingSession
verdicts = {}
with GradingSession.public_checks() as session:
    for path in sys.argv[1:]:
        verdicts[path] = [[t.name, t.passed, t.message] for t in session.grade(Path(path)).tests]
kept = {}  # a notebook kernel's runner: one session, the next process started while a check runs
with GradingSession.public_checks(keep_warm=True) as session:
    for path in sys.argv[1:]:
        kept[path] = [[t.name, t.passed, t.message] for t in session.grade(Path(path)).tests]
assert kept == verdicts, "the kept-warm runner differs"
print(json.dumps(verdicts))
"""


def test_checks_without_fork_give_the_fork_servers_verdicts(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE.replace("{BLOCKED}", repr(set(BLOCKED))))
    log = tmp_path / "blocked.log"
    log.write_text("")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path / "site"), str(ROOT)]), NOFORK_LOG=str(log))
    submissions = [str(ROOT / "solutions"), str(ROOT / "exercises"), str(CLEO_FOLDER)]
    probe = run([sys.executable, "-c", "import os, ctypes; print(hasattr(os, 'fork'))"], cwd=tmp_path, env=env)
    assert probe.stdout.strip() == "False", probe.stderr
    process = run([sys.executable, "-c", VERDICTS, *submissions], cwd=tmp_path, env=env)
    assert process.returncode == 0, process.stderr[-3000:]
    portable = json.loads(process.stdout.strip().splitlines()[-1])
    assert log.read_text() == "", f"Linux-only modules were imported: {log.read_text()}"
    with GradingSession.public_checks(sandbox=True) as session:
        forked = {path: [[t.name, t.passed, t.message] for t in session.grade(Path(path)).tests] for path in submissions}
    assert portable == forked
    assert sum(passed for _, passed, _ in portable[str(ROOT / "solutions")]) == PUBLIC_CHECKS
    assert sum(passed for _, passed, _ in portable[str(ROOT / "exercises")]) == 0


# ---------------------------------------------------------------- a hanging and a crashing function


def broken_backprop(folder: Path) -> Path:
    """The reference backprop with ``sgd_step`` hanging and ``numerical_gradient`` ending the process (os._exit)."""
    text = (ROOT / "solutions" / "backprop.py").read_text()
    text = text.replace("    return {name: params[name] - lr * grads[name] for name in params}", "    while True:\n        pass")
    start = text.index("def numerical_gradient")
    fence = text.index("    ### BEGIN SOLUTION\n", start) + len("    ### BEGIN SOLUTION\n")
    text = text[:fence] + "    import os\n\n    os._exit(3)\n" + text[fence:]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "backprop.py").write_text(text)
    return folder


def test_hanging_and_crashing_functions_fail_alone(tmp_path):
    folder = broken_backprop(tmp_path / "broken")
    started = time.monotonic()
    with GradingSession.public_checks() as session:
        report = session.grade(folder, parts=("backprop",))
    seconds = time.monotonic() - started
    verdicts = {t.name.partition(":")[0]: t for t in report.tests}
    assert not verdicts["backprop.sgd_step"].passed and "did not finish in time" in verdicts["backprop.sgd_step"].message
    crashed = verdicts["backprop.numerical_gradient"]
    assert not crashed.passed and "stopped (exit 3)" in crashed.message and "os._exit()" in crashed.message
    others = [t for name, t in verdicts.items() if name not in ("backprop.sgd_step", "backprop.numerical_gradient")]
    assert len(others) == 4 and all(t.passed for t in others), [(t.name, t.message) for t in others]
    assert seconds < 60, seconds  # one 5 s time-out, a restart after each failure


def test_local_submission_replaces_its_process(tmp_path):
    folder = broken_backprop(tmp_path / "broken")
    modules = {"backprop": ("file", None)}
    submission = LocalSubmission(folder, modules, call_timeout=2.0)
    try:
        started = time.monotonic()
        hung = submission.call("backprop.sgd_step", {"b3": -1.0}, {"b3": 1.0}, 0.1)
        # The limit ends the call (a hang would never return): the bound only catches that, not speed, which
        # the start of a fresh child importing torch on a loaded machine makes vary widely.
        assert not hung.ok and hung.failure.kind == "timeout" and time.monotonic() - started < 120
        assert submission.call("backprop.sigmoid", 0.0).value["result"] == 0.5
        crashed = submission.scenario(
            "numerical_gradient",
            ["backprop.numerical_gradient"],
            {"function": "coupled_quadratic", "x": [0.5, -1.0], "h": None},
        )
        assert not crashed.ok and crashed.failure.kind == "crash" and crashed.failure.message == "exit 3"
        printed = submission.call("backprop.sigmoid", 0.0)
        assert printed.ok and printed.value["result"] == 0.5
        server = submission.child_of("backprop").server  # part 1's: a process that withholds torch
        assert server.withheld == ("torch",)
        assert server.starts == 3  # the first process, then one after the hang and one after the crash
    finally:
        submission.close()
    assert not any(process.poll() is None for process in server.processes.values())


def test_prints_cannot_corrupt_the_protocol(tmp_path):
    folder = tmp_path / "noisy"
    folder.mkdir()
    (folder / "backprop.py").write_text(
        textwrap.dedent(
            """
            import os, sys
            print("hello at import")
            os.write(1, b"raw bytes on fd 1")
            def sigmoid(z):
                print("inside")
                os.write(1, b"\\x00\\x00\\x00\\x08garbage")
                sys.stdout.flush()
                return 0.5
            """
        )
    )
    submission = LocalSubmission(folder, {"backprop": ("file", None)})
    try:
        outcome = submission.call("backprop.sigmoid", 0.0)
        assert outcome.ok and outcome.value["result"] == 0.5 and "inside" in outcome.stdout
    finally:
        submission.close()


# ---------------------------------------------------------------- a notebook opened from the bundle (Jupyter, VS Code)


def test_a_notebook_opened_from_the_bundle_imports_its_checks(student, tmp_path, monkeypatch):
    """The README's Jupyter route as written: its notebook commands, read from the README and run in the bundle's folder
    in the fresh environment; then a notebook of the bundle's notebooks/ in a kernel of that environment that starts in
    notebooks/ (as Jupyter Lab and VS Code start it). Its setup cell imports the checks and its check cell names the
    mistake. The last command starts Jupyter Lab, a server: its kernel is what runs here. Leaves the environment
    without the checks installed, for the Colab test below."""
    from autograder.release import BUNDLE_PACKAGE
    from tests.notebook_work import execute, fill

    bundle = student["bundle"]
    commands = readme_commands((bundle / "README.md").read_text(), section="Notebooks")
    assert commands == [".venv/bin/python -m pip install -r requirements-notebooks.txt", ".venv/bin/python -m jupyter lab"], commands
    python = bundle / ".venv" / "bin" / "python"
    try:
        for command in commands[:-1]:
            done = run(command, cwd=bundle, env=student["env"])
            assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        lab = run([str(python), "-m", "jupyter", "lab", "--version"], cwd=bundle, env=student["env"])
        assert lab.returncode == 0, lab.stderr[-2000:]  # the last command's program is there
        # The environment's Python as a Jupyter kernel, registered in a scratch folder (this machine's kernels stay out).
        spec = run([str(python), "-m", "ipykernel", "install", "--prefix", str(tmp_path / "jupyter"), "--name", "bundle-venv"], cwd=tmp_path)
        assert spec.returncode == 0, spec.stderr[-2000:]
        monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter" / "share" / "jupyter"))
        notebook = fill(json.loads((bundle / "notebooks" / "training_loop.ipynb").read_text()), "training_loop", "mistake")
        setup = next(index for index, cell in enumerate(notebook["cells"]) if cell.get("id") == "checks-setup")
        where = {**notebook["cells"][setup], "id": "where", "source": "import os, autograder\nprint(os.getcwd())\nprint(autograder.__file__)"}
        notebook["cells"].insert(setup + 1, where)
        out = execute(notebook, bundle / "notebooks", kernel="bundle-venv", env=student["env"])
    finally:  # the Colab test below starts from an environment without the checks
        run([str(python), "-m", "pip", "uninstall", "-y", "-q", BUNDLE_PACKAGE], cwd=bundle, env=student["env"])
    assert out["checks-setup"] == "", out["checks-setup"]  # no "not installed" line, no ImportError
    assert out["where"].split() == [str(bundle / "notebooks"), str(bundle / "autograder" / "__init__.py")], out["where"]
    assert "Public checks of train_step: 1 of 2 pass" in out["check-train_step"], out["check-train_step"]
    assert "This looks like no optimizer.zero_grad()" in out["check-train_step"]


# ---------------------------------------------------------------- a notebook opened on its own (Colab)


def test_a_notebook_opened_on_its_own_gets_its_checks_from_one_install_line(student, tmp_path, monkeypatch):
    """Colab's path: only the .ipynb, in a Python with torch and a Jupyter kernel but not the course. The setup cell
    says how to install the checks; one ``%pip install <the bundle's zip>`` cell does it (torch is not reinstalled);
    then the notebook's check cell names the mistake. Runs last: it installs the checks into the student's environment."""
    from autograder.platforms.notebook_builder import MISSING_CHECKS, plain_notebook
    from tests.notebook_work import execute, fill

    handout = tmp_path / "handout"
    released = run([sys.executable, "-m", "autograder", "release", str(handout), "--zip"], cwd=ROOT)
    assert released.returncode == 0, released.stderr
    python = student["bundle"] / ".venv" / "bin" / "python"
    torch_before = run([str(python), "-c", "import torch; print(torch.__file__, torch.__version__)"], cwd=tmp_path, env=student["env"])
    kernel = run([str(python), "-m", "pip", "install", "-q", "ipykernel"], cwd=tmp_path, env=student["env"])
    assert kernel.returncode == 0, kernel.stderr[-2000:]
    spec = run([str(python), "-m", "ipykernel", "install", "--prefix", str(tmp_path / "jupyter"), "--name", "colab-like"], cwd=tmp_path)
    assert spec.returncode == 0, spec.stderr[-2000:]

    # The README's install line, as written there: the only Colab route it gives, naming the zip `release --zip` wrote
    # (here run with that zip's full path, as Colab's Files panel holds it in the notebook's folder).
    readme = (handout / "README.md").read_text()
    installs = [line.strip() for line in readme.splitlines() if line.strip().startswith(("%pip", "!pip"))]
    assert installs == ["%pip install -q handout.zip"], installs
    install = installs[0]
    notebook = fill(plain_notebook("training_loop"), "training_loop", "mistake")
    setup = next(cell for cell in notebook["cells"] if cell["id"] == "checks-setup")
    first = [
        {**setup, "id": "opened-alone"},
        {**setup, "id": "install", "source": install.replace("handout.zip", str(handout.with_suffix(".zip")))},
        {
            **setup,
            "id": "where",
            "source": "import autograder, torch\nprint(autograder.__file__)\nprint(torch.__file__, torch.__version__)",
        },
    ]
    notebook = {**notebook, "cells": first + notebook["cells"]}
    alone = tmp_path / "colab"
    alone.mkdir()
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter" / "share" / "jupyter"))  # where Jupyter finds the kernel
    out = execute(notebook, alone, kernel="colab-like", env=student["env"])
    assert out["opened-alone"].strip() == MISSING_CHECKS
    installed, torch_after = out["where"].strip().splitlines()
    assert installed.startswith(str(student["bundle"] / ".venv")) and "site-packages" in installed, out["where"]
    assert torch_after == torch_before.stdout.strip(), "the install line must keep the torch that was there"
    assert out["checks-setup"] == ""
    assert "Public checks of train_step: 1 of 2 pass" in out["check-train_step"], out["check-train_step"]
    assert "This looks like no optimizer.zero_grad()" in out["check-train_step"]


# ---------------------------------------------------------------- one torch import per check (issue 25)

WHO_IMPORTS_TORCH = '''
"""Log every process that imports the real torch: its command line, once, to $TORCH_LOG."""
import importlib.abc
import os
import sys


class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "torch" and "torch" not in sys.modules:
            with open(os.environ["TORCH_LOG"], "a") as log:
                log.write(" ".join(sys.argv) + "\\n")
            sys.meta_path.remove(self)
        return None


sys.meta_path.insert(0, Watch())  # first now; a withheld library's stand-in goes before it later (and loads no torch)
'''


@pytest.mark.parametrize(
    ("parts", "importers"),
    [(["backprop"], []), (["training_loop"], ["autograder.sandbox.local_child"]), ([], ["autograder.sandbox.local_child"])],
    ids=["part-1", "one-torch-part", "every-part"],
)
def test_check_imports_torch_once_and_part_1_never(tmp_path, parts, importers):
    """issue 25: `check` imports torch in one process only, the one that runs the student's code (the comparing side needs
    none); `check backprop` (NumPy only) imports it in no process at all. Each process that imports the real torch logs
    its command line (a finder put first on sys.meta_path; the withheld-library stand-in's goes before it)."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(WHO_IMPORTS_TORCH)
    log = tmp_path / "torch.log"
    log.write_text("")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path / "site"), str(ROOT)]), TORCH_LOG=str(log))
    process = run([sys.executable, "-m", "autograder", "check", str(ROOT / "solutions"), *parts], cwd=ROOT, env=env)
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    passed, checks = re.search(r": (\d+) of (\d+) pass", process.stdout).groups()
    assert passed == checks != "0"
    found = ["autograder.sandbox.local_child" if "local_child" in line else line for line in log.read_text().splitlines()]
    assert found == importers
