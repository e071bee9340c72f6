"""The sandboxed child: loads one submission and answers the judge's requests with plain data.

Requests (dicts sent with :mod:`wire`):

- ``{"op": "load", "module": name}``: import ``name.py`` from the submission folder;
- ``{"op": "load_notebook", "module": name, "cells": [source, ...]}``: run a
  notebook's code cells, in order, into a module called ``name``; a cell that
  raises is reported and skipped, the others still run;
- ``{"op": "call", "target": "module.function", "args": [...], "kwargs": {...}, "return_args": bool}``;
- ``{"op": "scenario", "runner": name, "targets": ["module.function", ...], "spec": {...}}``:
  run a scenario runner (:mod:`autograder.sandbox.runners`) with the student's functions;
- ``{"op": "ping"}``.

Every reply is ``{"ok": True, "value": ..., "stdout": ...}`` or
``{"ok": False, "error": {"type", "message", "where"}}``. Any exception the
student's code raises, ``SystemExit`` and ``KeyboardInterrupt`` included,
becomes an error reply; only the death of the process ends the loop.

Before and after each request the child compares the harness with the seal it
took as it started (:mod:`autograder.sandbox.integrity`). When the student's
code modified it, the reply is ``{"ok": False, "tampering": [what changed, ...],
"error": ...}`` instead of the value, sent after everything is put back; the
judge discards the value, fails the tests that needed it and replaces the child.

Each part keeps its own process-wide state (:mod:`autograder.sandbox.state`): the
pristine state is put back before a module loads, and a part's own before a
request to it, so that a switch one part flips (autograd off, the default dtype)
never reaches another. Where the part's record withholds a library
(:mod:`autograder.sandbox.libraries`), a request during which the real library
was loaded anyway gets ``{"ok": False, "error": {"type": "LibraryNotAllowed", ...},
"restart": True}``: no value, and the judge replaces the child.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import sys
import traceback
import types
import warnings
from pathlib import Path

from autograder.sandbox import integrity, libraries, state, wire
from autograder.sandbox.output import captured_stdout
from autograder.sandbox.runners import RUNNERS

MESSAGE_LIMIT = 2000
CHECK_MODIFIED = ["the grader's tamper check itself (autograder.sandbox.integrity.changes) was modified"]
TAMPERED_EXIT = 86  # the child modified the harness and it could not be put back: the judge sees this exit code


LOADING = ("load", "load_notebook")


class MissingFunction(LookupError):
    """The submission's module has no function of the requested name."""


def describe_exception(error: BaseException, root: str) -> dict:
    """The exception's type, its message, and the frames that lie in the submission's own files."""
    try:
        message = str(error)[:MESSAGE_LIMIT]
    except BaseException:  # noqa: BLE001 - a student exception whose __str__ itself fails
        message = "(the exception's message could not be read)"
    where = []
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename.startswith(root) or frame.filename.startswith("<cell"):
            where.append([os.path.basename(frame.filename), frame.lineno, frame.name, (frame.line or "")[:200]])
    return {"type": type(error).__name__, "message": message, "where": where[-5:]}


class Child:
    """Holds the submission's modules and dispatches requests."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.modules: dict[str, types.ModuleType] = {}
        self.parts = state.Keeper(root)  # the pristine state: taken before any student code runs

    def handle(self, request: dict) -> dict:
        reply = self._handle(request)
        reply["id"] = request.get("id")
        return reply

    def _handle(self, request: dict) -> dict:
        op = request.get("op")
        handler = getattr(self, f"op_{op}", None)
        if handler is None:
            return {"ok": False, "error": {"type": "ProtocolError", "message": f"unknown op {op!r}", "where": []}}
        module = part_of(request)
        if module is not None:  # outside the student's budget and capture: the harness's own work
            try:
                self.parts.load(module) if op in LOADING else self.parts.enter(module)
            except Exception as error:  # noqa: BLE001 - what the student's code left cannot be put aside: a fresh child
                message = f"the process's state could not be put back ({type(error).__name__})"
                return {"ok": False, "error": {"type": "StateError", "message": message, "where": []}, "restart": True}
        if request.get("cpu_seconds"):  # only the fork server's children get a CPU budget (Linux: resource)
            from autograder.sandbox import limits

            limits.cpu_budget(request["cpu_seconds"])
        with captured_stdout() as out:
            try:
                value = handler(request)
            except BaseException as error:  # noqa: BLE001 - student code may raise anything, exits included
                return {"ok": False, "error": describe_exception(error, self.root), "stdout": out.text()}
        return {"ok": True, "value": value, "stdout": out.text()}

    def op_ping(self, request: dict) -> str:
        return "pong"

    def op_load(self, request: dict) -> bool:
        name = request["module"]
        path = Path(self.root) / f"{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        self.modules[name] = module
        return True

    def op_load_notebook(self, request: dict) -> list:
        name = request["module"]
        module = types.ModuleType(name)
        module.__file__ = str(Path(self.root) / f"{name}.ipynb")
        sys.modules[name] = module
        failures = []
        for index, source in enumerate(request["cells"]):
            code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
            try:
                exec(compile(code, f"<cell {index + 1}>", "exec"), module.__dict__)
            except BaseException as error:  # noqa: BLE001 - a broken cell must not stop the others
                failures.append([index + 1, describe_exception(error, self.root)])
        self.modules[name] = module
        return failures

    def resolve(self, target: str):
        module_name, _, function_name = target.partition(".")
        module = self.modules.get(module_name)
        if module is None:
            raise MissingFunction(f"{module_name} was not loaded")
        function = getattr(module, function_name, None)
        if function is None:
            raise MissingFunction(f"{module_name} defines no {function_name}")
        return function

    def op_call(self, request: dict):
        function = self.resolve(request["target"])
        args, kwargs = list(request.get("args", [])), dict(request.get("kwargs", {}))
        value = function(*args, **kwargs)
        if request.get("return_args"):
            return {"result": value, "type": wire.type_name(value), "args_after": args, "kwargs_after": kwargs}
        return {"result": value, "type": wire.type_name(value)}

    def op_scenario(self, request: dict):
        functions = [self.resolve(target) for target in request["targets"]]
        return RUNNERS[request["runner"]](request["spec"], *functions)


def part_of(request: dict) -> str | None:
    """The module (the part) whose code a request runs: the one it loads, or its (first) target's; None for a ping."""
    if request.get("op") in LOADING:
        return str(request["module"])
    targets = [request["target"]] if "target" in request else request.get("targets") or []
    return str(targets[0]).partition(".")[0] if targets else None


def serve(sock: socket.socket, root: str) -> None:
    """Answer requests until the judge closes the connection."""
    warnings.simplefilter("ignore")
    os.chdir(root)
    sys.path.insert(0, root)
    # Sealed before any student code runs. The seal, the check and its code live in this frame's own
    # variables, which the student's code cannot rebind; the check is verified before every use.
    sealed = integrity.seal(type(sock))
    check, repair, exit_now = integrity.changes, integrity.repair, os._exit
    code, defaults, repair_code, repair_defaults = check.__code__, check.__defaults__, repair.__code__, repair.__defaults__
    recv, send_frame, frames = wire.recv, wire.send_frame, sys._current_frames
    leaked, withholding = libraries.leaked, bool(libraries.WITHHELD)
    child = Child(root)
    while True:
        try:
            request = recv(sock)
        except (EOFError, OSError):
            return
        # `is`, never `==`: a replacement could claim to be equal to anything.
        intact = check.__code__ is code and check.__defaults__ is defaults
        intact = intact and repair.__code__ is repair_code and repair.__defaults__ is repair_defaults
        # Since the last check only this loop ran, unless the student's code left a thread running: with
        # one thread the state is the one the last check saw, and checking again would only cost time.
        tampered = (check(sealed) if len(frames()) > 1 else []) if intact else CHECK_MODIFIED
        reply = child.handle(request)
        frame = encoded(reply)  # encoding may run student code too (a tensor subclass's methods): checked after it
        intact = intact and check.__code__ is code and check.__defaults__ is defaults
        intact = intact and repair.__code__ is repair_code and repair.__defaults__ is repair_defaults
        tampered = tampered or (check(sealed) if intact else CHECK_MODIFIED)
        if tampered:
            if not intact:  # the repair cannot be trusted either: end here, the judge reads the exit code
                exit_now(TAMPERED_EXIT)
            try:
                repair(sealed)
            except BaseException:  # noqa: BLE001 - whatever the student left behind, never answer through it
                exit_now(TAMPERED_EXIT)
            frame = encoded(tampered_reply(tampered, request))
        elif withholding:  # after the seal's check, which verified leaked()'s code among the harness's
            loaded = leaked()
            if loaded:
                frame = encoded(withheld_reply(loaded, request))
        send_frame(sock, frame)


def encoded(reply: dict) -> bytes:
    """The reply as a wire frame; a value that is too large or cannot be encoded becomes an error reply."""
    try:
        frame = wire.dumps(reply)
        if len(frame) <= wire.MAX_FRAME_BYTES:
            return frame
        error = {"type": "ReplyTooLarge", "message": f"the message is {len(frame)} bytes, more than the {wire.MAX_FRAME_BYTES} allowed"}
    except wire.WireError as problem:
        error = {"type": "ReplyTooLarge", "message": str(problem)}
    except Exception as problem:  # noqa: BLE001 - a value that cannot be encoded
        error = {"type": "UnsendableValue", "message": repr(problem)[:500]}
    return wire.dumps({"ok": False, "error": {**error, "where": []}, "id": reply.get("id")})


def tampered_reply(changes: list[str], request: object) -> dict:
    """The answer to a request during which the harness was modified: what changed, and no value."""
    request_id = request.get("id") if type(request) is dict else None
    error = {"type": "Tampering", "message": "the grader's own code was modified in the sandbox", "where": []}
    return {"ok": False, "tampering": [str(change)[:300] for change in changes[:20]], "error": error, "id": request_id}


def withheld_reply(names: list[str], request: object) -> dict:
    """The answer to a request during which a withheld library was really loaded: no value, and a new child for the next."""
    request_id = request.get("id") if type(request) is dict else None
    message = f"{', '.join(names)} is not available here, and was loaded anyway"
    return {"ok": False, "error": {"type": "LibraryNotAllowed", "message": message, "where": []}, "restart": True, "id": request_id}
