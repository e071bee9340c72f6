"""Our grader against ``otter run`` and ``nbgrader autograde`` on the very same notebooks.

A class of N student notebooks for one part (training_loop: it imports torch, as most parts do),
cycling through a solution, an untouched notebook and a typical mistake, is graded three ways:

- ``python -m autograder grade-class`` on the N notebooks (warm workers, one per core);
- ``otter run`` on each notebook with the otter autograder zip that ``otter assign`` built;
- ``nbgrader autograde`` of the N students in an nbgrader course.

The otter and nbgrader hidden tests call our graders; they are given a warm grading service
(``AUTOGRADER_SERVER``), their fastest configuration, so what differs is each platform's own
cost: a Jupyter kernel per notebook, torch imported again in it, and the platform's bookkeeping.
Each tool's peak memory comes from GNU time (the largest process it waited for).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PART = "training_loop"
VENV_BIN = Path(sys.executable).parent
GNU_TIME = "/usr/bin/time"


def tool_env(home: Path, server: Path | None = None) -> dict[str, str]:
    """An instructor's shell: the venv's tools first, Jupyter's folders in a scratch place."""
    env = dict(os.environ, PATH=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}", PYTHONWARNINGS="ignore")
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"),
        JUPYTER_PLATFORM_DIRS="1",
    )
    if server:
        env["AUTOGRADER_SERVER"] = str(server)
    return env


def timed(args: list[str], cwd: Path, env: dict, timeout: float = 1800) -> tuple[float, float]:
    """Run a command under GNU time; returns (wall seconds, peak memory MB of its largest process)."""
    with tempfile.NamedTemporaryFile("r", prefix="time-", suffix=".txt") as report:  # not in cwd: that may be the project
        started = time.perf_counter()
        process = subprocess.run(
            [GNU_TIME, "-f", "%M", "-o", report.name, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
        seconds = time.perf_counter() - started
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{process.stdout[-2000:]}\n{process.stderr[-2000:]}")
        numbers = re.findall(r"^(\d+)$", Path(report.name).read_text(), flags=re.MULTILINE)
    return seconds, int(numbers[-1]) / 1024 if numbers else 0.0


def cli(*args: str) -> None:
    process = subprocess.run([sys.executable, "-m", "autograder", *args], cwd=ROOT, capture_output=True, text=True)
    if process.returncode != 0:
        raise RuntimeError(f"autograder {' '.join(args)} failed: {process.stderr[-2000:]}")


def students(n: int) -> list[tuple[str, str]]:
    from tests.notebook_work import KINDS

    return [(f"student_{i:03d}_{KINDS[i % len(KINDS)]}", KINDS[i % len(KINDS)]) for i in range(n)]


def otter_assign(work: Path, env: dict) -> tuple[Path, dict]:
    """Our otter notebook for PART in ``work``, through ``otter assign``: (otter's autograder zip, the student notebook)."""
    cli("otter", str(work))
    subprocess.run(
        ["otter", "assign", f"{PART}.ipynb", "dist", "--no-pdfs", "--no-run-tests"], cwd=work, env=env, check=True, capture_output=True
    )
    (archive,) = (work / "dist" / "autograder").glob("*.zip")
    return archive, json.loads((work / "dist" / "student" / f"{PART}.ipynb").read_text())


def run_otter(work: Path, n: int, env: dict) -> dict:
    from tests.notebook_work import fill, write

    archive, template = otter_assign(work, env)
    seconds, peak, scores = 0.0, 0.0, {}
    for name, kind in students(n):
        notebook = write(work / "submissions" / name / f"{PART}.ipynb", fill(template, PART, kind))
        out = work / "results" / name
        out.mkdir(parents=True)
        wall, memory = timed(["otter", "run", "-a", str(archive), "-o", str(out), str(notebook)], work, env)
        seconds, peak = seconds + wall, max(peak, memory)
        scores[name] = sum(t["score"] for t in json.loads((out / "results.json").read_text())["tests"] if "max_score" in t)
    return {
        "seconds": seconds,
        "peak_mb": peak,
        "scores": scores,
        "notebooks": {name: work / "submissions" / name / f"{PART}.ipynb" for name, _ in students(n)},
    }


def run_nbgrader(course: Path, n: int, env: dict) -> dict:
    from nbgrader.api import Gradebook

    from tests.notebook_work import fill, write

    cli("nbgrader", str(course))
    subprocess.run(["nbgrader", "generate_assignment", PART], cwd=course, env=env, check=True, capture_output=True)
    release = json.loads((course / "release" / PART / f"{PART}.ipynb").read_text())
    for name, kind in students(n):
        write(course / "submitted" / name / PART / f"{PART}.ipynb", fill(release, PART, kind))
    seconds, peak = timed(["nbgrader", "autograde", PART], course, env)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {name: gradebook.find_submission(PART, name).score for name, _ in students(n)}
    return {"seconds": seconds, "peak_mb": peak, "scores": scores}


def run_ours(work: Path, notebooks: dict[str, Path]) -> dict:
    klass = work / "class"
    klass.mkdir(parents=True)
    for name, path in notebooks.items():
        (klass / f"{name}.ipynb").write_text(path.read_text())
    seconds, peak = timed(
        [sys.executable, "-m", "autograder", "grade-class", str(klass), "--out", str(work / "graded")], ROOT, dict(os.environ)
    )
    scores = {}
    for name in notebooks:
        results = json.loads((work / "graded" / name / "results.json").read_text())
        scores[name] = sum(t["score"] for t in results["tests"] if t["name"].startswith(f"{PART}."))
    return {"seconds": seconds, "peak_mb": peak, "scores": scores}


def compare_platforms(work: Path, n: int) -> list[str]:
    """Table rows (Markdown) comparing the three on ``n`` notebooks; raises if their scores disagree."""
    work = Path(work) / "platforms"
    socket_dir = Path(tempfile.mkdtemp(prefix="ag-"))  # Unix socket paths must stay short
    socket_path = socket_dir / "grader.sock"
    service = subprocess.Popen(
        [sys.executable, "-m", "autograder", "serve", "--socket", str(socket_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        service.stdout.readline()
        env = tool_env(work / "jupyter-home", socket_path)
        (work / "otter").mkdir(parents=True)
        otter = run_otter(work / "otter", n, env)
        nbgrader = run_nbgrader(work / "nbgrader", n, env)
    finally:
        service.terminate()
        service.wait()
    ours = run_ours(work / "ours", otter["notebooks"])
    if not (ours["scores"] == otter["scores"] == nbgrader["scores"]):
        raise RuntimeError(f"the platforms disagree: ours {ours['scores']}, otter {otter['scores']}, nbgrader {nbgrader['scores']}")
    rows = [
        f"| {n} {PART} notebooks, our `grade-class` (start-up included) | {ours['seconds']:.1f} s ({ours['seconds'] / n:.2f} s per notebook), {ours['peak_mb']:.0f} MB peak | |",
        f"| the same {n} notebooks, `otter run` one by one | {otter['seconds']:.1f} s ({otter['seconds'] / n:.2f} s per notebook), {otter['peak_mb']:.0f} MB peak | ours at least 5x faster: {otter['seconds'] / ours['seconds']:.1f}x |",
        f"| the same {n} notebooks, `nbgrader autograde` | {nbgrader['seconds']:.1f} s ({nbgrader['seconds'] / n:.2f} s per notebook), {nbgrader['peak_mb']:.0f} MB peak | ours at least 5x faster: {nbgrader['seconds'] / ours['seconds']:.1f}x |",
    ]
    return rows
