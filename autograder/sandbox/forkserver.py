"""The fork server: a clean, warm parent from which every sandboxed child is forked.

It is a fresh interpreter with a scrubbed environment that imports torch,
NumPy and the child's code once, then never computes. Each
``spawn`` forks a child in a few milliseconds instead of paying about two
seconds of imports, and the child inherits nothing of the judge: no hidden
graders, no reference curves, no solutions, no secrets from the environment.
(Torch also hangs in a child forked after the parent ran a multi-threaded op:
this parent runs none.)

A fork server started with ``{"withhold": ["torch"]}`` in its configuration serves
the parts whose record allows fewer libraries (a NumPy-only part): it never imports
them, serves a stand-in for them (:mod:`autograder.sandbox.libraries`), and at the
``namespaces`` level its children's file system has an empty folder where they are
installed. It starts in a fraction of a second.

Control messages are JSON packets on a SOCK_SEQPACKET socket given as argv[1]:

- ``{"op": "spawn", "root": DIR, "limits": {...}}``: answered with
  ``{"pid": N}`` and, attached, the judge's end of a new socket to the child;
- ``{"op": "status", "pid": N}``: ``{"status": "running" | "exit 3" | "signal 9" | "unknown"}``;
- EOF: kill every child and exit.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import shutil
import signal
import socket
import sys
import time

from autograder.sandbox import isolation, libraries

PREIMPORTS = (
    "numpy",
    "torch",
    "torch.nn",
    "torch.optim",
    "torch.utils.data",
)


# The standard library that importing torch loads (Python 3.11, torch 2.13) and a student's code may use. A server
# that withholds torch imports them itself, so that a NumPy-only part finds the same standard library as the others:
# at the `user` level the child may not read the interpreter's own folder (under /root, say), and an import of a
# module no one loaded before the cut would fail there and nowhere else.
STANDARD_LIBRARY = (
    "argparse", "array", "base64", "bisect", "calendar", "cmath", "concurrent.futures", "copy", "csv", "dataclasses",
    "difflib", "fcntl", "gc", "glob", "hashlib", "heapq", "json", "locale", "logging", "multiprocessing", "pickle",
    "pprint", "queue", "random", "runpy", "select", "selectors", "shutil", "signal", "socket", "string", "subprocess",
    "tempfile", "threading", "timeit", "traceback", "unittest", "uuid", "zipfile", "zlib",
)  # fmt: skip


def _preimport() -> None:
    names = PREIMPORTS if libraries.allows("torch") else (*PREIMPORTS, *STANDARD_LIBRARY)
    for name in names:
        if not libraries.allows(name.partition(".")[0]):
            continue
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def _describe(status: int) -> str:
    if os.WIFEXITED(status):
        return f"exit {os.WEXITSTATUS(status)}"
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return "unknown"


def _probe_seccomp() -> bool:
    """Whether the child's network filter can be installed here (tried in a throw-away child)."""
    pid = os.fork()
    if pid == 0:
        try:
            from autograder.sandbox import seccomp  # in the forked probe only: the server itself never installs a filter

            isolation.prctl(isolation.PR_SET_NO_NEW_PRIVS, 1)
            seccomp.deny_network()
            os._exit(0)
        except BaseException:  # noqa: BLE001 - any failure means "not available"
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


class Server:
    def __init__(self, control: socket.socket, sandbox: isolation.Server, config: dict, network_filter: bool) -> None:
        self.control = control
        self.children: dict[int, str] = {}
        self.sandbox = sandbox
        self.base = config.get("base", "")
        self.network_filter = network_filter

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.children[pid] = _describe(status)

    def kill_all(self) -> None:
        """End every child and whatever it started, and wait for them (at most a few seconds)."""
        self.sandbox.kill_all({pid for pid, status in self.children.items() if status == "running"})
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                time.sleep(0.001)
            else:
                self.children[pid] = _describe(status)

    def spawn(self, request: dict) -> None:
        from autograder.sandbox import limits  # imported by main() before the cut: a local name only

        judge_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:  # the child
            code = 0
            try:
                self.control.close()
                judge_end.close()
                source = self.sandbox.inbox_path(request["root"], self.base)
                work = limits.enter_sandbox(request.get("limits", {}), source, self.sandbox, self.network_filter)
                from autograder.sandbox import child  # imported by main() before the cut: a local name only

                child.serve(child_end, work)
            except BaseException:  # noqa: BLE001 - whatever happens, never return into the server's loop
                code = 70
            finally:
                os._exit(code)
        child_end.close()
        self.children[pid] = "running"
        socket.send_fds(self.control, [json.dumps({"pid": pid}).encode()], [judge_end.fileno()])
        judge_end.close()

    def serve(self) -> None:
        while True:
            try:
                packet = self.control.recv(65536)
            except OSError:
                packet = b""
            self.reap()
            if not packet:
                break
            request = json.loads(packet)
            if request["op"] == "spawn":
                self.spawn(request)
            elif request["op"] == "status":
                status = self.children.get(int(request["pid"]), "unknown")
                self.control.send(json.dumps({"status": status}).encode())
            elif request["op"] == "kill":
                self.kill_all()
                self.control.send(b'{"killed": true}')
        self.kill_all()


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    config = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {"level": "none"}
    # `python -m` put the working folder first on sys.path: a child must never import from a shared folder.
    sys.path[:] = [p for p in sys.path if p and os.path.abspath(p) != os.getcwd()]
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # no KeyboardInterrupt a child could send us
    gc.disable()  # imports make no garbage: collecting during them only costs time (re-enabled below)
    withheld = list(config.get("withhold", []))
    config["withheld_dirs"] = libraries.package_dirs(withheld)  # where they are installed: empty in the children's root
    sandbox = isolation.enter_server(config, control.fileno())  # may fork: we may now be process 1 of a PID namespace
    libraries.withhold(withheld)  # before anything imports them: from now on `import torch` gives a stand-in
    network_filter = _probe_seccomp()
    _preimport()
    # Every module the child will need, imported before enter_root(): after it, the project's files may no
    # longer exist for a child (namespaces) or be readable by it (user), so a lazy import would fail there.
    # tests/test_sandbox_layout.py checks that this list covers every sandbox module the child can reach.
    from autograder.sandbox import checks_standin, child, integrity, limits, output, runners, seccomp, state, wire  # noqa: F401

    if libraries.allows("torch"):  # a server for NumPy-only parts never loads torch
        from autograder.sandbox import capture, data, lean_optim, models, observe  # noqa: F401
        from autograder.sandbox.runners import describe, training  # noqa: F401  (importing runners imported each part's runner)

        capture.configure_torch()
        capture.warm_torch()  # in every child already: not paid per child, and before the child's seal
    checks_standin.install()  # a notebook's unguarded `from autograder.notebook_checks import ...` cell: a no-op there
    state.Keeper("/")  # reads every setting once: the first read of some (NumPy's global generator) is slow
    gc.freeze()  # what is here now stays: a child's collections never touch (and copy) these pages
    gc.enable()
    sandbox.enter_root()
    control.send(json.dumps({"ready": True, "isolation": {**sandbox.info, "network_filter": network_filter}}).encode())
    Server(control, sandbox, config, network_filter).serve()
    if config.get("base"):  # the judge may have been killed: leave no copies of submissions behind
        shutil.rmtree(config["base"], ignore_errors=True)
    os._exit(0)  # skip the interpreter's teardown (a second with torch loaded): there is nothing to flush


if __name__ == "__main__":
    main()
