"""What a freshly forked child does to itself before it touches student code.

In this order:

- its own session and process group;
- the isolation the fork server chose (:mod:`autograder.sandbox.isolation`):
  its own copy of the submission, an unprivileged user or no capabilities, no
  way back to privileges (``no_new_privs``);
- the network filter (:mod:`autograder.sandbox.seccomp`);
- standard input, output and error on /dev/null (what the student prints is
  captured in Python and bounded; bytes written straight to the file
  descriptors go nowhere);
- resource limits: address space, CPU time (for the child's life, and per
  call with :func:`cpu_budget`), file size, open files, processes, no core dumps.
"""

from __future__ import annotations

import os
import resource

from autograder.sandbox import isolation, seccomp

DEFAULTS = {
    "memory_mb": 3072,  # address space on top of what the warm parent already maps
    "cpu_seconds": 600,  # for the child's whole life; each call also gets its own budget (cpu_budget)
    "file_mb": 64,  # the largest file it may write
    "open_files": 256,
    "processes": 64,  # processes and threads of the unprivileged user (not applied at the "none" level)
}


def _current_address_space() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _set(limit: int, value: int) -> None:
    _soft, hard = resource.getrlimit(limit)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(limit, (value, value))


def enter_sandbox(limits: dict, source: str, server: isolation.Server, network_filter: bool) -> str:
    """Isolate and limit the current (child) process. Called once, right after fork.

    Returns the folder holding the child's own copy of the submission.
    """
    settings = {**DEFAULTS, **limits}
    os.setsid()
    work = server.enter_child(source)
    if network_filter:
        seccomp.deny_network()
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.close(devnull)
    _set(resource.RLIMIT_AS, _current_address_space() + settings["memory_mb"] * 1024 * 1024)
    _set(resource.RLIMIT_CPU, settings["cpu_seconds"])
    _set(resource.RLIMIT_FSIZE, settings["file_mb"] * 1024 * 1024)
    _set(resource.RLIMIT_NOFILE, settings["open_files"])
    _set(resource.RLIMIT_CORE, 0)
    if server.level != "none":  # at "none" the count would include every process of the judge's user
        _set(resource.RLIMIT_NPROC, settings["processes"])
    return work


def cpu_budget(seconds: float) -> None:
    """Allow ``seconds`` more CPU time from now (a soft limit: SIGXCPU, then SIGKILL at the life-time hard limit)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = usage.ru_utime + usage.ru_stime
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    wanted = int(used + seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard))
