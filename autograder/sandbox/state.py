"""Process-wide state, kept per part: a switch that one part's code flips (autograd off, the default dtype, the
number of threads, ...) stays in that part, as if each part ran alone in a process of its own.

The parts of a submission that use the same libraries run in one child (one process: the students' local runner
imports torch only once). Whatever a module or a function of one part changes for the whole process would
otherwise reach the parts graded after it: ``torch.set_grad_enabled(False)`` written as a statement in one trainer
switched autograd off for every trainer after it, whose own ``loss.backward()`` then failed. The child therefore
keeps one :data:`Snapshot` of that state per part (:class:`Keeper`):

- before a module loads, the pristine state (the child's own, taken before any student code ran) is put back, so
  that no module sees what another did when it loaded;
- when a request names another part than the one before, the live state is saved as that one's, and the new
  part's is put back. Within a part nothing changes: a trainer that turns autograd off still finds it off the next
  time it is called, and loses its own part's points, as it always did.

What is kept per part:

- the settings of :data:`SETTINGS`, each read and written through functions captured when this module is imported
  (before any student code, so a replaced ``torch.set_grad_enabled`` changes nothing here): Python's (``sys.path``,
  ``sys.meta_path``, ``sys.path_hooks``, the recursion limit, the integer string limit, the working folder,
  ``os.environ``, the warnings filters and hooks, ``random``'s generator, whether the garbage collector runs),
  NumPy's (print options, error settings and callback, the global generator) and, where torch is loaded, torch's
  (grad mode, default dtype, default device, number of threads, anomaly mode, deterministic algorithms and cuDNN
  flags, float32 matmul precision, CPU autocast, print options, the default generator, the global module hooks);
- ``sys.modules``: an entry the part's code replaced or removed, and each module it made or loaded from the
  submission's folder (a helper module two parts import is loaded once for each); libraries imported lazily
  (a torch submodule, say) are shared, as they are the same for every part;
- ``builtins``: a name the part's code added, replaced or removed.

Nothing here calls what a student's code made (values are read through the captured functions, module tables by
identity, a module's namespace through ``ModuleType``'s own descriptor) and nothing rebinds a name the tamper seal
(:mod:`autograder.sandbox.integrity`) watches: putting a part's state back is never taken for tampering.

Example (what the child does around each request)::

    keeper = Keeper(root)
    keeper.load("validation")       # pristine state, then validation.py runs
    keeper.enter("early_stopping")  # validation's state saved, early_stopping's put back

Who may import it: the child (:mod:`autograder.sandbox.child`) and the fork server, which imports it before the cut.
It imports :mod:`autograder.sandbox.libraries` only, and torch only where torch is allowed.
"""

from __future__ import annotations

import builtins
import gc
import importlib.machinery
import os
import random
import sys
import types
import warnings
from collections.abc import Callable

import numpy as np

from autograder.sandbox import libraries

# One setting: (what it is, in words; a function that reads it; a function that puts a value read back).
Setting = tuple[str, Callable[[], object], Callable[[object], None]]
# A part's state: (the values of SETTINGS, in order; sys.modules entries that differ from the pristine table;
# pristine entries removed; builtins that differ; pristine builtins removed).
Snapshot = tuple[tuple, dict, tuple, dict, tuple]
_MODULE_NAMESPACE = types.ModuleType.__dict__["__dict__"]  # a module's own dict: no property of a subclass runs
_SHARED_ORIGINS = ("built-in", "frozen")
_MISSING = object()


def _set_list(owner: object, name: str) -> Callable[[object], None]:
    # A copy: the snapshot's own list must never become the live one, which the student's code may change.
    return lambda value: setattr(owner, name, list(value))


def _set_warnings(value: object) -> None:
    filters, show, format_ = value
    warnings.filters = list(filters)
    warnings._filters_mutated()  # the C side caches the filters: tell it they changed
    warnings.showwarning, warnings.formatwarning = show, format_


def _set_environ(value: object) -> None:
    if dict(os.environ) != value:  # strings only: comparing them runs nothing of the student's
        os.environ.clear()
        os.environ.update(value)


def _set_gc(enabled: object) -> None:
    gc.enable() if enabled else gc.disable()


def _python_settings() -> tuple[Setting, ...]:
    getstate, setstate = random._inst.getstate, random._inst.setstate  # the generator behind random.random, random.seed
    getcwd, chdir = os.getcwd, os.chdir
    return (
        ("sys.path", lambda: list(sys.path), _set_list(sys, "path")),
        ("sys.meta_path", lambda: list(sys.meta_path), _set_list(sys, "meta_path")),
        ("sys.path_hooks", lambda: list(sys.path_hooks), _set_list(sys, "path_hooks")),
        ("the recursion limit", sys.getrecursionlimit, sys.setrecursionlimit),
        ("the integer string limit", sys.get_int_max_str_digits, sys.set_int_max_str_digits),
        ("the working folder", getcwd, chdir),
        ("os.environ", lambda: dict(os.environ), _set_environ),
        ("the warnings filters", lambda: (tuple(warnings.filters), warnings.showwarning, warnings.formatwarning), _set_warnings),
        ("random's generator", getstate, setstate),
        ("the garbage collector", gc.isenabled, _set_gc),
    )


def _numpy_settings() -> tuple[Setting, ...]:
    generator = np.random.mtrand._rand  # the global RandomState behind np.random.seed and np.random.rand
    get_options, set_options, geterr, seterr = np.get_printoptions, np.set_printoptions, np.geterr, np.seterr
    return (
        ("NumPy's print options", get_options, lambda value: set_options(**value)),
        ("NumPy's error settings", geterr, lambda value: seterr(**value)),
        ("NumPy's error callback", np.geterrcall, np.seterrcall),
        ("NumPy's global generator", generator.get_state, generator.set_state),
    )


def _torch_settings() -> tuple[Setting, ...]:
    import torch  # only where torch is allowed: a child of a NumPy-only part never loads it
    from torch.nn.modules import module as nn_module

    generator = torch._C.default_generator
    options = torch._tensor_str.PRINT_OPTS
    fields = tuple(vars(options))  # precision, threshold, edgeitems, linewidth, sci_mode
    hooks = tuple(value for name, value in sorted(vars(nn_module).items()) if name.startswith("_global_") and isinstance(value, dict))
    context = torch._GLOBAL_DEVICE_CONTEXT  # where torch.set_default_device keeps its device mode (a thread-local)
    # torch's own setters where its Python wrappers do more: torch.use_deterministic_algorithms imports torch._dynamo
    # (which rebinds torch.manual_seed, and would be taken for tampering), set_default_dtype only forwards.
    set_default_device, set_default_dtype, set_num_threads = torch.set_default_device, torch._C._set_default_dtype, torch.set_num_threads
    set_anomaly, use_deterministic = torch.set_anomaly_enabled, torch._C._set_deterministic_algorithms
    set_precision, set_autocast, set_autocast_dtype = torch._C._set_float32_matmul_precision, torch.set_autocast_enabled, torch.set_autocast_dtype
    cudnn = (
        (torch._C._get_cudnn_enabled, torch._C._set_cudnn_enabled),
        (torch._C._get_cudnn_benchmark, torch._C._set_cudnn_benchmark),
        (torch._C._get_cudnn_deterministic, torch._C._set_cudnn_deterministic),
        (torch._C._get_cudnn_allow_tf32, torch._C._set_cudnn_allow_tf32),
    )

    def default_device() -> object:
        current = getattr(context, "device_context", None)
        return None if current is None else current.device

    def put_device(device: object) -> None:
        if default_device() != device:  # setting it when unchanged would install a device mode: every factory slower
            set_default_device(device)

    def put_hooks(saved: object) -> None:
        for table, entries in zip(hooks, saved):
            if len(table) != len(entries) or any(table.get(key) is not value for key, value in entries.items()):
                table.clear()
                table.update(entries)

    return (
        ("torch's grad mode", torch._C.is_grad_enabled, torch._C._set_grad_enabled),
        ("torch's default dtype", torch.get_default_dtype, set_default_dtype),
        ("torch's default device", default_device, put_device),
        ("torch's number of threads", torch.get_num_threads, set_num_threads),
        ("torch's anomaly mode", lambda: (torch.is_anomaly_enabled(), torch.is_anomaly_check_nan_enabled()), lambda v: set_anomaly(*v)),
        (
            "torch's deterministic algorithms",
            lambda: (torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()),
            lambda v: use_deterministic(v[0], warn_only=v[1]),
        ),
        ("torch's cuDNN flags", lambda: tuple(get() for get, _ in cudnn), lambda v: [put(x) for (_, put), x in zip(cudnn, v)]),
        ("torch's float32 matmul precision", torch.get_float32_matmul_precision, set_precision),
        (
            "torch's CPU autocast",
            lambda: (torch.is_autocast_enabled("cpu"), torch.get_autocast_dtype("cpu")),
            lambda v: (set_autocast("cpu", v[0]), set_autocast_dtype("cpu", v[1])),
        ),
        ("torch's print options", lambda: tuple(getattr(options, f) for f in fields), lambda v: [setattr(options, f, x) for f, x in zip(fields, v)]),
        ("torch's default generator", generator.get_state, generator.set_state),
        ("torch's global module hooks", lambda: tuple(dict(table) for table in hooks), put_hooks),
    )


# Captured now: in the fork server before it forks any child (or the local runner before it serves), after
# libraries.withhold() where the part asks for fewer libraries.
SETTINGS: tuple[Setting, ...] = (*_python_settings(), *_numpy_settings(), *(_torch_settings() if libraries.allows("torch") else ()))
_READ = tuple(get for _, get, _ in SETTINGS)
_PUT = tuple(put for _, _, put in SETTINGS)


def _shared(module: object, root: str) -> bool:
    """Whether a module that appeared in ``sys.modules`` is a library's (the same for every part), not the part's own."""
    if not issubclass(type(module), types.ModuleType):
        return False  # anything else put there is the student's doing
    namespace = _MODULE_NAMESPACE.__get__(module)
    file, spec = namespace.get("__file__"), namespace.get("__spec__")
    if type(file) is str:
        return not file.startswith(root)
    return type(spec) is importlib.machinery.ModuleSpec and spec.origin in _SHARED_ORIGINS


def _differences(live: dict, pristine: dict, root: str | None) -> tuple[dict, tuple]:
    """What ``live`` holds that ``pristine`` does not (another object, or a new entry that is the part's, unless
    ``root`` is None: then every new entry), and the keys of ``pristine`` it lost."""
    changed, kept = {}, 0
    get = pristine.get
    for key, value in list(live.items()):
        if type(key) is not str:
            continue  # hashing another key could run the student's code: left alone
        if get(key, _MISSING) is value:
            kept += 1
        elif key in pristine:
            changed[key] = value
            kept += 1
        elif root is None or not _shared(value, root):
            changed[key] = value
    removed = tuple(key for key in pristine if key not in live) if kept < len(pristine) else ()
    return changed, removed


class Keeper:
    """One child's state per part: :meth:`load` before a module loads, :meth:`enter` before a request to a part.

    ``root`` is the folder the submission is served from: a module loaded from it belongs to the part that loaded it.
    """

    def __init__(self, root: str) -> None:
        self.root = os.path.join(root, "")  # as the child builds its modules' paths (never resolved: /tmp may be a link)
        self.modules = dict(sys.modules)
        self.builtins = dict(vars(builtins))
        self.pristine: Snapshot = (tuple(read() for read in _READ), {}, (), {}, ())
        self.saved: dict[str, Snapshot] = {}
        self.current: str | None = None

    def take(self) -> Snapshot:
        """The live state, as differences from the pristine one."""
        modules, gone = _differences(sys.modules, self.modules, self.root)
        names, removed = _differences(vars(builtins), self.builtins, None)
        return (tuple(read() for read in _READ), modules, gone, names, removed)

    def put(self, target: Snapshot, live: Snapshot) -> None:
        """Replace the ``live`` state (as :meth:`take` read it) by ``target``."""
        values, modules, gone, names, removed = target
        for table, pristine, (extra, lost), (wanted, dropped) in (
            (sys.modules, self.modules, live[1:3], (modules, gone)),
            (vars(builtins), self.builtins, live[3:5], (names, removed)),
        ):
            for key in extra:
                if key in pristine:
                    table[key] = pristine[key]
                else:
                    table.pop(key, None)
            for key in lost:
                table[key] = pristine[key]
            table.update(wanted)
            for key in dropped:
                table.pop(key, None)
        for put, value in zip(_PUT, values):
            put(value)

    def load(self, module: str) -> None:
        """Before ``module`` loads: keep the state of the part before it, and start from the pristine state."""
        live = self.take()
        if self.current is not None:
            self.saved[self.current] = live
        self.put(self.pristine, live)
        self.current = module

    def enter(self, module: str) -> None:
        """Before a request to ``module``'s functions: its own state, if another part ran last."""
        if module == self.current:
            return
        live = self.take()
        if self.current is not None:
            self.saved[self.current] = live
        self.put(self.saved.get(module, self.pristine), live)
        self.current = module
