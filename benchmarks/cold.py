"""Cold starts, as Gradescope and CI pay them: every submission in a fresh process, against the import-torch floor.

Measured side by side in one run, alternating, medians of ``repeats``:

- the floor: ``python -c "import torch"`` (what any Python grader that uses torch pays);
- ``python -m autograder grade solutions`` (judge, fork server and children);
- the Gradescope zip's ``run_autograder`` on the solutions, unzipped as Gradescope does
  (bytecode compiled once, as its ``setup.sh`` does for the image);
- one training_loop notebook (otter's student notebook filled with the solution) through our
  Gradescope zip's ``run_autograder`` and through ``otter run``, otter's ``run_autograder``
  without a container, on otter's own zip from ``otter assign`` (no warm service: each test
  cell grades cold, as in a fresh Gradescope container);

each at full CPU and at half a CPU (Gradescope's default container has 0.5 vCPU): pinned
to one core (``taskset -c 0``) beside a busy loop pinned to the same core. Memory is the
peak, over the run, of the summed PSS of the process tree (``/proc/<pid>/smaps_rollup`` of
the command and all its descendants, sampled every 20 ms): what a container's memory
limit (Gradescope's default: 768 MB) counts, shared pages counted once. It is taken in one
extra round of its own: sampling slows what it measures, so the timed rounds are not sampled.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SAMPLE_SECONDS = 0.02


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def tree_pss_mb(pid: int) -> float:
    """Summed PSS (MB) of ``pid`` and every descendant now alive."""
    total, stack, seen = 0, [pid], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:  # it ended meanwhile
            continue
        stack += _children(current)
    return total / 1024


def measured(
    args: list[str], env: dict | None = None, cwd: Path = ROOT, pin: bool = False, sample: bool = True
) -> tuple[float, float, str]:
    """Run ``args``; returns (wall seconds, peak summed PSS MB of its tree, or 0 unless ``sample``, stdout).

    Sampling reads ``smaps_rollup`` of every process of the tree 50 times a second, which takes each
    one's memory-map lock: it slows what it measures (seen: 16 s instead of 9 s at half a CPU), so the
    times come from runs that are not sampled, the memory from runs that are.
    """
    command = ["taskset", "-c", "0", *args] if pin else args
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak: list[float] = [0.0]

    def sample_memory() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_pss_mb(process.pid))
            time.sleep(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample_memory, daemon=True)
    if sample:
        sampler.start()
    out, err = process.communicate(timeout=1800)
    seconds = time.perf_counter() - started
    if sample:
        sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({process.returncode}):\n{out[-2000:]}\n{err[-2000:]}")
    return seconds, peak[0], out


@contextmanager
def grading_service(socket_path: Path):
    """A warm ``serve`` on ``socket_path`` for the block (started and ready before it, ended after it), for ``grade --server``."""
    server = subprocess.Popen([PYTHON, "-m", "autograder", "serve", "--socket", str(socket_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        server.stdout.readline()  # "grading service ready ..."
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def half_cpu():
    """A busy loop pinned to core 0: a command pinned there too gets about half of one CPU."""
    busy = subprocess.Popen(["taskset", "-c", "0", PYTHON, "-c", "while True: pass"])
    try:
        time.sleep(0.5)
        yield
    finally:
        busy.kill()
        busy.wait()


def gradescope_root(work: Path, submission: list[Path], name: str = "gradescope") -> Path:
    """Gradescope's /autograder, built from our zip: source/ unzipped and compiled, ``submission``'s files as the submission."""
    root = work / name
    zip_path = work / f"{name}.zip"
    subprocess.run([PYTHON, "-m", "autograder", "gradescope", str(zip_path)], cwd=ROOT, check=True, capture_output=True)
    with zipfile.ZipFile(zip_path) as bundle:
        bundle.extractall(root / "source")
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(root / "source")], check=True)  # as setup.sh does
    (root / "submission").mkdir()
    for path in submission:
        shutil.copy(path, root / "submission" / path.name)
    return root


def otter_notebook(work: Path) -> tuple[Path, Path]:
    """Otter's autograder zip for the training_loop notebook (``otter assign``) and its student notebook filled with the solution."""
    from benchmarks.platforms import PART, otter_assign, tool_env
    from tests.notebook_work import fill, write

    archive, template = otter_assign(work / "otter", tool_env(work / "otter"))
    return archive, write(work / "notebook" / f"{PART}.ipynb", fill(template, PART, "solution"))


def gradescope_score(root: Path) -> float:
    return json.loads((root / "results" / "results.json").read_text())["score"]


def otter_score(out: Path) -> float:
    return sum(t["score"] for t in json.loads((out / "results.json").read_text())["tests"] if "max_score" in t)


def part_score(root: Path, part: str) -> float:
    """Our Gradescope results for one part's tests (the other parts of a lone notebook are 'not handed in')."""
    return sum(t["score"] for t in json.loads((root / "results" / "results.json").read_text())["tests"] if t["name"].startswith(f"{part}."))


def cold_rows(work: Path, repeats: int = 5) -> dict:
    """Floor, cold ``grade``, Gradescope's ``run_autograder`` and, on one notebook, ours against otter's, at full and half CPU."""
    from benchmarks.platforms import PART, tool_env

    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}  # bytecode cached, as installed
    root = gradescope_root(work, [p for p in (ROOT / "solutions").glob("*.py") if p.name != "chapter.py"])
    archive, notebook = otter_notebook(work)
    notebook_root = gradescope_root(work, [notebook], "gradescope_notebook")
    otter_out = work / "otter_out"
    otter_out.mkdir()
    envs = {
        "gradescope": dict(env, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=PYTHON),
        "gradescope_notebook": dict(env, AUTOGRADER_ROOT=str(notebook_root), AUTOGRADER_PYTHON=PYTHON),
        "otter": {key: value for key, value in tool_env(work / "otter").items() if key != "PYTHONDONTWRITEBYTECODE"},
    }
    commands = {
        "floor": [PYTHON, "-c", "import torch"],
        "grade": [PYTHON, "-m", "autograder", "grade", "solutions"],
        "gradescope": ["bash", str(root / "source" / "run_autograder")],
        "gradescope_notebook": ["bash", str(notebook_root / "source" / "run_autograder")],
        "otter": ["otter", "run", "-a", str(archive), "-o", str(otter_out), str(notebook)],
    }
    measured(commands["grade"], env)  # untimed: writes this checkout's bytecode once
    measured(commands["otter"], envs["otter"], cwd=work / "otter")  # and otter's
    runs: dict[str, list[float]] = {}
    peaks: dict[str, float] = {}
    scores: dict[str, set[float]] = {"gradescope": set(), "gradescope_notebook": set(), "otter": set()}
    for pin in (False, True):
        with half_cpu() if pin else _nothing():
            for repeat in range(repeats + 1):  # the last round samples memory; the others are timed
                timed = repeat < repeats
                for name, args in commands.items():
                    where = work / "otter" if name == "otter" else ROOT
                    seconds, peak, _ = measured(args, envs.get(name, env), cwd=where, pin=pin, sample=not timed)
                    key = f"{name}{'_half' if pin else ''}"
                    if timed:
                        runs.setdefault(key, []).append(seconds)
                    else:
                        peaks[key] = peak
                    if name == "gradescope":
                        scores[name].add(gradescope_score(root))
                    elif name == "gradescope_notebook":
                        scores[name].add(part_score(notebook_root, PART))
                    elif name == "otter":
                        scores[name].add(otter_score(otter_out))
    result = {key: {"s": statistics.median(v), "peak_mb": peaks[key], "runs_s": [round(s, 2) for s in v]} for key, v in runs.items()}
    result["scores"] = {name: sorted(values) for name, values in scores.items()}
    if len(scores["gradescope_notebook"] | scores["otter"]) != 1:
        raise RuntimeError(f"ours and otter grade the same notebook differently: {result['scores']}")
    return result


@contextmanager
def _nothing():
    yield


COMMANDS = (
    ("grade", "`grade solutions`"),
    ("gradescope", "the Gradescope zip's `run_autograder`, solutions"),
    ("gradescope_notebook", "our Gradescope zip's `run_autograder`, one training_loop notebook"),
    ("otter", "otter's zip through `otter run` (otter's `run_autograder`, no container), the same notebook"),
)


def render_rows(cold: dict) -> list[str]:
    """Markdown rows: the floor, each cold command with its ratio to the floor, at full and half CPU, and memory."""
    rows = []
    for suffix, how in (("", "full CPU"), ("_half", "half a CPU (pinned to one core beside a busy loop)")):
        floor = cold[f"floor{suffix}"]["s"]
        rows.append(f'| floor, {how}: `python -c "import torch"` | {floor:.2f} s | |')
        for name, what in COMMANDS:
            if f"{name}{suffix}" not in cold:  # a run from before the notebook rows
                continue
            row = cold[f"{name}{suffix}"]
            target = "at most 2.5x the floor" if name == "grade" and not suffix else ""
            if name == "otter":
                target = f"ours {row['s'] / cold[f'gradescope_notebook{suffix}']['s']:.1f}x faster"
            rows.append(
                f"| cold {what}, {how} | {row['s']:.2f} s = {row['s'] / floor:.1f}x the floor, "
                f"{row['peak_mb']:.0f} MB peak PSS (process tree) | {target} |"
            )
    peak = max(
        cold[f"{name}{s}"]["peak_mb"] for name in ("gradescope", "gradescope_notebook") for s in ("", "_half") if f"{name}{s}" in cold
    )
    rows.append(f"| Gradescope `run_autograder`: peak memory, summed PSS of its process tree | {peak:.0f} MB | at most 768 MB |")
    if "scores" in cold:
        rows.append(f"| scores (every run) | {cold['scores']} | the same at full and half CPU |")
    return rows
