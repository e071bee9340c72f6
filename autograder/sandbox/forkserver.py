"""The fork server: a clean, warm parent from which every sandboxed child is forked.

It is a fresh interpreter with a scrubbed environment that imports torch,
NumPy and the child's code once, then never computes. Each
``spawn`` forks a child in a few milliseconds instead of paying about two
seconds of imports, and the child inherits nothing of the judge: no hidden
graders, no reference curves, no solutions, no secrets from the environment.
(Torch also hangs in a child forked after the parent ran a multi-threaded op:
this parent runs none.)

Control messages are JSON packets on a SOCK_SEQPACKET socket given as argv[1]:

- ``{"op": "spawn", "root": DIR, "limits": {...}}``: answered with
  ``{"pid": N}`` and, attached, the judge's end of a new socket to the child;
- ``{"op": "status", "pid": N}``: ``{"status": "running" | "exit 3" | "signal 9" | "unknown"}``;
- EOF: kill every child and exit.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys

PREIMPORTS = (
    "numpy",
    "torch",
    "torch.nn",
    "torch.optim",
    "torch.utils.data",
)


def _preimport() -> None:
    import importlib

    for name in PREIMPORTS:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


def _warm() -> None:
    """Pay torch's lazy imports once here (building the first optimizer imports ~800 modules, about 1 s),
    not in every child. Nothing is computed, and torch runs on one thread."""
    import torch

    parameter = torch.nn.Parameter(torch.zeros(1))
    torch.optim.SGD([parameter], lr=0.1)
    torch.optim.Adam([parameter])


def _describe(status: int) -> str:
    if os.WIFEXITED(status):
        return f"exit {os.WEXITSTATUS(status)}"
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return "unknown"


class Server:
    def __init__(self, control: socket.socket) -> None:
        self.control = control
        self.children: dict[int, str] = {}

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.children[pid] = _describe(status)

    def spawn(self, request: dict) -> None:
        from autograder.sandbox import limits

        judge_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:  # the child
            code = 0
            try:
                self.control.close()
                judge_end.close()
                limits.enter_sandbox(request.get("limits", {}), request["root"])
                from autograder.sandbox import child

                child.serve(child_end, request["root"])
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
        for pid, status in self.children.items():
            if status == "running":
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    pass


def main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    _preimport()
    from autograder.sandbox import child, harness, wire  # noqa: F401 - warm the child's imports

    harness.configure_torch()
    _warm()
    control.send(b'{"ready": true}')
    Server(control).serve()
    os._exit(0)  # skip the interpreter's teardown (a second with torch loaded): there is nothing to flush


if __name__ == "__main__":
    main()
