"""Tamper evidence in the child: the harness sealed before any student code runs, compared after every call.

Everything the child observes with (the runners, trackers, judge's models,
the wire's encoder, the captured torch and NumPy functions) runs in the same
process as the student's code, so a submission could rewrite it there: replace
``Tracker.saw_forward``, ``TrackedLoader.__iter__``, ``wire.encode``, an entry
of ``RUNNERS``, ``builtins.any``, a function's ``__code__``. :func:`seal` takes
a snapshot of all of that when the child starts; :meth:`Seal.changes` compares
the live objects with it (identities only: nothing the student made is ever
called, compared with ``==`` or hashed) and names each difference.

What is sealed:

- every loaded module of :mod:`autograder.sandbox`, and each part's runner module
  (``autograder.parts.<name>.runner``): each name in its namespace
  (no name added, removed or rebound), each of its dicts that is a table
  (``RUNNERS``, ``SCALAR_FUNCTIONS``; not the registries it fills while it runs,
  :data:`FILLED_WHILE_RUNNING`), and every class it holds with their bases;
- the libraries the harness looks names up in while it runs
  (:data:`LIBRARIES`): each name they had at the seal still bound to the same
  object (torch and NumPy add names when they import a submodule lazily: added
  names are allowed there; :data:`REBOUND_BY_LIBRARY` names what they rebind themselves);
- the classes of the judge's objects and their bases (:data:`LIBRARY_CLASSES`:
  ``torch.Tensor``, ``nn.Module``, ``DataLoader``, ...): no attribute added,
  removed or rebound;
- every Python function among all of those (and in their tuples, such as the per-part state's
  settings): its ``__code__``, ``__defaults__`` and ``__kwdefaults__`` (replaced in place, a
  function keeps its identity);
- no trace or profile function installed (they can rewrite a running frame's variables).

What it cannot see is said in the security model (docs/security.md): code that changes
and restores everything between two checks, and code that rewrites memory
(ctypes) or the snapshot itself.

Who may import it: the child (:mod:`autograder.sandbox.child`); it imports no other sandbox module.
"""

from __future__ import annotations

import operator
import re
import sys
import types

SANDBOX = "autograder.sandbox"
# The parts' own scenario runners run in the child beside the sandbox's modules: sealed as they are.
PART_RUNNER = re.compile(r"autograder\.parts\.[a-z][a-z0-9_]*\.runner")
# The libraries whose names the harness looks up while it runs (the wire: json, struct, NumPy; the runners: torch).
LIBRARIES = ("builtins", "json", "json.encoder", "struct", "math", "numpy", "torch", "torch.nn", "torch.nn.functional", "torch.utils.data")
# Names a library rebinds itself when a setting changes, which the harness never uses: torch.set_default_dtype
# rebinds torch.Storage to that dtype's storage class. Setting the dtype is a student's choice (kept within its part by
# autograder.sandbox.state), not tampering.
REBOUND_BY_LIBRARY = frozenset({("torch", "Storage")})
# The registries the harness fills while a scenario runs: their entries change, their identity may not.
FILLED_WHILE_RUNNING = frozenset({("autograder.sandbox.observe", "_WATCHED")})
_IMMUTABLE_TYPE = 1 << 8  # Py_TPFLAGS_IMMUTABLETYPE: built-in and static types, whose attributes cannot be set


def library_classes() -> tuple[type, ...]:
    """The classes of the judge's objects and of what its runners call methods of (their bases are added by :func:`seal`);
    torch's only where torch is loaded (a child that withholds it has none, and its stand-in has no classes)."""
    import json  # looked up when the seal is taken, after torch is loaded: this module imports nothing heavy

    if "torch" not in sys.modules or type(sys.modules["torch"]) is not types.ModuleType:
        return (json.JSONEncoder,)
    # torch is loaded here (the check above): these imports only name it
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    return (
        json.JSONEncoder,
        torch.Tensor,
        nn.Module,
        nn.Linear,
        nn.Sequential,
        nn.Dropout,
        nn.LeakyReLU,
        nn.MSELoss,
        nn.BCEWithLogitsLoss,
        DataLoader,
        TensorDataset,
    )


# What seal() returns, a plain tuple of tuples (nothing in it can be changed in place, and unpacking it calls
# no method a submission could replace): (tables, labels, functions, codes, defaults, kwdefaults), where each
# table is (label, the class it belongs to or None, live mapping, keys, the objects they were bound to, exact,
# getter of those keys), exact meaning that no name may be added either (a sandbox module or a class: an
# added name shadows another), and labels say where each sealed function was found.
Seal = tuple


def _table(label: str, owner: type | None, mapping, exact: bool) -> tuple:
    keys = tuple(key for key in mapping if (label, key) not in REBOUND_BY_LIBRARY)
    return (label, owner, mapping, keys, tuple(mapping[key] for key in keys), exact, operator.itemgetter(*keys) if keys else None)


# The check calls only what its default arguments bound when this module was imported (in the fork
# server, before any child exists) and what it is given: a submission that rebinds a builtin, a name of
# this module or an attribute of a class does not change what it runs. The child verifies that this
# function's own code and defaults are still the ones it started with before each use.
def changes(
    sealed: Seal,
    _is=operator.is_,
    _len=len,
    _all=all,
    _map=map,
    _zip=zip,
    _code=operator.attrgetter("__code__"),
    _defaults=operator.attrgetter("__defaults__"),
    _kwdefaults=operator.attrgetter("__kwdefaults__"),
    _gettrace=sys.gettrace,
    _getprofile=sys.getprofile,
    _key_error=KeyError,
) -> list[str]:
    """What was modified since the seal, in words ("autograder.sandbox.observe.Tracker.saw_forward was replaced"); empty if nothing.

    Identities only, a few hundred microseconds: nothing the student made is called, compared with ``==`` or hashed.
    """
    found = []
    tables, labels, functions, codes, defaults, kwdefaults = sealed
    for label, _, mapping, keys, values, exact, get in tables:
        if exact and _len(mapping) != _len(keys):
            found += [f"{label}.{key} was added" for key in mapping if key not in keys]
        if get is None:
            continue
        try:
            now = get(mapping)
            now = (now,) if _len(keys) == 1 else now
            if _all(_map(_is, now, values)):
                continue
        except _key_error:
            pass
        for key, value in _zip(keys, values):
            if key not in mapping:
                found.append(f"{label}.{key} was removed")
            elif not _is(mapping[key], value):
                found.append(f"{label}.{key} was replaced")
    if not (
        _all(_map(_is, _map(_code, functions), codes))
        and _all(_map(_is, _map(_defaults, functions), defaults))
        and _all(_map(_is, _map(_kwdefaults, functions), kwdefaults))
    ):
        for label, function, code, default, kwdefault in _zip(labels, functions, codes, defaults, kwdefaults):
            if not _is(_code(function), code):
                found.append(f"the code of {label} was replaced")
            elif not (_is(_defaults(function), default) and _is(_kwdefaults(function), kwdefault)):
                found.append(f"the default arguments of {label} were replaced")
    if _gettrace() is not None or _getprofile() is not None:
        found.append("a trace or profile function was installed (sys.settrace, sys.setprofile)")
    return found


def repair(
    sealed: Seal,
    _setattr=setattr,
    _delattr=delattr,
    _setitem=operator.setitem,
    _delitem=operator.delitem,
    _zip=zip,
    _list=list,
    _settrace=sys.settrace,
    _setprofile=sys.setprofile,
) -> None:
    """Put back everything :func:`changes` compares: names, table entries, class attributes, code and defaults.

    The child does this before it answers a call that tampered, so that the answer (which says so)
    goes through the wire's own encoder; the judge then replaces the child. Like :func:`changes`, it
    calls only what its default arguments bound at import. Raises if something cannot be put back.
    """
    _settrace(None)
    _setprofile(None)
    tables, _, functions, codes, defaults, kwdefaults = sealed
    for function, code, default, kwdefault in _zip(functions, codes, defaults, kwdefaults):
        _setattr(function, "__code__", code)
        _setattr(function, "__defaults__", default)
        _setattr(function, "__kwdefaults__", kwdefault)
    for _, owner, mapping, keys, values, exact, _ in tables:
        if exact:
            for key in _list(mapping):
                if key not in keys:
                    _delitem(mapping, key) if owner is None else _delattr(owner, key)
        for key, value in _zip(keys, values):
            if key not in mapping or mapping[key] is not value:
                _setitem(mapping, key, value) if owner is None else _setattr(owner, key, value)


def _in_tuples(value: object, depth: int = 2) -> list:
    """``value``, or the items of a tuple (of tuples) of it: a table of functions such as the per-part state's settings."""
    if type(value) is not tuple or depth == 0:
        return [value]
    return [item for inner in value for item in _in_tuples(inner, depth - 1)]


def _functions_in(label: str, mapping) -> list[tuple[str, types.FunctionType]]:
    """The Python functions bound in a namespace, methods wrapped in staticmethod, classmethod or property included,
    and those held in its tuples."""
    found = []
    for key, value in list(mapping.items()):
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        candidates = [value.fget, value.fset, value.fdel] if isinstance(value, property) else _in_tuples(value)
        found += [(f"{label}.{key}", v) for v in candidates if type(v) is types.FunctionType]
    return found


def _mutable(kind: type) -> bool:
    return kind is not object and not kind.__flags__ & _IMMUTABLE_TYPE


def seal(*extra: type) -> Seal:
    """Snapshot the harness now, with the ``extra`` classes (the child's socket). Call it before any student code runs."""
    tables: list[tuple] = []
    classes: dict[int, type] = {}
    for name, module in sorted(sys.modules.items()):
        if not (name == SANDBOX or name.startswith(SANDBOX + ".") or PART_RUNNER.fullmatch(name)) or module is None:
            continue
        namespace = vars(module)
        tables.append(_table(name, None, namespace, exact=True))
        for key, value in namespace.items():
            if type(value) is dict and key != "__builtins__" and (name, key) not in FILLED_WHILE_RUNNING:
                tables.append(_table(f"{name}.{key}", None, value, exact=True))
            elif isinstance(value, type):
                classes[id(value)] = value
    for name in LIBRARIES:
        if sys.modules.get(name) is not None:
            tables.append(_table(name, None, vars(sys.modules[name]), exact=False))
    for kind in (*library_classes(), *extra):
        classes[id(kind)] = kind
    for kind in list(classes.values()):
        for base in kind.__mro__:
            classes.setdefault(id(base), base)
    for kind in classes.values():
        if _mutable(kind):
            tables.append(_table(f"{kind.__module__}.{kind.__qualname__}", kind, kind.__dict__, exact=True))
    found = {}
    for table in tables:
        for label, function in _functions_in(table[0], table[2]):
            found.setdefault(id(function), (label, function))
    labels, functions = tuple(label for label, _ in found.values()), tuple(function for _, function in found.values())
    return (
        tuple(tables),
        labels,
        functions,
        tuple(f.__code__ for f in functions),
        tuple(f.__defaults__ for f in functions),
        tuple(f.__kwdefaults__ for f in functions),
    )
