"""A Gradescope autograder zip that runs our own grader (no otter needed), and the step it runs.

The zip holds ``setup.sh`` (Gradescope runs it once, to build the image: Python 3.11 and the
pinned dependencies), ``run_autograder`` (run for every submission), ``requirements.txt``, the
``autograder`` package with its hidden graders, and ``solutions/`` (the grader recomputes its
reference curves from them at start-up). ``run_autograder`` writes a zero-score ``results.json``
before any student code can run, then replaces it with the real one when grading ends, so a
submission that kills everything still leaves a result.

A submission may be notebooks (each names its part in its metadata, or by its file name), module
files such as ``training_loop.py``, or a folder holding them (``exercises/``).

Paths are configurable for testing: ``AUTOGRADER_ROOT`` (default ``/autograder``, with Gradescope's
``source/``, ``submission/`` and ``results/`` inside) and ``AUTOGRADER_PYTHON``.

Example::

    python -m autograder gradescope build/gradescope.zip --part training_loop
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tomllib
import traceback
import zipfile
from pathlib import Path

from autograder import PACKAGE_DIR, PROJECT_ROOT, SOLUTIONS_DIR
from autograder.api import GRADED_MODULES
from autograder.course.config import Course, resolve
from autograder.errors import InputError
from autograder.judge.results import gradescope_json, write_atomic
from autograder.session import GradingSession

CONFIG_NAME = "gradescope_config.json"
# results.json as Gradescope's specification has it (every key it names, no other): tests/test_reports_valid.py checks
# each results.json we write against it.
RESULTS_SCHEMA = Path(__file__).with_name("gradescope_results.schema.json")
PACKAGE_SUFFIXES = (".py", ".json", ".ini", ".yml", ".toml", ".md", ".tmpl", ".j2", ".js")
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"  # torch's CPU wheels: PyPI's default pulls GBs of CUDA
FAILED_OUTPUT = "The autograder could not finish grading this submission, so it scores 0 for now. Please tell your instructor."

# The Python the grader runs on, and where it comes from. Gradescope's base images are Ubuntu 22.04 and 24.04, and
# only 22.04 has a python3.11 package (24.04 ships 3.12). So setup.sh does not use apt's: uv, a pinned wheel from
# PyPI installed with the image's own python3 and pip (`pip install --target` touches nothing of the system, so 24.04's
# "externally managed" rule does not apply), installs a standalone CPython (python-build-standalone: one build,
# checked by uv, the same on both images) and makes the venv. Why not the others: deadsnakes' PPA is apt again and
# depends on Launchpad; a python-build-standalone URL by hand breaks with each release; pyenv compiles for minutes.
PYTHON_VERSION = "3.11"
UV_PIN = "uv==0.13.8"
# Gradescope stops a run at its own limit (10 minutes by default, 40 at most, set per assignment) and then keeps no
# results.json of ours. run_autograder stops grading before that, so a hung submission still gets a 0 that says why.
TIME_LIMIT_SECONDS = 8 * 60
# What the student reads then ($LIMIT: the seconds, filled in by the shell; no quote or backslash: it goes into JSON).
TIMED_OUT_OUTPUT = (
    "Grading stopped after $LIMIT seconds, the autograder's time limit, so this submission scores 0 for now. "
    "Something in it probably never finishes (an endless loop, or a wait at import): run the public checks on your "
    "machine, fix what hangs, and submit again. If it does finish there, tell your instructor."
)

# What the student reads when the grader cannot even start (no Python at AUTOGRADER_PYTHON, no source/): the
# instructor's set-up is wrong, not the submission (no quote or backslash: it goes into JSON).
NOT_STARTED_OUTPUT = (
    "The autograder could not start, so this submission was not graded and scores 0 for now. This is a problem with "
    "the autograder's set-up, not with your submission: please tell your instructor."
)

SETUP_SH = f"""\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu 22.04 or 24.04).
# Python {PYTHON_VERSION} comes from uv (a standalone CPython), not from apt: 24.04 has no python{PYTHON_VERSION} package.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
export DEBIAN_FRONTEND=noninteractive
export UV_PYTHON_INSTALL_DIR="$ROOT/python"  # the CPython lives in the image, beside the venv
export UV_PYTHON_PREFERENCE=only-managed      # never a python{PYTHON_VERSION} that happens to be on the system
# uv: already on PATH, else pip-installed into $ROOT/uv with the image's python3 (its pip from apt if it has none).
if command -v uv >/dev/null 2>&1; then
  UV="$(command -v uv)"
else
  if ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get update
    apt-get install -y python3 python3-pip
  fi
  python3 -m pip install --quiet --target "$ROOT/uv" "{UV_PIN}"
  UV="$ROOT/uv/bin/uv"
fi
"$UV" python install {PYTHON_VERSION}
"$UV" venv --seed --python {PYTHON_VERSION} "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --upgrade pip
"$ROOT/venv/bin/python" -m pip install --extra-index-url {TORCH_INDEX} -r "$ROOT/source/requirements.txt"
# Every submission starts a fresh container from this image: compile the grader's bytecode once, here.
"$ROOT/venv/bin/python" -m compileall -q "$ROOT/source"
"""

RUN_AUTOGRADER = f"""\
#!/usr/bin/env bash
# Gradescope runs this for every submission. AUTOGRADER_ROOT, AUTOGRADER_PYTHON and AUTOGRADER_TIMEOUT (seconds) can
# point it elsewhere (for tests).
set -u
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
case "$ROOT" in /*) ;; *) ROOT="$PWD/$ROOT" ;; esac  # relative: the caller's folder, before the cd below
PYTHON="${{AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}}"
case "$PYTHON" in /*) ;; */*) PYTHON="$PWD/$PYTHON" ;; esac  # a bare name (python3) stays a PATH lookup
LIMIT="${{AUTOGRADER_TIMEOUT:-{TIME_LIMIT_SECONDS}}}"  # under Gradescope's default limit of 10 minutes
mkdir -p "$ROOT/results"
# A zero score before any student code runs: whatever happens next, Gradescope has a result.
cat > "$ROOT/results/.results.json.tmp" <<'JSON'
{{"score": 0, "output": "Grading did not finish, so this submission scores 0 for now.", "tests": [], "visibility": "visible"}}
JSON
mv -f "$ROOT/results/.results.json.tmp" "$ROOT/results/results.json"  # whole or not at all, as every later write
not_started() {{  # the grader cannot run at all: the instructor's set-up, said in one line and in results.json
  cat > "$ROOT/results/.results.json.tmp" <<'JSON'
{{"score": 0, "output": "{NOT_STARTED_OUTPUT}", "tests": [], "visibility": "visible"}}
JSON
  mv -f "$ROOT/results/.results.json.tmp" "$ROOT/results/results.json"
  echo "error: the autograder could not start: $1" >&2
  exit 1
}}
cd "$ROOT/source" 2>/dev/null || not_started "$ROOT/source is not a folder (unzip the autograder zip there, or set AUTOGRADER_ROOT)"
NO_PYTHON="cannot run $PYTHON (set AUTOGRADER_PYTHON to a Python that exists, or run setup.sh to make $ROOT/venv)"
command -v "$PYTHON" >/dev/null || not_started "$NO_PYTHON"
PYTHONPATH="$ROOT/source" timeout --kill-after=10 "$LIMIT" "$PYTHON" -m autograder.platforms.gradescope --root "$ROOT"
status=$?
if [ "$status" -eq 126 ] || [ "$status" -eq 127 ]; then  # timeout could not run $PYTHON after all (e.g. not a program)
  not_started "$NO_PYTHON"
fi
# timeout stopped it: TERM (124), or KILL 10 s later (137, which the kernel's out-of-memory killer also gives: so only
# when the limit has passed)
if [ "$status" -eq 124 ] || {{ [ "$status" -eq 137 ] && [ "$SECONDS" -ge "$LIMIT" ]; }}; then
  # In the shell, not Python: whatever hung must not stop this result too.
  cat > "$ROOT/results/.results.json.tmp" <<JSON
{{"score": 0, "execution_time": $LIMIT, "output": "{TIMED_OUT_OUTPUT}", "tests": [], "visibility": "visible"}}
JSON
  mv -f "$ROOT/results/.results.json.tmp" "$ROOT/results/results.json"
  echo "grading stopped after $LIMIT seconds (the time limit): results.json says so, with a score of 0"
  exit 0  # a result, written on purpose: Gradescope shows it
fi
exit "$status"
"""


def grader_files() -> list[tuple[Path, Path]]:
    """(path inside a bundle, path here) for everything grading needs: the package and ``solutions/*.py``."""
    files = []
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in PACKAGE_SUFFIXES and "__pycache__" not in path.parts:
            files.append((Path("autograder") / path.relative_to(PACKAGE_DIR), path))
    files += [(Path("solutions") / path.name, path) for path in sorted(SOLUTIONS_DIR.glob("*.py"))]
    return files


def pinned_requirements() -> list[str]:
    """The project's pinned run-time dependencies, from ``pyproject.toml``."""
    return list(tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["dependencies"])


def build_zip(out: Path, course: Course, parts: list[str] | None = None) -> Path:
    """Write the autograder zip, with ``course``'s file when it has one; ``parts`` limits grading (and the maximum score) to those parts."""
    parts = list(parts or GRADED_MODULES)
    unknown = [part for part in parts if part not in GRADED_MODULES]
    if unknown:
        raise ValueError(f"unknown part(s) {unknown}; the parts are {', '.join(GRADED_MODULES)}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o100755 << 16  # executable, as Gradescope requires
            bundle.writestr(info, text)
        bundle.writestr("requirements.txt", "\n".join(pinned_requirements()) + "\n")
        bundle.writestr(CONFIG_NAME, json.dumps({"parts": parts}, indent=1) + "\n")
        for relative, source in grader_files():
            bundle.write(source, str(relative))
        if course.source is not None:  # this term's points and visibility travel with the grader
            bundle.write(course.source, "course.toml")
    return out


def run(root: Path) -> dict:
    """Grade ``root/submission`` and write ``root/results/results.json``; returns what was written."""
    config_path = root / "source" / CONFIG_NAME
    parts = json.loads(config_path.read_text())["parts"] if config_path.is_file() else list(GRADED_MODULES)
    course = resolve(None)  # the zip's own course.toml at its root (source/), when the instructor had one
    with GradingSession.hidden_graders(dataclasses.replace(course, parts=tuple(p for p in course.parts if p in parts))) as session:
        report = session.grade(root / "submission")
    report.tests = [test for test in report.tests if test.module in parts]
    results = gradescope_json(report)
    results["output"] = f"Graded parts: {', '.join(parts)}. " + results["output"]
    write_atomic(root / "results" / "results.json", json.dumps(results, indent=2))
    for test in report.grader_errors:  # for the instructor, in Gradescope's autograder output
        print(f"GRADER ERROR in {test.name}:\n{test.grader_error}")
    return results


def run_main(argv: list[str] | None = None) -> int:
    """What ``run_autograder`` calls: grade the submission, always leave a results.json; exit 1 when grading broke."""
    parser = argparse.ArgumentParser(description="Grade a Gradescope submission (what run_autograder calls).")
    parser.add_argument("--root", default="/autograder", help="the folder holding source/, submission/ and results/")
    root = Path(parser.parse_args(argv).root)
    try:
        results = run(root)
    except InputError as error:  # nothing gradable in what was handed in: the student's to fix, in one line
        unusable = {"score": 0, "output": f"Nothing was graded: {error}", "tests": [], "visibility": "visible"}
        write_atomic(root / "results" / "results.json", json.dumps(unusable, indent=2))
        print(f"not graded: {error}")
        return 0
    except Exception:  # noqa: BLE001 - whatever broke, the student gets a zero with an explanation, the instructor the traceback
        traceback.print_exc(file=sys.stdout)
        failed = {"score": 0, "output": FAILED_OUTPUT, "tests": [], "visibility": "visible"}
        write_atomic(root / "results" / "results.json", json.dumps(failed, indent=2))
        return 1
    print(f"score {results['score']:g}")
    return 0


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", help="the zip to write")
    parser.add_argument("--part", action="append", choices=GRADED_MODULES, help="grade only this part (repeatable; default: all)")


def main(args: argparse.Namespace, course: Course) -> int:
    """``python -m autograder gradescope ZIP [--part P]``: build the Gradescope autograder zip (with ``course``'s file)."""
    out = build_zip(Path(args.out), course, args.part)
    print(f"wrote the Gradescope autograder {out} (parts: {', '.join(args.part or ['all'])})")
    return 0


if __name__ == "__main__":
    sys.exit(run_main())
