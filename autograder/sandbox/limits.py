"""What a freshly forked child does to itself before it touches student code.

- its own session and process group (so the judge can kill it and everything it started),
- standard input, output and error on /dev/null (what the student prints is
  captured in Python; bytes written straight to the file descriptors go nowhere),
- resource limits: memory, CPU time, file size, open files, no core dumps.
"""

from __future__ import annotations

import os
import resource

DEFAULTS = {
    "memory_mb": 3072,  # on top of what the warm parent already maps
    "cpu_seconds": 600,  # for the child's whole life; each call also has a wall-clock limit in the judge
    "file_mb": 64,
    "open_files": 256,
}


def _current_address_space() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _set(limit: int, value: int) -> None:
    _soft, hard = resource.getrlimit(limit)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(limit, (value, value if hard == resource.RLIM_INFINITY else hard))


def enter_sandbox(limits: dict, root: str) -> None:
    """Isolate and limit the current (child) process. Called once, right after fork."""
    settings = {**DEFAULTS, **limits}
    os.setsid()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    _set(resource.RLIMIT_AS, _current_address_space() + settings["memory_mb"] * 1024 * 1024)
    _set(resource.RLIMIT_CPU, settings["cpu_seconds"])
    _set(resource.RLIMIT_FSIZE, settings["file_mb"] * 1024 * 1024)
    _set(resource.RLIMIT_NOFILE, settings["open_files"])
    _set(resource.RLIMIT_CORE, 0)
