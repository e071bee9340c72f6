"""A screen of a hand-in's source before grading: constructs that no exercise of the chapter needs, flagged for a look.

The source the grader is about to load (each part's file, or its notebook's code cells, as
:mod:`autograder.discovery` found them) is read with :mod:`ast`, never run, and each construct
below is one :class:`Finding` (what, where, why in words). A finding costs no points: the session
adds one ``needs_look`` line per construct and file ("screen: ctypes (backprop.py, line 3)") for
the instructor to decide. What is screened (``KINDS``, each with its reason):

- ``ctypes``: an import of ctypes (or ``numpy.ctypeslib``), or an array's ``.ctypes``;
- ``gc``: an import of the garbage collector;
- ``frames``: ``sys._getframe``, ``sys._current_frames``, trace and profile hooks,
  ``traceback.walk_stack``, and frame attributes (``f_back``, ``f_locals``, ``tb_frame``, ...);
- ``inspect``: an import of inspect;
- ``sys.modules``: a write (item assignment, ``setdefault``, ``update``, ``pop``, ``del``, ...);
- ``__class__``: an assignment to an object's ``__class__`` (directly or through ``setattr``);
- ``descriptors``: raw file descriptors (``os.write``, ``os.dup2``, ``os.fdopen``, ``socket.fromfd``,
  ``socket.socket(fileno=...)``, ``open`` of a descriptor number, ...);
- ``dispatcher``: ``torch.library``, ``torch._C._dispatch*``, ``torch.ops`` registration, ``Library(``;
- ``patch``: an assignment to an attribute of torch, NumPy, scikit-learn, builtins or the grader's own
  modules (``autograder.sandbox.observe.Tracker.saw_forward = ...``; ``=``, ``del``,
  ``setattr``, their ``__dict__``); torch's documented switches (``torch.backends.*`` set to a constant) aside;
- ``protocol``: a ``__torch_function__``, ``__torch_dispatch__``, ``__array_ufunc__`` or ``__array_function__``;
- ``thread``: a thread made (``threading.Thread``, ``_thread.start_new_thread``, ...), at import or in
  which function.

Aliases are followed where simple: ``import ctypes as c``, ``from torch import library``,
``import numpy as np`` then ``np.allclose = ...``, ``SGD = torch.optim.SGD`` then ``SGD.step = ...``,
``getattr(sys, "_getframe")``, ``__import__("gc")``, ``importlib.import_module("ctypes")`` and
``exec`` of a literal string. Code built at run time (``exec`` of a computed string, ``getattr`` with a
computed name) and modules of the student's own besides the parts' files are not read: the screen is a
reason to look, not a proof (docs/security.md). A file that does not parse is not screened (one note
says so; its tests already report the syntax error).

Who may import it: :mod:`autograder.session`, for the hidden graders only (the student bundle does not carry it).

Example:
    >>> [str(f) for f in screen_source("import ctypes as c\\nc.CDLL(None)", "backprop.py")]
    ['ctypes (backprop.py, line 1)']
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field
from pathlib import Path

from autograder.discovery import Modules

# Each kind of construct, and why no exercise of the chapter needs it (the instructor reads this in the docs).
KINDS = {
    "ctypes": "ctypes reads and writes the interpreter's memory, the grader's objects included",
    "gc": "the garbage collector lists every object of the process, the grader's included",
    "frames": "frames hold the variables of the code that called the student's: the grader's harness",
    "inspect": "inspect reaches frames and the grader's own code",
    "sys.modules": "a write to sys.modules replaces a module for every later import, the grader's included",
    "__class__": "assigning __class__ changes what an object is",
    "descriptors": "raw file descriptors reach the channel the child answers the judge on",
    "dispatcher": "registering with torch's dispatcher changes what torch's own operations compute",
    "patch": "an attribute of torch, NumPy, scikit-learn, Python's builtins or the grader's own modules changes for the grader's code too",
    "protocol": "these methods take over torch's or NumPy's functions for the objects that define them",
    "thread": "a thread keeps running between the grader's calls",
    "internals": "a function's closure, defaults, code or globals, or a class's methods, hold the grader's own code and data",
}

# os's functions that work on a descriptor's number, not a file object (posix is os under its C name).
RAW_DESCRIPTORS = "dup dup2 fdopen open read write pread pwrite readv writev sendfile close closerange".split()
IMPORTED = {"ctypes": "ctypes", "numpy.ctypeslib": "ctypes", "gc": "gc", "inspect": "inspect"}  # module -> kind
# Names that, once resolved to a full dotted path, are the construct itself (a prefix also covers what lies below it).
REFERENCED = {
    "sys._getframe": "frames",
    "sys._getframemodulename": "frames",
    "sys._current_frames": "frames",
    "sys._current_exceptions": "frames",
    "sys.settrace": "frames",
    "sys.setprofile": "frames",
    "threading.settrace": "frames",
    "threading.setprofile": "frames",
    "threading.settrace_all_threads": "frames",
    "threading.setprofile_all_threads": "frames",
    "traceback.walk_stack": "frames",
    "traceback.walk_tb": "frames",
    **{f"{module}.{name}": "descriptors" for module in ("os", "posix") for name in RAW_DESCRIPTORS},
    "socket.fromfd": "descriptors",
    "numpy.ctypeslib": "ctypes",
    "torch.library": "dispatcher",
    "torch._library": "dispatcher",
    "torch._custom_op": "dispatcher",
    "torch._custom_ops": "dispatcher",
    "torch.ops.load_library": "dispatcher",
    "torch.ops.import_module": "dispatcher",
    "torch.utils._python_dispatch": "dispatcher",
    "torch.overrides.TorchFunctionMode": "dispatcher",
    "threading.Thread": "thread",
    "threading.Timer": "thread",
    "_thread.start_new_thread": "thread",
    "_thread.start_new": "thread",
    "concurrent.futures.ThreadPoolExecutor": "thread",
    "concurrent.futures.thread.ThreadPoolExecutor": "thread",
    "multiprocessing.pool.ThreadPool": "thread",
    "multiprocessing.dummy": "thread",
}
DISPATCH_PREFIX = "torch._C._dispatch"  # torch._C._dispatch_library, _dispatch_has_kernel, ...: the C++ dispatcher itself
# Attributes that are the construct whatever they are read from (no exercise's object has them).
ATTRIBUTES = {
    **dict.fromkeys(("f_back", "f_locals", "f_globals", "f_builtins", "tb_frame", "gi_frame", "cr_frame", "ag_frame"), "frames"),
    "ctypes": "ctypes",  # a NumPy array's raw memory
    "py_impl": "dispatcher",  # an operator's Python kernel registration (torch.ops.aten.add.default.py_impl)
    **dict.fromkeys(("__closure__", "cell_contents", "__defaults__", "__kwdefaults__", "__code__", "__globals__"), "internals"),
}
# Methods whose assignment replaces what an object does when it is called, whoever made the object (the grader's model too).
CALLED_METHODS = ("forward", "__call__", "_call_impl")
PATCHED = ("torch", "numpy", "sklearn", "builtins", "autograder")  # whose attributes no exercise assigns (the grader's own too)
SWITCHES = "torch.backends."  # torch.backends.cudnn.deterministic = True: documented settings, set by assignment
PROTOCOL = ("__torch_function__", "__torch_dispatch__", "__array_ufunc__", "__array_function__")
MODULES_WRITES = ("setdefault", "update", "pop", "popitem", "clear", "__setitem__", "__delitem__", "__ior__")
DESCRIPTOR_OPENERS = ("builtins.open", "io.open", "io.FileIO", "_io.open", "_io.FileIO")
IMPORTERS = ("builtins.__import__", "importlib.import_module", "importlib.__import__")
EXECUTORS = ("builtins.exec", "builtins.eval", "builtins.compile")
BUILTIN_NAMES = frozenset(dir(builtins))
MAX_DEPTH = 3  # exec("exec('...')"): literal code inside literal code, read this deep
MAX_FLAGS = 20  # needs_look lines per submission: a file of ten thousand patches is one look, not a gradebook cell of them
MAX_LINES = 8  # places named in one line


@dataclass(frozen=True)
class Finding:
    """One construct found: what (``construct``, as the flag names it), its ``kind`` (a key of :data:`KINDS`), where
    (``file`` relative to the submission, ``line``, and for a notebook the code ``cell``, counted as the grader runs
    them) and ``says``, why no exercise needs it."""

    construct: str
    kind: str
    file: str
    line: int
    cell: int | None = None

    @property
    def says(self) -> str:
        return KINDS[self.kind]

    @property
    def where(self) -> str:
        return f"{self.file}, {'' if self.cell is None else f'cell {self.cell}, '}line {self.line}"

    def __str__(self) -> str:
        return f"{self.construct} ({self.where})"


@dataclass
class Screening:
    """What the screen found in a submission, and the files (or cells) it could not read."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def flags(self) -> list[str]:
        """The ``needs_look`` lines: one per construct and file, its places together, at most :data:`MAX_FLAGS`.

        Example:
            >>> found = Screening([Finding("gc", "gc", "a.py", 1), Finding("gc", "gc", "a.py", 4)])
            >>> found.flags
            ['screen: gc (a.py, lines 1, 4)']
        """
        groups: dict[tuple[str, str], list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault((finding.construct, finding.file), []).append(finding)
        lines = [f"screen: {construct} ({file}, {_places(found)})" for (construct, file), found in groups.items()]
        if len(lines) > MAX_FLAGS:
            lines = [*lines[: MAX_FLAGS - 1], f"screen: {len(lines) - MAX_FLAGS + 1} more constructs no exercise needs"]
        return lines


def _places(findings: list[Finding]) -> str:
    """Where in a file: "line 3", "lines 3, 9", "cell 2, line 1; cell 4, lines 2, 5", at most :data:`MAX_LINES` places."""
    cells: dict[int | None, list[int]] = {}
    for finding in findings:
        if finding.line not in cells.setdefault(finding.cell, []):
            cells[finding.cell].append(finding.line)
    parts, shown = [], 0
    for cell, lines in cells.items():
        if shown >= MAX_LINES:
            break
        kept = lines[: MAX_LINES - shown]
        shown += len(kept)
        said = f"line {kept[0]}" if len(kept) == 1 else "lines " + ", ".join(map(str, kept))
        parts.append(said if cell is None else f"cell {cell}, {said}")
    hidden = sum(len(lines) for lines in cells.values()) - shown
    return "; ".join(parts) + (f" and {hidden} more" if hidden else "")


# ------------------------------------------------------------------ names and what they stand for


def _bound_names(nodes: list[ast.AST]) -> set[str]:
    """Every name the code binds anywhere (so that ``open`` or ``max`` redefined is not taken for Python's own)."""
    bound = set()
    for node in nodes:
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound |= {(a.asname or a.name).partition(".")[0] for a in node.names}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            bound |= set(node.names)
    return bound


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


class _Names:
    """What a name or a dotted expression stands for: ``np.allclose`` is ``numpy.allclose`` after ``import numpy as np``."""

    def __init__(self, tree: ast.AST) -> None:
        nodes = list(ast.walk(tree))  # walked once, read four times
        self.bound = _bound_names(nodes)
        self.aliases: dict[str, str] = {}
        imports: dict[str, set[str]] = {}  # name -> the modules (or their attributes) imported under it
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    top = alias.name.partition(".")[0]
                    imports.setdefault(alias.asname or top, set()).add(alias.name if alias.asname else top)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    if alias.name != "*":
                        imports.setdefault(alias.asname or alias.name, set()).add(f"{node.module}.{alias.name}")
        bindings: dict[str, int] = {}  # how many times each name is bound otherwise than by an import
        for node in nodes:
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
                bindings[node.id] = bindings.get(node.id, 0) + 1
            elif isinstance(node, ast.arg):
                bindings[node.arg] = bindings.get(node.arg, 0) + 2
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.ExceptHandler) and node.name:
                bindings[node.name] = bindings.get(node.name, 0) + 2
        # A name is followed only when it means one thing: imported from one place and never rebound (after
        # `from torch import optim`, `optim = optim.SGD(...)` makes `optim.param_groups[0]["lr"] = 0.1` an
        # optimizer's, not torch's), or bound once, by `name = dotted.path`.
        self.aliases = {name: next(iter(paths)) for name, paths in imports.items() if len(paths) == 1 and name not in bindings}
        simple = [
            (node.targets[0].id, node.value)
            for node in nodes
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        ]
        for _ in range(2):  # twice: an alias of an alias (sgd = optim.SGD after optim = torch.optim)
            for name, value in simple:
                path = self.path(value) if name not in imports and bindings.get(name) == 1 else None
                if path:
                    self.aliases[name] = path

    def path(self, node: ast.AST) -> str | None:
        """The dotted path ``node`` stands for ("torch.optim.SGD"), or None when it is not a module's name or attribute."""
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            if node.id == "__builtins__":
                return "builtins"
            return f"builtins.{node.id}" if node.id in BUILTIN_NAMES and node.id not in self.bound else None
        if isinstance(node, ast.Attribute):
            base = self.path(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            return self.called_path(node)
        if isinstance(node, ast.Subscript):  # sys.modules["ctypes"]
            return _literal(node.slice) if self.path(node.value) == "sys.modules" else None
        return None

    def called_path(self, node: ast.Call) -> str | None:
        """What a call returns when it is a module or an attribute looked up by a literal name, else None."""
        function = self.path(node.func)
        first = _literal(node.args[0]) if node.args else None
        if function == "builtins.getattr" and len(node.args) >= 2 and _literal(node.args[1]):
            base = self.path(node.args[0])
            return f"{base}.{_literal(node.args[1])}" if base else None
        if function in IMPORTERS and first:
            fromlist = len(node.args) >= 4 or any(k.arg == "fromlist" for k in node.keywords)
            return first if function != "builtins.__import__" or fromlist else first.partition(".")[0]
        if function == "sys.modules.get" and first:
            return first
        return None


def _referenced(path: str) -> str | None:
    """The kind of construct a full dotted path is (itself, or what lies below it), else None."""
    if path.startswith(DISPATCH_PREFIX):
        return "dispatcher"
    parts = path.split(".")
    for length in range(len(parts), 0, -1):
        kind = REFERENCED.get(".".join(parts[:length]))
        if kind:
            return kind
    return None


def _imported(module: str) -> str | None:
    parts = module.split(".")
    return next((IMPORTED[".".join(parts[:n])] for n in range(len(parts), 0, -1) if ".".join(parts[:n]) in IMPORTED), None)


def _is_class_of(node: ast.AST) -> bool:
    """``type(x)``, ``x.__class__`` or ``type(x).__mro__[i]``: a class reached from an object, whoever made the object."""
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute) and node.attr in ("__mro__", "__bases__", "__base__"):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr == "__class__"
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "type" and len(node.args) == 1


def _rule_name(path: str) -> str:
    """The construct's name as the flag says it: the screened path itself, not what was read below it."""
    if path.startswith(DISPATCH_PREFIX):
        return DISPATCH_PREFIX + "*"
    parts = path.split(".")
    return next((".".join(parts[:n]) for n in range(len(parts), 0, -1) if ".".join(parts[:n]) in REFERENCED), path)


# ------------------------------------------------------------------ the walk


class _Screen(ast.NodeVisitor):
    """Walks one module's tree and records each construct with its line (``line``, when given, for code in an exec'd literal)."""

    def __init__(self, tree: ast.AST, file: str, cell: int | None, depth: int = 0, line: int | None = None) -> None:
        self.names = _Names(tree)
        self.file, self.cell, self.depth, self.fixed_line = file, cell, depth, line
        self.functions: list[str] = []
        self.findings: list[Finding] = []
        self.seen: set[Finding] = set()  # a file of ten thousand patches: each found once, in linear time

    def add(self, construct: str, kind: str, node: ast.AST, when: bool = True) -> None:
        """Record ``construct``; a thread's says where it is made (``when``): "at import" or "in <function>"."""
        if kind == "thread" and when:
            construct += f" in {self.functions[-1]}" if self.functions else " at import"
        finding = Finding(construct, kind, self.file, self.fixed_line or getattr(node, "lineno", 1), self.cell)
        if finding not in self.seen:
            self.seen.add(finding)
            self.findings.append(finding)

    # -- imports: ctypes, gc, inspect, and what they bring by name (from sys import _getframe)
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._module(alias.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and not node.level:
            self._module(node.module, node)
            for alias in node.names:
                self._reference(f"{node.module}.{alias.name}", node, imported=True)

    def _module(self, module: str, node: ast.AST) -> None:
        kind = _imported(module)
        if kind:
            self.add("numpy.ctypeslib" if module.startswith("numpy.") else module.partition(".")[0], kind, node)
        self._reference(module, node, imported=True)

    def _reference(self, path: str, node: ast.AST, imported: bool = False) -> bool:
        kind = _referenced(path)
        if kind == "thread" and imported:
            return True  # `from threading import Thread` makes no thread: where it is used says when one starts
        if kind:
            self.add(_rule_name(path), kind, node)
        return kind is not None

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if self.names.path(node.value) == "sys.modules" and _literal(node.slice):
            self._module(str(_literal(node.slice)), node)  # sys.modules["ctypes"]: an import by another name
        self.generic_visit(node)

    # -- names and attributes: os.write, sys._getframe, torch.library, threading.Thread, frame attributes
    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load) and node.id in self.names.aliases:
            self._reference(self.names.aliases[node.id], node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in ATTRIBUTES:
            kind = ATTRIBUTES[node.attr]
            self.add("ctypes" if kind == "ctypes" else node.attr, kind, node)
        path = self.names.path(node)
        if path and self._reference(path, node) and isinstance(node.value, ast.Name | ast.Attribute):
            return  # torch.library.Library: one construct, not one per dot
        self.generic_visit(node)

    # -- definitions: __torch_function__ and the like; functions, for where a thread starts
    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if node.name in PROTOCOL:
            self.add(f"{node.name} defined", "protocol", node)
        for outer in [*node.decorator_list, *node.args.defaults, *(d for d in node.args.kw_defaults if d)]:
            self.visit(outer)  # evaluated where the function is defined
        self.functions.append(node.name)
        for statement in node.body:
            self.visit(statement)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for base in node.bases:
            path = self.names.path(base)
            if path and _referenced(path) == "thread":
                self.add(f"{_rule_name(path)} subclass", "thread", base, when=False)  # its threads start where it is used
            else:
                self.visit(base)
        for outer in [*node.decorator_list, *node.keywords, *node.body]:
            self.visit(outer)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.functions.append("a lambda")
        self.generic_visit(node)
        self.functions.pop()

    # -- assignments: patches, sys.modules, __class__, protocol methods set as attributes
    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._target(target, node.value)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._target(node.target, node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._target(node.target, node.value)
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._target(target, None, "del ")
        self.generic_visit(node)

    def _target(self, target: ast.AST, value: ast.AST | None, verb: str = "") -> None:
        if isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._target(element, value, verb)
            return
        if isinstance(target, ast.Starred):
            self._target(target.value, value, verb)
            return
        if isinstance(target, ast.Name) and target.id in PROTOCOL:
            self.add(f"{target.id} defined", "protocol", target)
        if isinstance(target, ast.Attribute):
            if target.attr == "__class__":
                self.add("__class__ assignment", "__class__", target)
            elif _is_class_of(target.value):
                self.add(f"{verb or 'assignment to '}a class's {target.attr}", "internals", target)
            elif target.attr in CALLED_METHODS:
                self.add(f"{verb or 'assignment to '}.{target.attr}", "internals", target)
            base = self.names.path(target.value)
            if base == "sys" and target.attr == "modules":
                self.add("sys.modules write", "sys.modules", target)
            elif base and base.split(".")[0] in PATCHED:
                switch = f"{base}.{target.attr}".startswith(SWITCHES) and isinstance(value, ast.Constant)
                if not switch:
                    self.add(f"{verb or 'assignment to '}{base}.{target.attr}", "patch", target)
        if isinstance(target, ast.Subscript):
            container = self.names.path(target.value)
            if container == "sys.modules":
                self.add("sys.modules write", "sys.modules", target)
            elif container and container.split(".")[0] in PATCHED:
                self.add(f"{verb or 'assignment to '}{container}[...]", "patch", target)

    # -- calls: setattr, sys.modules' methods, descriptors opened, socket(fileno=), Library(, imports and literal code
    def visit_Call(self, node: ast.Call) -> None:
        function = self.names.path(node.func)
        name = _literal(node.args[1]) if len(node.args) >= 2 else None
        setter = function in ("builtins.setattr", "builtins.delattr") or (
            isinstance(node.func, ast.Attribute) and node.func.attr in ("__setattr__", "__delattr__") and len(node.args) >= 2
        )
        if setter and node.args:
            target = self.names.path(node.args[0])
            verb = "delattr on " if "del" in (function or getattr(node.func, "attr", "")) else "setattr on "
            if name == "__class__":
                self.add("__class__ assignment", "__class__", node)
            elif _is_class_of(node.args[0]):
                self.add(f"{verb}a class", "internals", node)
            elif name in CALLED_METHODS:
                self.add(f"{verb}.{name}", "internals", node)
            elif name in PROTOCOL:
                self.add(f"{name} defined", "protocol", node)
            if target == "sys" and name == "modules":
                self.add("sys.modules write", "sys.modules", node)
            elif target and target.split(".")[0] in PATCHED:
                self.add(f"{verb}{target}", "patch", node)
        if function == "builtins.getattr" and name and name in ATTRIBUTES:
            kind = ATTRIBUTES[name]
            self.add("ctypes" if kind == "ctypes" else name, kind, node)
        if isinstance(node.func, ast.Attribute) and node.func.attr in MODULES_WRITES and self.names.path(node.func.value) == "sys.modules":
            self.add("sys.modules write", "sys.modules", node)
        if function in DESCRIPTOR_OPENERS and node.args:
            number = isinstance(node.args[0], ast.Constant) and type(node.args[0].value) is int
            if number or any(k.arg == "closefd" for k in node.keywords):
                self.add(f"{function.rpartition('.')[2]}() of a file descriptor", "descriptors", node)
        if function == "socket.socket" and (len(node.args) >= 4 or any(k.arg == "fileno" for k in node.keywords)):
            self.add("socket.socket(fileno=...)", "descriptors", node)
        called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if called == "Library" and not (function and _referenced(function)):
            self.add("Library(...)", "dispatcher", node)
        if function in IMPORTERS or function in ("builtins.getattr", "sys.modules.get"):
            module = self.names.called_path(node)
            if module:
                if function in IMPORTERS or function == "sys.modules.get":
                    self._module(module, node)
                else:
                    self._reference(module, node)
        code = _literal(node.args[0]) if function in EXECUTORS and node.args else None
        if code is not None and self.depth < MAX_DEPTH:
            try:
                inner = _walk(code, self.file, self.cell, self.depth + 1, node.lineno)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                inner = []  # a string that is no code: exec would fail on it, as it may mean to
            for finding in inner:
                if finding not in self.seen:
                    self.seen.add(finding)
                    self.findings.append(finding)
        self.generic_visit(node)


def _walk(source: str | bytes, file: str, cell: int | None, depth: int = 0, line: int | None = None) -> list[Finding]:
    """The findings in ``source``; raises what :func:`ast.parse` or the walk raise (see :func:`_unread`)."""
    tree = ast.parse(source)
    walker = _Screen(tree, file, cell, depth, line)
    walker.visit(tree)
    return walker.findings


def _unread(error: BaseException) -> str:
    """Why a source was not screened, in words (what a note says in brackets)."""
    if isinstance(error, SyntaxError | ValueError | UnicodeDecodeError):
        return "a syntax error"
    if isinstance(error, RecursionError | MemoryError):
        return "nested too deeply to read"
    return f"the screen failed on it: {type(error).__name__}"


def screen_source(source: str | bytes, file: str, cell: int | None = None) -> list[Finding] | None:
    """The constructs in one module's (or one cell's) ``source``, in order; None when it does not parse.

    ``file`` and ``cell`` say where it came from, for the findings. Bytes are decoded as Python does
    (a coding line, a byte-order mark).

    Example:
        >>> [str(f) for f in screen_source("import numpy as np\\nnp.allclose = lambda *a: True", "backprop.py")]
        ['assignment to numpy.allclose (backprop.py, line 2)']
        >>> screen_source("def broken(:", "backprop.py") is None
        True
    """
    try:
        return _walk(source, file, cell)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # not Python this interpreter reads (or too deep to walk): the grader reports it when it loads


def cell_code(source: str) -> str:
    """A notebook cell as the grader runs it, each IPython magic or shell line (``%``, ``!``) blank, line numbers kept."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def screen(path: Path, modules: Modules, where: dict[str, str]) -> Screening:
    """Screen what grading is about to load from the submission at ``path``: each part of ``modules`` (as
    :class:`~autograder.discovery.Found` holds them), found at ``where`` (part -> relative path).

    A notebook shared by several parts is read once; a file or cell that does not parse adds one note.

    Example::

        found = discover(Path("submission"))
        screen(Path("submission"), found.modules, found.where).flags   # ['screen: gc (backprop.py, line 2)']
    """
    path = Path(path)
    screening, seen = Screening(), set()
    for part, (how, what) in modules.items():
        label = where.get(part) or (what if isinstance(what, str) else f"{part}.py")
        if label in seen:
            continue
        seen.add(label)
        if how == "notebook":
            unread: dict[str, list[str]] = {}
            for number, source in enumerate(what, 1):
                try:
                    screening.findings += _walk(cell_code(str(source)), label, number)
                except Exception as error:  # noqa: BLE001 - a cell the screen cannot read must never stop grading
                    unread.setdefault(_unread(error), []).append(str(number))
            for reason, cells in unread.items():
                said = f"cell {cells[0]}" if len(cells) == 1 else f"cells {', '.join(cells)}"
                screening.notes.append(f"not screened: {label}, {said} ({reason})")
            continue
        file = path if path.is_file() else path / (what if isinstance(what, str) else f"{part}.py")
        try:
            screening.findings += _walk(file.read_bytes(), label, None)
        except OSError as error:
            screening.notes.append(f"not screened: {label} could not be read ({error.strerror or error})")
        except Exception as error:  # noqa: BLE001 - a file the screen cannot read must never stop grading
            screening.notes.append(f"not screened: {label} ({_unread(error)})")
    return screening
