"""Libraries withheld from a child: where a part's record allows fewer libraries (``libraries = ["numpy"]``), its
module cannot use the others, and nothing computed with them reaches the judge.

Such a part runs in a child of its own server (a fork server, or the students' local runner, started with the
libraries to withhold), which calls :func:`withhold` before it imports anything else and never loads them itself.
From then on, in it and in every child it forks:

- ``import torch``, ``from torch import nn``, ``import torch.nn.functional as F``, ``__import__("torch")`` and
  ``importlib.import_module("torch")`` give a stand-in (:class:`StandIn`) served by a finder first on
  ``sys.meta_path``. Importing works, so a module that imports torch to check itself under
  ``if __name__ == "__main__":`` still loads and its NumPy functions are graded; any *use* of the stand-in (a call,
  an operation, subclassing it, ``isinstance``, NumPy converting it) raises :class:`LibraryNotAllowed`, which the
  judge turns into one line for the tests of the function that used it ("part 1 asks for NumPy only: torch is not
  available here").
- At the ``namespaces`` level the library's files do not exist for the child (the fork server mounts an empty
  folder over them, :func:`package_dirs`): without the finder there is nothing to import.
- After every request the child looks for the real library anyway (:func:`leaked`: a module of it in
  ``sys.modules`` that is not a stand-in, or, on Linux, one of its files mapped into the process, which catches
  ``ctypes`` and a module table emptied afterwards). If it is there, the reply carries no value and the child is
  replaced.

Example (what a child of a NumPy-only part sees)::

    withhold(["torch"])
    import torch            # works: a stand-in
    torch.tensor([1.0])     # LibraryNotAllowed: torch is not available here

Who may import it: the sandbox's modules (the child, the fork server, the local runner, the runners' table, the
per-part state). It imports nothing of the project.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import types
from collections.abc import Iterable

# Each withheld library -> what its stand-in says when it is used. Filled by withhold() before the child seals the
# harness: a dict in a sandbox module's namespace is sealed as a table, so emptying it later is named as tampering.
WITHHELD: dict[str, str] = {}
MAPS = "/proc/self/maps"
PROBED = frozenset({"dtype", "shape"})  # what NumPy asks of an object it converts: `np.array(x, dtype=torch.float64)` raises  # Linux: the files mapped into this process (a library's compiled code, once it is loaded)


class LibraryNotAllowed(ImportError):
    """A withheld library was used in this child: its stand-in raises this on any use."""


def _refuse(name: str) -> LibraryNotAllowed:
    library = name.partition(".")[0]
    return LibraryNotAllowed(WITHHELD.get(library, f"{library} is not available here"))


class StandIn(types.ModuleType):
    """What importing a withheld library gives: each public attribute is another stand-in, and any use raises.

    ``torch.Tensor`` in an annotation, ``import torch.nn as nn`` or ``torch.float64`` as a default value cost
    nothing; ``torch.tensor(x)``, ``class Net(nn.Module)``, ``torch.pi * 2`` or ``np.asarray(torch.ones)`` raise
    :class:`LibraryNotAllowed`.
    """

    def __getattr__(self, attribute: str) -> StandIn:
        # Only for names the stand-in does not hold. Private and special names do not exist: NumPy, copy, inspect
        # and the import system probe them (__array__, __wrapped__, __path__) and must see a plain object.
        if attribute.startswith("_"):
            raise AttributeError(attribute)
        if attribute in PROBED:
            raise _refuse(self.__name__)
        inner = StandIn(f"{self.__name__}.{attribute}")
        types.ModuleType.__setattr__(self, attribute, inner)  # the same object next time: torch.nn is torch.nn
        return inner

    def __repr__(self) -> str:
        return f"<{self.__name__}: not available here>"

    def __call__(self, *args: object, **kwargs: object) -> object:
        raise _refuse(self.__name__)

    def __mro_entries__(self, bases: tuple) -> tuple:
        raise _refuse(self.__name__)

    def __instancecheck__(self, instance: object) -> bool:
        raise _refuse(self.__name__)

    def __subclasscheck__(self, subclass: object) -> bool:
        raise _refuse(self.__name__)

    def __array__(self, *args: object, **kwargs: object) -> object:
        raise _refuse(self.__name__)

    def __reduce_ex__(self, protocol: object) -> object:  # copy.deepcopy and pickle
        raise _refuse(self.__name__)

    def __iter__(self) -> object:
        raise _refuse(self.__name__)

    def __len__(self) -> int:
        raise _refuse(self.__name__)

    def __getitem__(self, key: object) -> object:
        raise _refuse(self.__name__)

    def __float__(self) -> float:
        raise _refuse(self.__name__)

    def __int__(self) -> int:
        raise _refuse(self.__name__)

    def __index__(self) -> int:
        raise _refuse(self.__name__)

    def __neg__(self) -> object:
        raise _refuse(self.__name__)

    def __abs__(self) -> object:
        raise _refuse(self.__name__)


def _operation(self: StandIn, *args: object) -> object:
    raise _refuse(self.__name__)


# Arithmetic and comparisons (not == and !=, which dictionaries and the import system use) raise too.
for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or", "xor", "lshift", "rshift"):
    for _form in (f"__{_name}__", f"__r{_name}__"):
        setattr(StandIn, _form, _operation)
for _form in ("__lt__", "__le__", "__gt__", "__ge__"):
    setattr(StandIn, _form, _operation)
del _name, _form


class Finder:
    """First on ``sys.meta_path``: serves a stand-in for every module of a withheld library (and loads nothing)."""

    @classmethod
    def find_spec(cls, name: str, path: object = None, target: object = None) -> importlib.machinery.ModuleSpec | None:
        if name.partition(".")[0] not in WITHHELD:
            return None
        return importlib.machinery.ModuleSpec(name, cls, is_package=True)  # a package: `import torch.nn` comes here too

    @staticmethod
    def create_module(spec: importlib.machinery.ModuleSpec) -> StandIn:
        return StandIn(spec.name)

    @staticmethod
    def exec_module(module: types.ModuleType) -> None:
        pass


def withhold(names: Iterable[str]) -> None:
    """Make the libraries ``names`` unusable in this process and the children it forks; call before anything imports them.

    Example:
        >>> withhold(["torch"]); import torch; torch
        <torch: not available here>
    """
    for name in names:
        if type(sys.modules.get(name, None)) not in (StandIn, type(None)):
            raise RuntimeError(f"{name} is imported already: withhold it before anything imports it")
        WITHHELD[name] = f"{name} is not available here: this part's code may not use it"
    if WITHHELD and Finder not in sys.meta_path:
        sys.meta_path.insert(0, Finder)


def allows(name: str) -> bool:
    """Whether this process may load library ``name`` (every library, unless :func:`withhold` said otherwise)."""
    return name not in WITHHELD


def package_dirs(names: Iterable[str]) -> list[str]:
    """The folders the libraries ``names`` are installed in, found without importing them (empty for one not installed).

    The fork server mounts an empty folder over each, at the ``namespaces`` level, before it withholds them.
    """
    found = []
    for name in names:
        try:
            spec = importlib.util.find_spec(name)  # finds a top-level package's folder; runs none of its code
        except (ImportError, ValueError):
            continue
        if spec is not None:
            found += [os.path.realpath(folder) for folder in spec.submodule_search_locations or []]
    return sorted(set(found))


def leaked(_type=type, _str=str, _list=list, _open=open, _sep=os.sep) -> list[str]:
    """The withheld libraries that were really loaded into this process in spite of the stand-ins (empty: none).

    A module of one in ``sys.modules`` that is no stand-in, or (Linux) one of its files among the process's mapped
    files: compiled code stays mapped once loaded, whatever the module table says afterwards. Its defaults are bound
    when this module is imported, before any student code runs.
    """
    if not WITHHELD:
        return []
    found = set()
    for key, module in _list(sys.modules.items()):
        if _type(key) is _str and key.partition(".")[0] in WITHHELD and _type(module) not in (StandIn, _type(None)):
            found.add(key.partition(".")[0])
    try:
        with _open(MAPS, encoding="utf-8", errors="replace") as stream:
            mapped = stream.read()
    except OSError:  # not Linux: the module table is all there is to look at
        mapped = ""
    for name in WITHHELD:
        if f"{_sep}{name}{_sep}" in mapped:
            found.add(name)
    return sorted(found)
