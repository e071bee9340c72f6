"""A seccomp filter for the child: no network sockets, no ptrace, no io_uring.

It holds at every isolation level (it needs neither root nor namespaces,
only Linux 3.5 or later on x86_64 or aarch64), so a child has no network even
where network namespaces are refused, as in a default Docker container:

- ``socket`` and ``socketpair`` work for ``AF_UNIX`` only; any other family
  (IPv4, IPv6, packet, netlink, ...) fails with ``EACCES``;
- ``ptrace``, ``process_vm_readv`` and ``process_vm_writev`` fail with ``EPERM``
  (no reading or writing another process's memory, even of the same user);
- ``io_uring_setup``, ``io_uring_enter`` and ``io_uring_register`` fail with
  ``ENOSYS`` (io_uring can open sockets without the ``socket`` call);
- system calls of another ABI (32-bit ``int 0x80``, x32) fail with ``EPERM``.
"""

from __future__ import annotations

import ctypes
import errno
import os
import socket
import struct

SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC = 1, 1
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06

# machine -> (audit arch, syscall numbers)
ARCHES = {
    "x86_64": (
        0xC000003E,
        {
            "socket": 41,
            "socketpair": 53,
            "ptrace": 101,
            "process_vm_readv": 310,
            "process_vm_writev": 311,
            "seccomp": 317,
        },
    ),
    "aarch64": (
        0xC00000B7,
        {
            "socket": 198,
            "socketpair": 199,
            "ptrace": 117,
            "process_vm_readv": 270,
            "process_vm_writev": 271,
            "seccomp": 277,
        },
    ),
}
IO_URING = (425, 426, 427)  # the same number on every architecture


class _Filter(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))


def _program(machine: str) -> bytes:
    arch, numbers = ARCHES[machine]
    deny_perm = SECCOMP_RET_ERRNO | errno.EPERM
    code: list[tuple[int, int, int, int]] = []
    # Labels are resolved afterwards: ("jump", name) placeholders become offsets.
    plan: list = [
        (_LD_W_ABS, 0, 0, 4),  # arch
        (_JEQ_K, 1, 0, arch),
        (_RET_K, 0, 0, deny_perm),
        (_LD_W_ABS, 0, 0, 0),  # syscall number
    ]
    if machine == "x86_64":
        plan += [(_JGE_K, "deny_perm", 0, 0x40000000)]  # the x32 ABI
    plan += [(_JEQ_K, "domain", 0, numbers["socket"]), (_JEQ_K, "domain", 0, numbers["socketpair"])]
    plan += [(_JEQ_K, "deny_perm", 0, numbers[name]) for name in ("ptrace", "process_vm_readv", "process_vm_writev")]
    plan += [(_JEQ_K, "deny_nosys", 0, number) for number in IO_URING]
    plan += [
        (_RET_K, 0, 0, SECCOMP_RET_ALLOW),
        ("label", "domain"),
        (_LD_W_ABS, 0, 0, 16),  # args[0], low 32 bits (little-endian): the address family
        (_JEQ_K, 0, 1, socket.AF_UNIX),
        (_RET_K, 0, 0, SECCOMP_RET_ALLOW),
        (_RET_K, 0, 0, SECCOMP_RET_ERRNO | errno.EACCES),
        ("label", "deny_perm"),
        (_RET_K, 0, 0, deny_perm),
        ("label", "deny_nosys"),
        (_RET_K, 0, 0, SECCOMP_RET_ERRNO | errno.ENOSYS),
    ]
    labels, index = {}, 0
    for step in plan:
        if step[0] == "label":
            labels[step[1]] = index
        else:
            index += 1
    index = 0
    for step in plan:
        if step[0] == "label":
            continue
        op, jt, jf, k = step
        jt = labels[jt] - index - 1 if isinstance(jt, str) else jt
        code.append((op, jt, jf, k))
        index += 1
    return b"".join(struct.pack("HBBI", *instruction) for instruction in code)


def supported() -> bool:
    return os.uname().machine in ARCHES


def deny_network() -> None:
    """Install the filter on the calling process (all its threads) and on everything it starts.

    Requires ``no_new_privs`` (or CAP_SYS_ADMIN); raises OSError if the kernel refuses.
    """
    machine = os.uname().machine
    if machine not in ARCHES:
        raise OSError(errno.ENOSYS, f"no seccomp filter for {machine}")
    program = _program(machine)
    buffer = ctypes.create_string_buffer(program, len(program))
    prog = _Filter(len(program) // 8, ctypes.addressof(buffer))
    libc = ctypes.CDLL(None, use_errno=True)
    number = ARCHES[machine][1]["seccomp"]
    if libc.syscall(number, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, ctypes.byref(prog)) == 0:
        return
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"seccomp: {os.strerror(code)}")
