"""The screen of the source (issue 22, point 6): constructs no exercise needs, flagged for a look, never a deduction.

Each construct of the issue's list is found with its file and line, in a file and in a notebook cell, through the
simple aliases; code that does not parse is passed over with a note; the chapter's own code (solutions, stubs,
examples, every corpus entry, the generated notebooks) raises no flag. Through the command line, a flagged
submission shows its flags in report.json, results.json, the gradebook, the summary and the dashboard, and
loses no point; the public checks do not screen.
"""

from __future__ import annotations

import csv
import doctest
import json
from pathlib import Path

import nbformat
import pytest

import autograder.screen
from autograder.discovery import discover
from autograder.screen import KINDS, MAX_FLAGS, Finding, Screening, screen, screen_source
from tests.conftest import ROOT, run_cli

# (source, the construct the flag names, its line, its kind): one or more per construct of the list.
CONSTRUCTS = [
    ("import ctypes", "ctypes", 1, "ctypes"),
    ("from ctypes import CDLL, c_void_p", "ctypes", 1, "ctypes"),
    ("import numpy as np\naddress = np.zeros(3).ctypes.data", "ctypes", 2, "ctypes"),
    ("import numpy.ctypeslib", "numpy.ctypeslib", 1, "ctypes"),
    ("import gc", "gc", 1, "gc"),
    ("from gc import get_objects", "gc", 1, "gc"),
    ("import sys\nframe = sys._getframe(1)", "sys._getframe", 2, "frames"),
    ("import sys\nframes = sys._current_frames()", "sys._current_frames", 2, "frames"),
    ("import sys\nsys.settrace(print)", "sys.settrace", 2, "frames"),
    ("def f(frame):\n    return frame.f_back", "f_back", 2, "frames"),
    ("def f(frame):\n    return frame.f_locals", "f_locals", 2, "frames"),
    ("def f(frame):\n    return frame.f_globals", "f_globals", 2, "frames"),
    ("def f(error):\n    return error.__traceback__.tb_frame", "tb_frame", 2, "frames"),
    ("def f(generator):\n    return generator.gi_frame", "gi_frame", 2, "frames"),
    ("def f(coroutine):\n    return coroutine.cr_frame", "cr_frame", 2, "frames"),
    ("import inspect", "inspect", 1, "inspect"),
    ("from inspect import currentframe", "inspect", 1, "inspect"),
    ("import sys\nsys.modules['torch'] = None", "sys.modules write", 2, "sys.modules"),
    ("import sys\nsys.modules.setdefault('torch', None)", "sys.modules write", 2, "sys.modules"),
    ("import sys\nsys.modules.update({})", "sys.modules write", 2, "sys.modules"),
    ("import sys\nsys.modules.pop('torch')", "sys.modules write", 2, "sys.modules"),
    ("import sys\ndel sys.modules['torch']", "sys.modules write", 2, "sys.modules"),
    ("import sys\nsys.modules = {}", "sys.modules write", 2, "sys.modules"),
    ("def f(x):\n    x.__class__ = float", "__class__ assignment", 2, "__class__"),
    ("def f(x):\n    setattr(x, '__class__', float)", "__class__ assignment", 2, "__class__"),
    ("def f(x):\n    object.__setattr__(x, '__class__', float)", "__class__ assignment", 2, "__class__"),
    # what a class does for every object of it, the grader's model included; a function's bound state
    ("def f(m, g):\n    type(m).forward = g", "assignment to a class's forward", 2, "internals"),
    ("def f(m, g):\n    m.__class__.step = g", "assignment to a class's step", 2, "internals"),
    ("def f(m, g):\n    type(m).__mro__[1].forward = g", "assignment to a class's forward", 2, "internals"),
    ("def f(m, g):\n    setattr(type(m), 'forward', g)", "setattr on a class", 2, "internals"),
    ("def f(m, g):\n    m.forward = g", "assignment to .forward", 2, "internals"),
    ("def f(m):\n    del m.forward", "del .forward", 2, "internals"),
    ("def f(m, g):\n    setattr(m, 'forward', g)", "setattr on .forward", 2, "internals"),
    ("def f(g):\n    return g.__closure__[0].cell_contents", "__closure__", 2, "internals"),
    ("def f(g):\n    g.__defaults__ = (1,)", "__defaults__", 2, "internals"),
    ("def f(g):\n    return g.__globals__", "__globals__", 2, "internals"),
    ("import os\nos.dup2(3, 1)", "os.dup2", 2, "descriptors"),
    ("import os\nos.dup(3)", "os.dup", 2, "descriptors"),
    ("import os\nstream = os.fdopen(3, 'wb')", "os.fdopen", 2, "descriptors"),
    ("import os\nos.write(3, b'{}')", "os.write", 2, "descriptors"),
    ("import os\nos.read(3, 100)", "os.read", 2, "descriptors"),
    ("import os\nfd = os.open('x', os.O_RDONLY)", "os.open", 2, "descriptors"),
    ("import socket\nsocket.socket(fileno=3)", "socket.socket(fileno=...)", 2, "descriptors"),
    ("import socket\nsocket.fromfd(3, socket.AF_UNIX, socket.SOCK_STREAM)", "socket.fromfd", 2, "descriptors"),
    ("stream = open(3, 'wb')", "open() of a file descriptor", 1, "descriptors"),
    ("import torch\nlibrary = torch.library.Library('aten', 'IMPL')", "torch.library", 2, "dispatcher"),
    ("import torch\ntorch._C._dispatch_has_kernel('aten::add')", "torch._C._dispatch*", 2, "dispatcher"),
    ("import torch\ntorch.ops.load_library('x.so')", "torch.ops.load_library", 2, "dispatcher"),
    ("import torch\ntorch.ops.aten.add.default.py_impl(1)", "py_impl", 2, "dispatcher"),
    ("lib = Library('aten', 'IMPL')", "Library(...)", 1, "dispatcher"),
    ("import torch\ntorch.optim.SGD.step = lambda self: None", "assignment to torch.optim.SGD.step", 2, "patch"),
    ("import numpy as np\nnp.allclose = lambda *a, **k: True", "assignment to numpy.allclose", 2, "patch"),
    ("import builtins\nbuiltins.any = lambda x: True", "assignment to builtins.any", 2, "patch"),
    ("import torch\nsetattr(torch.nn.functional, 'relu', abs)", "setattr on torch.nn.functional", 2, "patch"),
    ("import sklearn.metrics\nsklearn.metrics.accuracy_score = max", "assignment to sklearn.metrics.accuracy_score", 2, "patch"),
    ("import numpy as np\ndel np.isclose", "del numpy.isclose", 2, "patch"),
    ("import torch\ntorch.Tensor.__eq__ += 1", "assignment to torch.Tensor.__eq__", 2, "patch"),
    ("__builtins__['abs'] = max", "assignment to builtins[...]", 1, "patch"),
    ("from autograder.sandbox import observe\nobserve.grad_enabled = bool", "assignment to autograder.sandbox.observe.grad_enabled", 2, "patch"),
    ("import torch\ntorch.nn.functional.__dict__['relu'] = abs", "assignment to torch.nn.functional.__dict__[...]", 2, "patch"),
    (
        "import torch\nclass T(torch.Tensor):\n    @classmethod\n    def __torch_function__(cls, f, t, a=(), k=None):\n        return 0",
        "__torch_function__ defined",
        4,
        "protocol",
    ),
    ("class T:\n    def __torch_dispatch__(cls, f, t, a=(), k=None):\n        return 0", "__torch_dispatch__ defined", 2, "protocol"),
    ("class A:\n    def __array_ufunc__(self, *a, **k):\n        return 0", "__array_ufunc__ defined", 2, "protocol"),
    ("class A:\n    def __array_function__(self, *a, **k):\n        return 0", "__array_function__ defined", 2, "protocol"),
    (
        "import torch\nclass T(torch.Tensor):\n    __torch_function__ = torch._C._disabled_torch_function_impl",
        "__torch_function__ defined",
        3,
        "protocol",
    ),
    ("import threading\nthreading.Thread(target=print).start()", "threading.Thread at import", 2, "thread"),
    ("import _thread\n_thread.start_new_thread(print, ())", "_thread.start_new_thread at import", 2, "thread"),
    ("import threading\ndef sgd_step(p, g, lr):\n    threading.Thread(target=print).start()", "threading.Thread in sgd_step", 3, "thread"),
    ("import _thread\ndef trainer():\n    _thread.start_new_thread(print, ())", "_thread.start_new_thread in trainer", 3, "thread"),
    ("import threading\nclass Spy(threading.Thread):\n    pass", "threading.Thread subclass", 2, "thread"),
]

# Simple aliases, followed: (source, the construct, its line).
ALIASES = [
    ("import ctypes as c\nc.CDLL(None)", "ctypes", 1),
    ("import gc as collector", "gc", 1),
    ("from torch import library", "torch.library", 1),
    ("from torch.library import Library as L\nL('aten', 'IMPL')", "torch.library", 1),
    ("import numpy as np\nnp.allclose = max", "assignment to numpy.allclose", 2),
    ("import numpy\nnumpy.testing.assert_allclose = max", "assignment to numpy.testing.assert_allclose", 2),
    ("from torch import optim\noptim.SGD.step = max", "assignment to torch.optim.SGD.step", 2),
    ("from torch.optim import SGD\nSGD.step = max", "assignment to torch.optim.SGD.step", 2),
    ("import torch.nn as nn\nnn.Module.__call__ = max", "assignment to torch.nn.Module.__call__", 2),
    ("import torch\nSGD = torch.optim.SGD\nSGD.step = max", "assignment to torch.optim.SGD.step", 3),
    ("import builtins as b\nb.abs = max", "assignment to builtins.abs", 2),
    ("from sys import _getframe as here\nhere()", "sys._getframe", 1),
    ("import sys as s\nframe = s._getframe()", "sys._getframe", 2),
    ("import sys\nframe = getattr(sys, '_getframe')(1)", "sys._getframe", 2),
    ("import sys\nmodules = sys.modules\nmodules['torch'] = None", "sys.modules write", 3),
    ("from os import write as w\nw(3, b'x')", "os.write", 1),
    ("import os as o\no.dup2(3, 1)", "os.dup2", 2),
    ("c = __import__('ctypes')", "ctypes", 1),
    ("import importlib\ngc = importlib.import_module('gc')", "gc", 2),
    ("import sys\nc = sys.modules['ctypes']", "ctypes", 2),
    ("exec('import inspect')", "inspect", 1),
    ("from threading import Thread\ndef trainer():\n    Thread(target=print).start()", "threading.Thread in trainer", 3),
]

# What honest code of the chapter (and around it) writes: never flagged.
HONEST = """
import os
import sys

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
np.random.seed(0)
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False
torch.set_printoptions(precision=3)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 1)
        self.__dict__["note"] = "fine"

    def forward(self, x):
        return self.fc(x)


def trainer(model, criterion, optimizer, trainloader, validloader, epochs=5):
    for p in model.parameters():
        p.grad = None
        p.requires_grad = True
    setattr(model, "head", nn.Identity())
    layer = nn.Linear
    layer = layer(2, 3)
    layer.weight = nn.Parameter(torch.zeros(3, 2))
    with torch.no_grad():
        model.eval()
    model.train()
    print("done", file=sys.stderr)
    sys.stdout.write("done\\n")
    sys.stdout.flush()
    with open(os.path.join("out", "log.txt"), "w") as stream:
        stream.write("x")
    history = {}
    history["loss"] = [1.0]
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    sigmoid.name = "sigmoid"
    return os.environ.get("HOME"), sys.path, sys.version_info
"""


def found(source: str, file: str = "backprop.py") -> list[tuple[str, int, int | None]]:
    findings = screen_source(source, file)
    assert findings is not None, source
    return [(f.construct, f.line, f.cell) for f in findings]


@pytest.mark.parametrize(("source", "construct", "line", "kind"), CONSTRUCTS, ids=[c[1] for c in CONSTRUCTS])
def test_each_construct_is_flagged_with_its_file_and_line(source, construct, line, kind):
    findings = screen_source(source, "validation.py")
    assert (construct, line) in [(f.construct, f.line) for f in findings], [str(f) for f in findings]
    finding = next(f for f in findings if f.construct == construct)
    assert finding.kind == kind and finding.file == "validation.py" and finding.says == KINDS[kind]
    assert str(finding) == f"{construct} (validation.py, line {line})"


@pytest.mark.parametrize(("source", "construct", "line", "kind"), CONSTRUCTS, ids=[c[1] for c in CONSTRUCTS])
def test_each_construct_is_flagged_in_a_notebook_cell_with_its_cell_and_line(tmp_path, source, construct, line, kind):
    cells = ["import torch\n%matplotlib inline", "x = 1", "!pip list\n" + source]
    screening = screen(tmp_path / "backprop.ipynb", {"backprop": ("notebook", cells)}, {"backprop": "backprop.ipynb"})
    places = [(f.construct, f.cell, f.line) for f in screening.findings]
    assert (construct, 3, line + 1) in places, places  # the shell line above it counts, as the student sees the cell
    assert f"screen: {construct} (backprop.ipynb, cell 3, line {line + 1})" in screening.flags
    assert screening.notes == []


@pytest.mark.parametrize(("source", "construct", "line"), ALIASES, ids=[a[0].splitlines()[0] for a in ALIASES])
def test_simple_aliases_are_followed(source, construct, line):
    assert (construct, line, None) in found(source)


def test_what_honest_code_writes_is_not_flagged():
    assert found(HONEST) == []


def test_an_alias_bound_twice_is_not_followed():
    """`layer = nn.Linear` then `layer = layer(2, 3)`: the name is a layer by then, not torch's class."""
    assert found("import torch.nn as nn\nlayer = nn.Linear\nlayer = layer(2, 3)\nlayer.weight = None") == []


def test_an_imported_name_rebound_is_not_followed():
    """`from torch import optim` then `optim = optim.SGD(...)`: the optimizer's attributes are not torch's."""
    source = "from torch import optim\ndef f(model):\n    optim = optim.SGD(model.parameters())\n    optim.param_groups[0]['lr'] = 0.1"
    assert found(source) == []
    assert found("from os import write\nwrite = print\nwrite(3, 'x')") == [("os.write", 1, None)]  # the import, not the call


def test_a_name_bound_by_the_student_is_not_pythons_own():
    assert found("def open(path):\n    return path\nopen(3)") == []
    assert found("def f(setattr, torch):\n    setattr(torch.nn, 'x', 1)") == []


def test_a_file_that_does_not_parse_is_not_screened_and_says_so(tmp_path):
    (tmp_path / "backprop.py").write_text("import ctypes\ndef sigmoid(z:\n    return z\n")
    (tmp_path / "validation.py").write_text("import gc\n")
    found_here = discover(tmp_path)
    screening = screen(tmp_path, found_here.modules, found_here.where)
    assert screening.flags == ["screen: gc (validation.py, line 1)"]
    assert screening.notes == ["not screened: backprop.py (a syntax error)"]
    assert screen_source("def broken(:", "backprop.py") is None
    assert screen_source(b"\xff\xfe not python", "backprop.py") is None
    assert screen_source("x = " + "(" * 500 + ")" * 500, "backprop.py") is None  # too deep for the parser: no crash


def test_code_too_deep_to_walk_or_a_broken_screen_never_stops_grading(tmp_path, monkeypatch):
    (tmp_path / "backprop.py").write_text("x = " + " + ".join(["a"] * 100_000) + "\nimport gc\n")  # parses, too deep to walk
    (tmp_path / "validation.py").write_text("import gc\n")
    found_here = discover(tmp_path)
    screening = screen(tmp_path, found_here.modules, found_here.where)
    assert screening.notes == ["not screened: backprop.py (nested too deeply to read)"]
    assert screening.flags == ["screen: gc (validation.py, line 1)"]

    def broken(self, node):
        raise TypeError("a bug of the screen")

    monkeypatch.setattr(autograder.screen._Screen, "visit_Import", broken)
    screening = screen(tmp_path, found_here.modules, found_here.where)
    assert "not screened: validation.py (the screen failed on it: TypeError)" in screening.notes
    cells = screen(tmp_path / "nb.ipynb", {"backprop": ("notebook", ["import gc", "x = 1"])}, {"backprop": "nb.ipynb"})
    assert cells.notes == ["not screened: nb.ipynb, cell 1 (the screen failed on it: TypeError)"] and cells.flags == []


def test_notebook_cells_that_do_not_parse_are_named_once(tmp_path):
    cells = ["def sigmoid(z:\n    return z", "import gc", "also broken("]
    screening = screen(tmp_path / "nb.ipynb", {"backprop": ("notebook", cells)}, {"backprop": "nb.ipynb"})
    assert screening.flags == ["screen: gc (nb.ipynb, cell 2, line 1)"]
    assert screening.notes == ["not screened: nb.ipynb, cells 1, 3 (a syntax error)"]


def test_a_notebook_of_several_parts_is_screened_once(tmp_path):
    cells = ["import gc"]
    modules = {"validation": ("notebook", cells), "early_stopping": ("notebook", cells)}
    screening = screen(tmp_path, modules, {"validation": "all.ipynb", "early_stopping": "all.ipynb"})
    assert screening.flags == ["screen: gc (all.ipynb, cell 1, line 1)"]


def test_files_found_elsewhere_are_named_by_their_path(tmp_path):
    (tmp_path / "repo" / "exercises").mkdir(parents=True)
    (tmp_path / "repo" / "exercises" / "backprop.py").write_text("def sigmoid(z):\n    import gc\n    return z\n")
    found_here = discover(tmp_path)
    assert screen(tmp_path, found_here.modules, found_here.where).flags == ["screen: gc (repo/exercises/backprop.py, line 2)"]
    single = tmp_path / "repo" / "exercises" / "backprop.py"
    found_one = discover(single)
    assert screen(single, found_one.modules, found_one.where).flags == ["screen: gc (backprop.py, line 2)"]


def test_flags_group_places_and_stay_bounded():
    many = Screening([Finding("gc", "gc", "a.py", line) for line in range(1, 12)])
    assert many.flags == ["screen: gc (a.py, lines 1, 2, 3, 4, 5, 6, 7, 8 and 3 more)"]
    cells = Screening([Finding("gc", "gc", "n.ipynb", 1, 2), Finding("gc", "gc", "n.ipynb", 4, 2), Finding("gc", "gc", "n.ipynb", 1, 5)])
    assert cells.flags == ["screen: gc (n.ipynb, cell 2, lines 1, 4; cell 5, line 1)"]
    patches = "import torch\n" + "\n".join(f"torch.name_{i} = {i}" for i in range(100))
    flags = Screening(screen_source(patches, "a.py")).flags
    assert len(flags) == MAX_FLAGS and flags[-1] == f"screen: {100 - MAX_FLAGS + 1} more constructs no exercise needs"


def test_the_modules_examples_hold():
    assert doctest.testmod(autograder.screen).failed == 0


# ------------------------------------------------------------------ the chapter's own code raises no flag


def chapter_submissions() -> list[Path]:
    """Every submission the project holds: solutions, stubs, examples, each corpus entry, each generated notebook."""
    paths = [ROOT / "solutions", ROOT / "exercises"]
    paths += sorted(p for p in (ROOT / "examples" / "submissions").iterdir() if p.is_dir())
    for kind in ("variants", "mistakes", "placeholders"):
        paths += sorted(p for p in (ROOT / "tests" / "corpus" / kind).iterdir() if p.is_dir())
    return paths + sorted((ROOT / "notebooks").rglob("*.ipynb"))


@pytest.mark.parametrize("path", chapter_submissions(), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_chapters_own_code_raises_no_flag(path):
    found_here = discover(path)
    screening = screen(path, found_here.modules, found_here.where)
    assert screening.findings == []
    expected = ["not screened: validation.py (a syntax error)"] if "syntax_error" in path.name else []
    assert screening.notes == expected


def test_there_are_many_of_them():
    paths = chapter_submissions()
    assert len([p for p in paths if "variants" in p.parts]) >= 15 and len([p for p in paths if p.suffix == ".ipynb"]) >= 18


# ------------------------------------------------------------------ through the command line


def flagged_copy(target: Path, extra: str) -> Path:
    target.mkdir(parents=True)
    for path in (ROOT / "solutions").glob("*.py"):
        (target / path.name).write_text(path.read_text())
    backprop = target / "backprop.py"
    lines = backprop.read_text().splitlines()
    backprop.write_text("\n".join([*lines, *extra.splitlines()]) + "\n")
    return target


def test_grade_writes_the_flags_in_report_json_and_results_json_and_takes_no_point(tmp_path):
    submission = flagged_copy(tmp_path / "ann", "import gc as _collector\n_objects = _collector.get_objects")
    line = len((ROOT / "solutions" / "backprop.py").read_text().splitlines()) + 1
    report, results = tmp_path / "report.json", tmp_path / "results.json"
    process = run_cli("grade", str(submission), "--json", str(report), "--results", str(results), "-k", "sigmoid")
    assert process.returncode == 0, process.stderr[-3000:]
    flag = f"screen: gc (backprop.py, line {line})"
    assert json.loads(report.read_text())["needs_look"] == [flag]
    graded = json.loads(results.read_text())
    assert graded["extra_data"]["needs_look"] == [flag] and graded["score"] == 2 and all(t["status"] == "passed" for t in graded["tests"])
    assert f"NEEDS A LOOK: {flag}" in process.stdout


def test_grade_class_shows_the_flags_in_the_gradebook_and_the_dashboard(tmp_path):
    """A flagged file, a flagged notebook cell and an honest student, graded as a class (part 1 only, for time)."""
    class_dir = tmp_path / "class"
    flagged_copy(class_dir / "ann", "import ctypes")
    cells = [(ROOT / "solutions" / "backprop.py").read_text(), "import inspect\n_here = inspect.currentframe"]
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells]), class_dir / "bob.ipynb")
    flagged_copy(class_dir / "cleo", "")
    out = tmp_path / "graded"
    process = run_cli("grade-class", str(class_dir), "--out", str(out), "--part", "backprop", "--workers", "2")
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-3000:]
    line = len((ROOT / "solutions" / "backprop.py").read_text().splitlines()) + 1
    expected = {
        "ann": [f"screen: ctypes (backprop.py, line {line})"],
        "bob": ["screen: inspect (bob.ipynb, cell 2, line 1)"],
        "cleo": [],
    }
    rows = {row["student"]: row for row in csv.DictReader((out / "gradebook.csv").open())}
    for student, flags in expected.items():
        assert json.loads((out / student / "results.json").read_text())["extra_data"]["needs_look"] == flags
        assert json.loads((out / student / "report.json").read_text())["needs_look"] == flags
        assert rows[student]["needs_look"] == "; ".join(flags) and rows[student]["status"] == "graded"
        assert float(rows[student]["total"]) == float(rows["cleo"]["total"])  # a flag costs no point
    assert "2 need a look:" in process.stdout and "ann: screen: ctypes" in process.stdout  # as the dashboard lists them
    dashboard = (out / "index.html").read_text()
    section = dashboard[dashboard.index('id="look"') : dashboard.index('id="mistakes"')]
    assert "Needs a look (2)" in section
    assert "screen: ctypes (backprop.py, line" in section and "screen: inspect (bob.ipynb, cell 2, line 1)" in section
    assert ">cleo<" not in section


def test_the_public_checks_do_not_screen(tmp_path):
    submission = flagged_copy(tmp_path / "mine", "import gc")
    process = run_cli("check", str(submission), "backprop")
    assert "screen:" not in process.stdout + process.stderr
