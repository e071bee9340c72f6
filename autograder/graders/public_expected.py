"""``python -m autograder public-checks [--write]``: each part's public expected results, computed from ``solutions/``.

For every public scenario and call of a part (``autograder/parts/<name>/public/scenarios.py``)
this runs the reference solution and each known mistake of that function (the hidden
patches, applied here in the project) on the same public inputs, and stores only the
results, each mistake's ``says`` sentence and the part's ``facts()`` in the part's
``public/expected.json``, which ships with its public checks. It also refuses to store a
mistake whose result is within 10 times the public tolerances of the reference without
being equal to it (the checks could not tell them apart reliably).

Without ``--write`` it recomputes and compares with the stored files (up to float
rounding, as ``references`` does): exit 1 when one is out of date.

Example::

    python -m autograder public-checks --write   # after a change to solutions/, a known mistake or a public scenario
"""

from __future__ import annotations

import argparse
import copy
import importlib
import json

import numpy as np
import torch

from autograder import references
from autograder.checks import public
from autograder.course.parts import NAMES, has, module_of
from autograder.errors import GraderLoadError
from autograder.graders.diagnoses import mistakes_for, variant_output
from autograder.sandbox.capture import configure_torch
from autograder.sandbox.specs import Scenario


def plain(value: object) -> object:
    """JSON-able plain data: arrays and tuples become lists, NumPy scalars Python numbers."""
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, torch.Tensor):
        return plain(value.detach().to(torch.float64).numpy())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def slim(result: dict | None) -> dict | None:
    """What the checks compare of a runner's result (the rest of it is not stored)."""
    if result is None:
        return None
    kept = {k: result[k] for k in ("returned", "params", "stdout", "result", "kinds") if k in result}
    if "observations" in result:
        kept["observations"] = {"steps": result["observations"]["steps"]}
    return plain(kept)


def _run(scenario: Scenario, patches: tuple = ()) -> dict | None:
    try:
        return slim(references.run(scenario, patches))
    except Exception:  # noqa: BLE001 - a known mistake that crashes on these inputs matches nothing
        return None


def too_close(key: str, reference: dict, mistake: dict) -> bool:
    """A trainer mistake whose result is neither equal to the reference's nor 10 times the tolerances away from it."""
    scenario = public.SCENARIOS[key]
    if scenario.runner != "trainer":
        return False
    exact = public.same_trainer_run(scenario.target, scale=1e-8)(mistake, reference)
    near = public.same_trainer_run(scenario.target, scale=10.0)(mistake, reference)
    return near and not exact


def _owned(table: dict, name: str) -> dict:
    """The entries of ``table`` (public scenarios or calls) whose function is part ``name``'s."""
    return {key: value for key, value in table.items() if value.target.partition(".")[0] == name}


def _facts(name: str) -> dict:
    """What part ``name``'s public scenarios module computes for its checks (``facts()``), as plain data."""
    module = importlib.import_module(module_of(name, "public", "scenarios"))
    return plain(module.facts()) if hasattr(module, "facts") else {}


def compute(name: str) -> dict:
    """Part ``name``'s whole document: every public scenario's and call's reference and known mistakes, and its facts."""
    configure_torch()
    document: dict = {"environment": references.environment(), "scenarios": {}, "calls": {}, "facts": _facts(name)}
    for key, scenario in _owned(public.SCENARIOS, name).items():
        module, _, function = scenario.target.partition(".")
        run = Scenario(scenario.runner, scenario.targets, scenario.spec)
        reference = _run(run)
        if reference is None:
            raise GraderLoadError(f"the solution fails the public scenario {key}: fix it, or the scenario")
        entries = []
        for mistake in mistakes_for(module, function):
            result = _run(run, mistake.patches)
            if result is not None and too_close(key, reference, result):
                raise GraderLoadError(
                    f"known mistake {mistake.key} is too close to the solution in public scenario {key}: change the scenario"
                )
            entries.append({"key": mistake.key, "says": mistake.says, "result": result})
        document["scenarios"][key] = {"reference": reference, "mistakes": entries}
    for key, call in _owned(public.CALLS, name).items():
        module, _, function = call.target.partition(".")
        solution = getattr(references.load_solution(module), function)
        entries = [
            {"key": m.key, "says": m.says, "result": plain(variant_output(m, function, copy.deepcopy(call.args)))}
            for m in mistakes_for(module, function)
        ]
        document["calls"][key] = {"reference": plain(solution(*copy.deepcopy(call.args))), "mistakes": entries}
    return document


def checked(only: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The parts with public checks here (of ``only``, when given)."""
    return tuple(name for name in NAMES if has(name, "public") and (only is None or name in only))


def write(only: tuple[str, ...] | None = None) -> dict[str, dict]:
    """Write every part's ``public/expected.json`` (of ``only``, when given); returns the documents by part."""
    documents = {}
    for name in checked(only):
        documents[name] = compute(name)
        public.expected_path(name).write_text(json.dumps(documents[name], indent=1, sort_keys=True) + "\n")
    return documents


def out_of_date(only: tuple[str, ...] | None = None) -> list[str]:
    """The parts, sections and keys whose stored results differ from the live ones beyond float rounding (empty: current)."""
    found = []
    for name in checked(only):
        path = public.expected_path(name)
        if not path.exists():
            found.append(f"{name}: autograder/parts/{name}/public/{path.name} is missing")
            continue
        stored = json.loads(path.read_text())
        live = json.loads(json.dumps(compute(name)))
        for section in ("scenarios", "calls", "facts"):
            found += [f"{name}: {section}.{key}" for key in references.drifted(stored.get(section, {}), live[section])]
    return found


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--write", action="store_true", help="regenerate each part's public/expected.json from solutions/")
    parser.add_argument("--part", nargs="+", choices=NAMES, metavar="PART", help="only these parts (default: all)")


def main(args: argparse.Namespace) -> int:
    """Exit 0 when every ``expected.json`` is current (or was written), 1 when one is out of date."""
    only = tuple(args.part) if args.part else None
    if args.write:
        documents = write(only)
        scenarios = sum(len(d["scenarios"]) for d in documents.values())
        calls = sum(len(d["calls"]) for d in documents.values())
        print(f"wrote public/expected.json of {', '.join(documents)} ({scenarios} scenarios, {calls} calls)")
        return 0
    stale = out_of_date(only)
    if stale:
        print(
            f"the public checks' expected results are out of date for: {', '.join(stale)}; run `python -m autograder public-checks --write`"
        )
        return 1
    print(f"the public checks' expected results are current for {', '.join(checked(only))}")
    return 0
