"""``python -m autograder bench``: the project's benchmark (``benchmarks/bench.py``, what ``make bench`` runs).

The benchmark lives beside the package in the project (it grades classes it builds, and runs otter and
nbgrader beside ours), not in an installed package: this command runs it from the project's root.

Example::

    python -m autograder bench --cold-only
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from autograder import PROJECT_ROOT
from autograder.errors import InputError

BENCH = PROJECT_ROOT / "benchmarks" / "bench.py"


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rest", nargs=argparse.REMAINDER, metavar="...", help="benchmarks/bench.py's own options (--cold-only, --n N, ...)")


def main(args: argparse.Namespace) -> int:
    """Run the benchmark with its options; its exit code is this command's."""
    if not BENCH.is_file():
        raise InputError(f"{BENCH} is not here: the benchmark runs in the project's own checkout, not in an installed package")
    return subprocess.call([sys.executable, "-m", "benchmarks.bench", *args.rest], cwd=PROJECT_ROOT)
