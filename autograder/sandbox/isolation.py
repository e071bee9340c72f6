"""Kernel isolation of student code: namespaces, a read-only view of the file system, an unprivileged user.

The fork server chooses a *level* once, when it starts, from what the kernel
and its own privileges allow (and at most the level the judge asks for):

``namespaces`` (root, or a user allowed to create user namespaces)
    The fork server is process 1 of new PID, mount, network, IPC and UTS
    namespaces (inside a new user namespace when it is not root). It pivots
    into a root made of read-only bind mounts of the system and Python
    directories only: the project (hidden graders, reference curves,
    solutions, ``.git``, tests), the judge's results, the class folder and
    home directories are not in it. Each child gets its own mount namespace
    with a private, size-limited tmpfs holding its copy of the submission and
    serving as its ``/tmp``, runs as ``nobody`` (root) or without capabilities (user
    namespace), and has no network (a network namespace with only a loopback
    that is down). No process of a child can outlive its fork server: when
    process 1 of a PID namespace ends, the kernel kills the rest.
``user`` (root, namespaces refused, as in a default Docker container)
    Each child runs as an unprivileged user id of its own fork server (no
    two fork servers share one, so parallel workers' children cannot signal
    each other or read each other's copies); the judge makes the hidden
    material and the class folder unreadable to others (see :func:`protect`).
    Orphans are caught by the fork server as child subreaper and killed.
``none`` (an ordinary user without user namespaces)
    The child runs as the judge's own user: it can read what the user can
    read, and signal the user's processes. Not a security boundary; the
    judge adds a note saying so to every report.

The rest (resource limits, the network filter, a scrubbed environment) holds
at every level: see :mod:`autograder.sandbox.limits` and :mod:`autograder.sandbox.seccomp`.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import shutil
import signal
import stat
import sys
import time
from pathlib import Path

LEVELS = ("none", "user", "namespaces")
UNPRIVILEGED_USER = "nobody"
INBOX = "/inbox"  # where the judge's copies of submissions appear inside the namespaces' root
SCRATCH = "/scratch"  # the child's private tmpfs: its copy of the submission, and what it sees as /tmp
TMP_MB = 64  # the child's whole writable space (its copy of the submission and /tmp), namespaces level

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x1, 0x2, 0x4, 0x8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 0x20, 0x1000, 0x4000, 0x40000
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 0x400, 0x800, 0x200000
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 1, 4, 36, 38
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
DEVICES = ("null", "zero", "full", "random", "urandom")
# statvfs flags -> mount flags, kept on read-only remounts (a user namespace may not clear them)
_KEPT_FLAGS = ((0x2, MS_NOSUID), (0x4, MS_NODEV), (0x8, MS_NOEXEC), (0x400, MS_NOATIME), (0x800, MS_NODIRATIME), (0x1000, MS_RELATIME))

_libc = ctypes.CDLL(None, use_errno=True)


class IsolationError(OSError):
    """A namespace, mount or privilege operation the kernel refused."""


def _check(result: int, what: str) -> None:
    if result != 0:
        number = ctypes.get_errno()
        raise IsolationError(number, f"{what}: {os.strerror(number)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    encode = lambda s: None if s is None else os.fsencode(s)  # noqa: E731
    _check(_libc.mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data)), f"mount {target}")


def _umount(target: str) -> None:
    _check(_libc.umount2(os.fsencode(target), MNT_DETACH), f"umount {target}")


def prctl(option: int, value: int) -> None:
    _check(_libc.prctl(option, ctypes.c_ulong(value), 0, 0, 0), f"prctl {option}")


def anonymous_ids() -> tuple[int, int]:
    """A user and group id no account uses, one per fork server (the ``user`` level): 2,100,000,000 + its pid."""
    number = 2_100_000_000 + os.getpid() % 100_000_000
    return number, number


def unprivileged_ids() -> tuple[int, int]:
    """The uid and gid children run as when the judge is root (``nobody``, or 65534 if it is missing)."""
    try:
        entry = pwd.getpwnam(UNPRIVILEGED_USER)
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


def _inside(path: str, parents: list[str]) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in parents)


# ---------------------------------------------------------------- the fork server


class Server:
    """The isolation the fork server set up; ``info`` is what it reports to the judge."""

    def __init__(self, level: str, reason: str = "", uid: int | None = None, gid: int | None = None, newroot: str = "") -> None:
        self.level = level
        self.reason = reason
        self.root_user = os.geteuid() == 0 and level != "none"
        self.uid, self.gid = (uid, gid) if uid is not None else (os.getuid(), os.getgid())
        self.newroot = newroot

    @property
    def info(self) -> dict:
        return {"level": self.level, "reason": self.reason, "uid": self.uid, "gid": self.gid, "pid_namespace": os.getpid() == 1}

    # -- set-up

    def enter_root(self) -> None:
        """Pivot into the prepared root (namespaces level), after the imports; then nothing else is reachable."""
        if self.level == "namespaces":
            old = os.path.join(self.newroot, ".old")
            os.mkdir(old, 0o700)
            machine = os.uname().machine
            _check(_libc.syscall(SYS_PIVOT_ROOT[machine], os.fsencode(self.newroot), os.fsencode(old)), "pivot_root")
            os.chdir("/")
            _umount("/.old")
            os.rmdir("/.old")
            _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        else:
            prctl(PR_SET_CHILD_SUBREAPER, 1)  # orphans of a child come back to us, to be killed
        prctl(PR_SET_DUMPABLE, 0)  # children of the same user may not ptrace us or read our memory

    # -- children

    def inbox_path(self, root: str, base: str) -> str:
        """Where the judge's copy ``root`` (under ``base``) is seen from inside the sandbox."""
        if self.level != "namespaces":
            return root
        relative = os.path.relpath(root, os.path.join(base, "work"))
        if relative.startswith(".."):
            raise IsolationError(0, f"{root} is not in the judge's work folder")
        return os.path.join(INBOX, relative)

    def enter_child(self, source: str) -> str:
        """Isolate a freshly forked child; returns the folder it serves the submission from."""
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        work = source
        if self.level == "namespaces":
            _check(_libc.unshare(CLONE_NEWNS), "unshare")
            _mount("tmpfs", SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV, f"size={TMP_MB}m,mode=0755")
            work = SCRATCH + "/submission"
            _copy_tree(source, work, self.uid, self.gid)
            os.mkdir(SCRATCH + "/tmp", 0o1777)
            os.chmod(SCRATCH + "/tmp", 0o1777)
            os.environ["TMPDIR"] = SCRATCH + "/tmp"
            if not _mount_points_under("/tmp"):
                # /tmp becomes the same private space. (When Python itself lives under /tmp, as in a
                # project cloned there, /tmp keeps that read-only view and TMPDIR points to the scratch.)
                _mount(SCRATCH + "/tmp", "/tmp", None, MS_BIND)
            _umount(INBOX)
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        if self.root_user and os.geteuid() == 0:
            os.setgroups([])
            os.setresgid(self.gid, self.gid, self.gid)
            os.setresuid(self.uid, self.uid, self.uid)
        else:
            drop_capabilities()
        os.environ["HOME"] = work
        return work

    def kill_all(self, pids: set[int]) -> None:
        """Kill every process the sandbox started (the children in ``pids`` and anything they left behind)."""
        if self.level == "namespaces" and os.getpid() == 1:
            with contextlib.suppress(ProcessLookupError):
                os.kill(-1, signal.SIGKILL)  # as process 1: every other process of this PID namespace, atomically
            return
        for pid in pids:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:  # orphans are re-parented to us, the subreaper: kill them round by round
            children = direct_children()
            if not children:
                return
            for pid in children:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            for pid in children:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)


def direct_children() -> list[int]:
    """The pids whose parent is this process."""
    me = os.getpid()
    try:
        return [int(p) for p in Path(f"/proc/{me}/task/{me}/children").read_text().split()]
    except OSError:
        pass
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                fields = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()
                if int(fields[1]) == me:
                    found.append(int(entry))
    return found


def drop_capabilities() -> None:
    """Clear every capability of this process (those a user namespace gives, in particular)."""

    class Header(ctypes.Structure):
        _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))

    class Data(ctypes.Structure):
        _fields_ = (("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32))

    header, data = Header(0x20080522, 0), (Data * 2)()
    _check(_libc.capset(ctypes.byref(header), data), "capset")


def _copy_tree(source: str, target: str, uid: int, gid: int) -> None:
    """Copy the judge's copy of a submission into the child's private tmpfs, owned by the child's user."""
    for folder, _dirs, files in os.walk(source):
        relative = os.path.relpath(folder, source)
        destination = os.path.normpath(os.path.join(target, relative))
        os.makedirs(destination, mode=0o755, exist_ok=True)
        os.chown(destination, uid, gid)
        for name in files:
            path = os.path.join(folder, name)
            if not stat.S_ISREG(os.lstat(path).st_mode):
                continue
            with open(path, "rb") as stream:
                data = stream.read()
            out = os.path.join(destination, name)
            with open(out, "wb") as stream:
                stream.write(data)
            os.chown(out, uid, gid)


# ---------------------------------------------------------------- choosing and entering a level


def enter_server(config: dict, keep_fd: int) -> Server:
    """Set up the fork server's isolation; call before importing torch (the process must have one thread).

    At the namespaces level this process forks: the parent stays outside and only waits for the
    child, which becomes process 1 of the new PID namespace and returns from here.

    Args:
        config: ``{"level": highest level allowed, "base": the judge's private folder, "hidden": [paths]}``.
        keep_fd: the control socket, which the waiting parent closes.
    """
    wanted = config.get("level", "namespaces")
    wanted = wanted if wanted in LEVELS else "namespaces"
    root = os.geteuid() == 0
    reason = ""
    if LEVELS.index(wanted) >= LEVELS.index("namespaces"):
        reason = _probe(config)
        if not reason:
            _unshare_all()
            _become_process_one(keep_fd, config["base"])
            uid, gid = unprivileged_ids() if root else (os.getuid(), os.getgid())
            newroot = _prepare_root(config)
            return Server("namespaces", uid=uid, gid=gid, newroot=newroot)
    else:
        reason = "namespaces not requested"
    if root and LEVELS.index(wanted) >= LEVELS.index("user"):
        uid, gid = anonymous_ids()
        return Server("user", reason, uid, gid)
    if root:
        reason = (reason + "; " if reason else "") + "running student code as root was requested"
    return Server("none", reason)


def _unshare_all() -> None:
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
    if os.geteuid() != 0:
        uid, gid = os.getuid(), os.getgid()
        _check(_libc.unshare(flags | CLONE_NEWUSER), "unshare")
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
        Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    else:
        _check(_libc.unshare(flags), "unshare")


def _probe(config: dict) -> str:
    """Try the namespaces set-up in a throw-away child: "" if it works, else why not."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            _unshare_all()
            if os.fork() == 0:  # process 1 of the new PID namespace: can it mount what we need?
                try:
                    _prepare_root(config, probe=True)
                except BaseException as error:  # noqa: BLE001 - report any failure as "not available"
                    os.write(write, str(error).encode()[:500] or b"failed")
                os._exit(0)
            os.wait()
        except BaseException as error:  # noqa: BLE001 - same
            os.write(write, str(error).encode()[:500] or b"failed")
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 4096):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode(errors="replace")


def _become_process_one(keep_fd: int, base: str) -> None:
    """Fork; the parent (outside the new PID namespace) waits, removes the judge's private folder
    (even when the judge was killed and could not) and exits with the child's status."""
    pid = os.fork()
    if pid:
        os.close(keep_fd)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                break
            except InterruptedError:
                continue
        shutil.rmtree(base, ignore_errors=True)
        os._exit(max(os.waitstatus_to_exitcode(status), 0))
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # if the waiting parent is killed, the whole namespace goes with us


def python_dirs() -> list[str]:
    """The directories Python needs to import from: prefixes and every existing folder on sys.path."""
    prefixes = [os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix)]
    found = set(prefixes)
    for entry in sys.path:  # site-packages and the standard library, not the current folder or PYTHONPATH
        path = os.path.realpath(entry) if entry else ""
        if os.path.isdir(path) and (_inside(path, prefixes) or os.path.basename(path) in ("site-packages", "dist-packages")):
            found.add(path)
    return sorted(found)


def _prepare_root(config: dict, probe: bool = False) -> str:
    """Build the new root under the judge's private folder: read-only system and Python dirs (without the libraries
    ``config["withheld_dirs"]`` holds), /dev, /proc, /inbox."""
    base = config["base"]
    hidden = [os.path.realpath(p) for p in config.get("hidden", [])]
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    newroot = os.path.join(base, "probe-root" if probe else "root")
    os.makedirs(newroot, exist_ok=True)
    _mount("tmpfs", newroot, "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=0755")
    system = [d for d in SYSTEM_DIRS if os.path.lexists(d)]
    for path in system:
        if os.path.islink(path):
            os.symlink(os.readlink(path), newroot + path)
        else:
            _bind(path, newroot + path)
    bound = [os.path.realpath(d) for d in system]
    masks = [h for h in hidden if _inside(h, bound) and os.path.isdir(h)]
    for path in masks:  # hidden material that happens to lie under a system directory
        _mount("tmpfs", newroot + path, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755")
    for path in python_dirs():
        if (_inside(path, bound) and not _inside(path, masks)) or (_inside(path, hidden) and not _is_prefix(path)):
            continue  # already visible, or hidden material (the project root is on sys.path)
        _bind(path, newroot + path)
        bound.append(path)
    # A library withheld from this server's children (a NumPy-only part's: torch) is an empty folder for them.
    withheld = [p for p in config.get("withheld_dirs", []) if _inside(p, bound) and os.path.isdir(newroot + p)]
    for path in withheld:
        _mount("tmpfs", newroot + path, "tmpfs", MS_NOSUID | MS_NODEV, "size=4k,mode=0555")
    masks += withheld
    os.makedirs(newroot + "/dev", exist_ok=True)
    for name in DEVICES:
        if os.path.exists(f"/dev/{name}"):
            Path(newroot + f"/dev/{name}").touch()
            _mount(f"/dev/{name}", newroot + f"/dev/{name}", None, MS_BIND)
    os.makedirs(newroot + "/dev/shm")
    _mount("tmpfs", newroot + "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=1777")
    os.makedirs(newroot + "/proc")
    _mount("proc", newroot + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    os.makedirs(newroot + "/tmp", exist_ok=True)  # it exists already when Python lives under /tmp
    os.makedirs(newroot + SCRATCH)
    os.makedirs(newroot + INBOX)
    _bind(os.path.join(base, "work"), newroot + INBOX)
    for path in masks:
        _mount(None, newroot + path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    return newroot


def _is_prefix(path: str) -> bool:
    """True for the Python installation's own folders (a virtual environment inside the project, say)."""
    prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    return _inside(path, list(prefixes))


def _bind(source: str, target: str) -> None:
    """Bind ``source`` read-only at ``target`` (sub-mounts included, each made read-only too)."""
    os.makedirs(target, exist_ok=True)
    _mount(source, target, None, MS_BIND | MS_REC)
    for point in _mount_points_under(target):
        kept = 0
        with contextlib.suppress(OSError):
            flags = os.statvfs(point).f_flag
            kept = sum(mount_flag for statvfs_flag, mount_flag in _KEPT_FLAGS if flags & statvfs_flag)
        with contextlib.suppress(IsolationError):  # a mount we may not touch stays as it is
            _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | kept)


def _mount_points_under(target: str) -> list[str]:
    points = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        point = line.split()[4].encode().decode("unicode_escape")
        if _inside(point, [target]):
            points.append(point)
    return points


# ---------------------------------------------------------------- the judge's side


def protect_folder(folder: Path) -> list[str]:
    """Close ``folder`` to other users, keeping it traversable if the Python environment lies inside it."""
    venv = Path(sys.prefix).resolve()
    inside = venv.is_relative_to(Path(folder).resolve())
    return protect([], [folder]) if inside else protect([folder])


def reach(path: Path) -> list[str]:
    """Let other users traverse (not list) every folder above ``path``; returns the folders changed.

    At the ``user`` level the child reads package data from the virtual environment at run time
    (scikit-learn's digits, for one), so a project cloned into a private folder (``mktemp -d`` makes
    them 0700) must stay reachable down to its environment. Only the "x" bit is added: names below
    cannot be listed, and everything :func:`protect` closed stays closed.
    """
    changed = []
    for folder in reversed(Path(path).resolve().parents):
        mode = folder.stat().st_mode
        if not mode & 0o001:
            folder.chmod(stat.S_IMODE(mode) | 0o001)
            changed.append(str(folder))
    return changed


def protect(paths: list[Path], traversable: list[Path] = ()) -> list[str]:
    """Make ``paths`` unreadable to other users (the ``user`` level, where the child is ``nobody``).

    Removes every "other" permission bit of each path in ``paths``; the folders in
    ``traversable`` only lose "read" and "write" (their names cannot be listed, but a
    known path below them, such as a virtual environment, stays reachable). Returns
    the paths changed.
    """
    changed = []
    for path, bits in [*((p, 0o007) for p in paths), *((p, 0o006) for p in traversable)]:
        with contextlib.suppress(FileNotFoundError):
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode) or not mode & bits:
                continue
            path.chmod(stat.S_IMODE(mode) & ~bits)
            changed.append(str(path))
    return changed
