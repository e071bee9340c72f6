#!/usr/bin/env python3
"""Classroom 50 entry point for "Training Neural Networks": grades the student's checkout with this project's grader.

Copy this file (``python -m autograder classroom50 OUT`` writes it, with the grader beside it) to
``CLASSROOM/autograders/ASSIGNMENT/autograder.py`` in the organisation's ``classroom50`` repository.
Classroom 50's runner calls it once per submission as ``python autograder.py``, with the student's
checkout as the working folder, and reads ``./result.json`` afterwards.

The contract (foundation50/classroom50, ``wiki/Advanced-Autograding.md``, "Contract" and "The
result.json contract"; ``cli/gh-teacher/skeleton/dotgithub/scripts/runner.py``, ``run_entrypoint``):

- environment: ``CLASSROOM``, ``ASSIGNMENT``, ``SUBMISSION_TAG``, ``COMMIT_URL``, ``RELEASE_URL``,
  ``REVIEW_URL``, ``CLASSROOM50_BUNDLE_DIR`` (the folder the assignment's files were unpacked into)
  and the standard ``GITHUB_*`` variables;
- writes ``./result.json`` (``classroom50/result/v1``: integer ``score``, ``max-score`` and one row per
  test) and ``./release-body.md`` (the Release's text; the runner also shows it on the run's summary
  page); ``./junit.xml`` too, which ``release_assets`` can attach to the Release;
- exit 0 when grading ran end to end, whatever the score; non-zero is an infrastructure error
  (the runner then publishes ``status=error``): a grader that broke, or dependencies that would not install.

Where the grader comes from, first found:

1. ``$AUTOGRADER_HOME``: a checkout of the instructor's project;
2. ``grader/`` beside this file or in ``$CLASSROOM50_BUNDLE_DIR``: the hidden graders, copied there by
   ``python -m autograder classroom50 OUT``. Classroom 50 serves that bundle from the organisation's
   GitHub Pages site without authentication, so treat anything in it as readable by students;
3. otherwise the student's own copy of the package: the public checks, one point each.

``AUTOGRADER_SUBMISSION`` (default ``exercises``; ``notebooks`` for notebook hand-ins) names the
student's folder. If ``torch`` is not importable, ``requirements-grading.txt`` from the student's
checkout (the grading pins; ``requirements.txt`` in an older bundle) is installed first (torch's CPU
build); set the assignment's runtime to Python 3.11 (the ``runtime`` block: ``{"python": "3.11"}``),
the version the requirements are pinned for.

Example (what the runner does, here by hand)::

    cd student-repo && CLASSROOM=nn ASSIGNMENT=training SUBMISSION_TAG=submit/x python /path/to/autograder.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
NEEDED = "import torch, numpy, sklearn, pytest, rich, junitparser"
GRADING_REQUIREMENTS = "requirements-grading.txt"  # this file runs alone: autograder.platforms.classroom's, as a string


def is_grader(folder: Path) -> bool:
    """Whether ``folder`` holds this project's package with the hidden graders."""
    return (folder / "autograder" / "graders" / "__init__.py").is_file()


def grader_home(workspace: Path) -> tuple[Path, bool]:
    """The folder to run ``python -m autograder`` from, and whether it has the hidden graders."""
    candidates = [os.environ.get("AUTOGRADER_HOME", "")]
    for base in (os.environ.get("CLASSROOM50_BUNDLE_DIR", ""), str(Path(__file__).resolve().parent)):
        if base:
            candidates.append(str(Path(base) / "grader"))
    for candidate in filter(None, candidates):
        if is_grader(Path(candidate)):
            return Path(candidate).resolve(), True
    return workspace, False


def ensure_dependencies(workspace: Path) -> bool:
    """Install the grading pins of the student's checkout (torch's CPU build) unless everything imports already."""
    if subprocess.run([sys.executable, "-c", NEEDED], capture_output=True).returncode == 0:
        return True
    # The grading pins, as `release` writes them; a bundle released before them has only the ranges.
    candidates = (workspace / GRADING_REQUIREMENTS, workspace / "requirements.txt")
    requirements = next((path for path in candidates if path.is_file()), candidates[0])
    if not requirements.is_file():
        print(f"::error::autograder: {requirements} is missing, and torch is not installed: restore it from the bundle", file=sys.stderr)
        return False
    print(f"autograder: installing {requirements} (torch's CPU build)", flush=True)
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--extra-index-url", TORCH_INDEX, "-r", str(requirements)]
    if subprocess.run(command).returncode != 0:
        print(f"::error::autograder: pip could not install {requirements.name} (see above); set the runtime to Python 3.11", file=sys.stderr)
        return False
    return True


def main() -> int:
    workspace = Path.cwd().resolve()
    home, hidden = grader_home(workspace)
    submission = workspace / os.environ.get("AUTOGRADER_SUBMISSION", "exercises")
    print(f"autograder: grading {submission} with the {'hidden graders in ' + str(home) if hidden else 'public checks only'}", flush=True)
    if not ensure_dependencies(workspace):
        return 1
    command = [
        sys.executable,
        "-m",
        "autograder",
        "ci",
        str(submission),
        "--classroom50",
        str(workspace / "result.json"),
        "--summary",
        str(workspace / "release-body.md"),
        "--junit",
        str(workspace / "junit.xml"),
    ]
    return subprocess.run(command, cwd=home).returncode


if __name__ == "__main__":
    sys.exit(main())
