"""The student's own machine: the same :mod:`child` request loop, in a plain subprocess that talks over its stdin and stdout.

Started by :class:`autograder.judge.local.LocalServer` as ``python -m autograder.sandbox.local_child``
(``... local_child --withhold torch`` for the parts whose record allows fewer libraries) on any
operating system (no fork, no namespaces, no ``resource`` or ``prctl``). At start it:

- keeps private duplicates of its stdin and stdout for the protocol, then points file descriptor 0
  at the null device and descriptor 1 at stderr, so that nothing the student's code prints or
  reads (``print``, ``input()``, C extensions writing to fd 1) can corrupt the protocol;
- withholds the libraries named after ``--withhold`` (:mod:`autograder.sandbox.libraries`: importing
  them gives a stand-in; such a process never loads torch, and starts in a fraction of a second);
- imports torch (unless withheld) and the child loop, then sends one frame ``{"ok": True, "value": "ready", "id": 0}``;
- reads one frame ``{"root": folder}`` (the copy of the submission) and serves
  :func:`autograder.sandbox.child.serve` on it until the judge closes the pipe.

Frames are :mod:`wire` frames, exactly as on the fork server's sockets. Example (what the judge does)::

    process = subprocess.Popen([sys.executable, "-m", "autograder.sandbox.local_child"], stdin=PIPE, stdout=PIPE)
"""

from __future__ import annotations

import os
import sys

from autograder.sandbox import libraries  # imports nothing heavy: it must act before torch could be imported

WITHHOLD_OPTION = "--withhold"


class Pipe:
    """The two file descriptors of the protocol, with the three methods :mod:`wire` calls on a socket."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        self.read_fd = read_fd
        self.write_fd = write_fd

    def recv(self, size: int) -> bytes:
        return os.read(self.read_fd, size)

    def sendall(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self.write_fd, view)
            view = view[written:]

    def settimeout(self, seconds: float | None) -> None:  # the child waits as long as the judge keeps it
        pass


def protocol_pipe() -> Pipe:
    """Move the protocol off fds 0 and 1 (which the student's code may use) and return it."""
    read_fd, write_fd = os.dup(0), os.dup(1)
    if sys.platform == "win32":  # no newline translation on the protocol's bytes
        import msvcrt

        for fd in (read_fd, write_fd):
            msvcrt.setmode(fd, os.O_BINARY)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)  # what reaches fd 1 now goes to stderr, which the judge keeps in a log file
    sys.stdin = open(os.devnull)
    return Pipe(read_fd, write_fd)


def withheld(argv: list[str]) -> list[str]:
    """The libraries named after ``--withhold`` on the command line: ``["torch"]`` for ``--withhold torch``."""
    return argv[argv.index(WITHHOLD_OPTION) + 1 :] if WITHHOLD_OPTION in argv else []


def main() -> int:
    pipe = protocol_pipe()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    libraries.withhold(withheld(sys.argv))
    if libraries.allows("torch"):
        import torch  # after the thread setting above, which torch reads when it loads

        torch.set_num_threads(1)  # as in the fork server: the same numbers, whatever the machine's cores
    try:
        import resource  # not on Windows: there the judge's time-out per call is the only limit

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    from autograder.sandbox import checks_standin, child, state, wire  # they may import torch: after the settings above

    if libraries.allows("torch"):
        from autograder.sandbox import capture  # torch's set-up: never where torch is withheld

        capture.configure_torch()  # as the fork server does: one thread, and optimizers that skip torch._dynamo's import
        capture.warm_torch()  # as the fork server does: before the child seals the harness (see integrity)
    checks_standin.install()  # a notebook's unguarded `from autograder.notebook_checks import ...` cell: a no-op here
    state.Keeper(os.getcwd())  # reads every setting once, as the fork server does (the first read of some is slow)
    wire.send(pipe, {"ok": True, "value": "ready", "id": 0})
    try:
        hello = wire.recv(pipe)
    except (EOFError, OSError):
        return 0
    child.serve(pipe, str(hello["root"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
