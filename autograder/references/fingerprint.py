"""What the stored reference results depend on, so that a start-up in the same environment can trust them.

Recomputing every reference result at each start costs a cold grade (a Gradescope
submission, a CI job) about a second. Results are deterministic given the code that
makes them (``solutions/``, the scenario runners, the scenarios' specs) and the
environment that runs it (torch, NumPy, Python, the CPU's instruction set, the thread
settings). :func:`fingerprint` records both when ``references --write`` stores
the results; a start-up whose fingerprint is the same, and whose canary scenario
(recomputed every time, in a few milliseconds; a part declares it as ``CANARY`` in
its ``hidden/scenarios.py``) gives the stored result bit for bit, uses the stored
results. Anything else recomputes them all, as before.
"""

from __future__ import annotations

import hashlib
import json
import platform
from pathlib import Path

import numpy as np
import torch

from autograder import PACKAGE_DIR, PARTS_DIR, SOLUTIONS_DIR


def _digest(texts: list[bytes]) -> str:
    hasher = hashlib.sha256()
    for text in texts:
        hasher.update(hashlib.sha256(text).digest())
    return hasher.hexdigest()[:16]


def code_digest(scenarios: dict) -> str:
    """The code and data that make the results: the solutions, the sandbox (runners, models, data), the parts' runners and every spec."""
    files = sorted([*SOLUTIONS_DIR.glob("*.py"), *(PACKAGE_DIR / "sandbox").rglob("*.py"), *PARTS_DIR.glob("*/runner.py")])
    specs = json.dumps({key: [s.runner, list(s.targets), s.spec] for key, s in sorted(scenarios.items())}, sort_keys=True, default=repr)
    return _digest([*(str(path.relative_to(path.parents[1])).encode() + path.read_bytes() for path in files), specs.encode()])


def cpu_flags() -> str:
    """A digest of the CPU's instruction-set flags (``/proc/cpuinfo``), or the processor's name where there is none."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.split(":")[0].strip() in ("flags", "Features"):
                return _digest([" ".join(sorted(line.partition(":")[2].split())).encode()])
    return platform.processor() or "unknown"


def fingerprint(scenarios: dict) -> dict:
    """This environment as the reference results see it (call after ``configure_torch``: threads count)."""
    return {
        "code": code_digest(scenarios),
        "torch": torch.__version__,
        "torch_git": torch.version.git_version,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "system": platform.system(),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "cpu_flags": cpu_flags(),
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
    }
