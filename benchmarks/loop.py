"""The feedback loop, as ratios to the floor measured in the same run (issue 25): what a student waits for, and a cold grade.

Measured in rounds, each command once per round in turn (so a busy moment of the machine falls on all of them),
medians of ``rounds``; every figure is divided by the floor of the same run, ``python -c "import torch"``:

- the student's ``check`` of every part, of part 1 alone (NumPy only: it never imports torch) and of each torch part;
- a cold ``grade solutions`` (what Gradescope and CI pay per submission), and its peak memory: the summed PSS of its
  process tree, taken in one extra round of its own (sampling slows what it measures);
- a warm grade (``serve``, then ``grade --server``);
- ``check()`` in a real Jupyter kernel (jupyter_client): the first of the kernel, and a second one once the
  kernel's check runner has its next process ready (the time a student takes to read the first answer), and a
  second one asked at once after the first (the worst case: it waits for that process's import).

Example::

    python -m benchmarks.loop --rounds 3      # prints the rows; make bench puts them in RESULTS.json
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script
    sys.path.insert(0, str(ROOT))

from autograder.course.parts import NAMES, part  # noqa: E402
from benchmarks.cold import grading_service, measured  # noqa: E402

PYTHON = sys.executable
NUMPY_PART = "backprop"  # part 1: NumPy only, its checks never load torch
TORCH_PARTS = tuple(name for name in NAMES if name != NUMPY_PART)
# The acceptance of issue 25, as ratios to the floor (seconds for the notebook's second check).
TARGETS = {
    "check": 1.5,
    "check_torch_part": 1.2,
    "check_backprop": 0.5,
    "notebook_second_s": 0.5,
    "grade_cold": 2.0,
    "grade_cold_peak_mb": 500.0,
    "grade_warm": 0.6,
}

# What the kernel runs: the solution's code as a cell, the notebook's check cell, then check() again.
KERNEL_SETUP = """
if __name__ == "__main__":  # as the notebooks guard it: the checks' own processes skip it
    import time
    from autograder.notebook_checks import checks_for, runner
    check, hint = checks_for({part!r})
"""
TIMED_CHECK = """
if __name__ == "__main__":
    _started = time.perf_counter()
    check()
    print("SECONDS", time.perf_counter() - _started)
"""
# The runner's next process has imported torch: what the time to read the answer gives it.
WAIT_FOR_RUNNER = 'if __name__ == "__main__":\n    runner().server.ready()'



def commands() -> dict[str, list[str]]:
    """Name -> command line of each timed command (the warm grade is timed apart: it needs a service)."""
    check = [PYTHON, "-m", "autograder", "check", "solutions"]
    found = {"floor": [PYTHON, "-c", "import torch"], "check": check, f"check_{NUMPY_PART}": [*check, NUMPY_PART]}
    found |= {f"check_{name}": [*check, name] for name in TORCH_PARTS}
    found["grade_cold"] = [PYTHON, "-m", "autograder", "grade", "solutions"]
    return found


def _kernel_seconds(client, code: str, timeout: float = 300) -> tuple[float, str]:
    """Run ``code`` in the kernel; (the seconds it printed, or the wall time; everything it printed)."""
    printed: list[str] = []

    def keep(message: dict) -> None:
        if message["msg_type"] == "stream":
            printed.append(message["content"]["text"])
        elif message["msg_type"] == "error":
            printed.append("\n".join(message["content"]["traceback"]))

    started = time.perf_counter()
    reply = client.execute_interactive(code, timeout=timeout, output_hook=keep)
    wall = time.perf_counter() - started
    text = "".join(printed)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"the kernel failed:\n{text[-2000:]}")
    seconds = [float(line.split()[1]) for line in text.splitlines() if line.startswith("SECONDS ")]
    return (seconds[-1] if seconds else wall), text


def notebook_round(part_name: str = "training_loop") -> dict:
    """One fresh Jupyter kernel: the solution's cells, then check() three times (first; second after the runner is
    ready; third at once after the second). Raises when a check does not pass: a figure of a failing check means nothing."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", cwd=str(ROOT))
    try:
        solution = (ROOT / "solutions" / f"{part_name}.py").read_text().partition('if __name__ == "__main__":')[0]  # not its demo
        _kernel_seconds(client, solution)
        _kernel_seconds(client, KERNEL_SETUP.format(part=part(part_name).name))
        first, text = _kernel_seconds(client, TIMED_CHECK)
        _kernel_seconds(client, WAIT_FOR_RUNNER)
        second, text2 = _kernel_seconds(client, TIMED_CHECK)
        at_once, text3 = _kernel_seconds(client, TIMED_CHECK)
        for output in (text, text2, text3):
            counts = re.search(r"Public checks of .*: (\d+) of (\d+) pass", output)
            if counts is None or counts[1] != counts[2]:
                raise RuntimeError(f"a check in the kernel did not pass:\n{output[-2000:]}")
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return {"first": first, "second": second, "second_at_once": at_once}


def warm_seconds(work: Path) -> float:
    """One warm grade of the solutions: ``grade --server`` against a running ``serve`` (started before, untimed)."""
    socket_path = work / "loop.sock"
    with grading_service(socket_path):
        grade = [PYTHON, "-m", "autograder", "grade", "solutions", "--server", str(socket_path)]
        measured(grade, sample=False)  # the service's first grade fills its caches, as in a class
        seconds, _, _ = measured(grade, sample=False)
    return seconds


def loop_rows(rounds: int = 5) -> dict:
    """Every command of :func:`commands` in turn, ``rounds`` times, then the warm grade and the notebook rounds; medians,
    each run's seconds, and the cold grade's peak memory (one extra, sampled round)."""
    runs: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-loop-") as scratch:
        work = Path(scratch)
        for args in commands().values():
            measured(args, sample=False)  # untimed: bytecode written, disk caches filled
        for _ in range(rounds):
            for name, args in commands().items():
                seconds, _, _ = measured(args, sample=False)
                runs.setdefault(name, []).append(seconds)
            runs.setdefault("grade_warm", []).append(warm_seconds(work))
            for key, seconds in notebook_round().items():
                runs.setdefault(f"notebook_{key}", []).append(seconds)
        _, peak, _ = measured(commands()["grade_cold"], sample=True)
    result = {name: {"s": statistics.median(values), "runs_s": [round(v, 2) for v in values]} for name, values in runs.items()}
    result["grade_cold"]["peak_mb"] = peak
    result["rounds"] = rounds
    return result


def _verdict(value: float, limit: float, unit: str) -> str:
    """``"at most 1.5x the floor: holds"`` (or ``misses``): the limit with its unit, then whether ``value`` keeps it."""
    return f"at most {limit:g}{unit}: {'holds' if value <= limit else 'misses'}"


def render_loop_rows(loop: dict) -> list[str]:
    """Markdown rows of :func:`loop_rows`'s figures, each as seconds and as a ratio to the floor, with its target."""
    floor = loop["floor"]["s"]

    def ratio(name: str) -> float:
        return loop[name]["s"] / floor

    def row(what: str, name: str, target: float | None) -> str:
        shown = f"{loop[name]['s']:.2f} s = {ratio(name):.2f}x the floor"
        return f"| {what} | {shown} | {'' if target is None else _verdict(ratio(name), target, 'x the floor')} |"

    rows = [f'| floor of this run (loop rows, medians of {loop["rounds"]} rounds): `python -c "import torch"` | {floor:.2f} s | |']
    rows.append(row("`check`, every part (the student's loop)", "check", TARGETS["check"]))
    rows.append(row(f"`check {NUMPY_PART}` (part 1: NumPy only, torch never imported)", f"check_{NUMPY_PART}", TARGETS["check_backprop"]))
    slowest = max(TORCH_PARTS, key=lambda name: loop[f"check_{name}"]["s"])
    for name in TORCH_PARTS:
        rows.append(row(f"`check {name}` (one torch part)", f"check_{name}", TARGETS["check_torch_part"] if name == slowest else None))
    second = loop["notebook_second"]["s"]
    rows.append(f"| a notebook's first `check()` in a fresh Jupyter kernel (training_loop) | {loop['notebook_first']['s']:.2f} s | |")
    rows.append(
        f"| its second `check()`, once the kernel's check runner has its next process ready | {second:.2f} s "
        f"| {_verdict(second, TARGETS['notebook_second_s'], ' s')} |"
    )
    rows.append(
        f"| a second `check()` asked at once after the first (it waits for that process's torch import) "
        f"| {loop['notebook_second_at_once']['s']:.2f} s | |"
    )
    cold = loop["grade_cold"]
    rows.append(
        f"| cold `grade solutions` (Gradescope and CI, per submission) | {cold['s']:.2f} s = {ratio('grade_cold'):.2f}x the floor, "
        f"{cold['peak_mb']:.0f} MB peak PSS (process tree) | {_verdict(ratio('grade_cold'), TARGETS['grade_cold'], 'x the floor')}; "
        f"{_verdict(cold['peak_mb'], TARGETS['grade_cold_peak_mb'], ' MB')} |"
    )
    rows.append(row("warm grade (`serve` + `grade --server`)", "grade_warm", TARGETS["grade_warm"]))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the student's check loop and a cold grade against the import-torch floor.")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    result = loop_rows(args.rounds)
    print("\n".join(render_loop_rows(result)))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
