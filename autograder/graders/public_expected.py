"""``python -m autograder public-checks [--write]``: the public checks' expected results, computed from ``solutions/``.

For every public scenario and call (:mod:`autograder.checks.public`) this runs
the reference solution and each known mistake of that function (the hidden
patches, applied here in the project) on the same public inputs, and stores
only the results and each mistake's ``says`` sentence in
``autograder/checks/expected.json``, which ships with the public checks. It
also refuses to store a mistake whose result is within 10 times the public
tolerances of the reference without being equal to it (the checks could not
tell them apart reliably).

Without ``--write`` it recomputes and compares with the stored file (up to float
rounding, as ``references`` does): exit 1 when the file is out of date.

Example::

    python -m autograder public-checks --write   # after a change to solutions/, a known mistake or a public scenario
"""

from __future__ import annotations

import argparse
import copy
import json

import numpy as np
import torch

from autograder import references
from autograder.checks import public
from autograder.graders.diagnoses import mistakes_for, variant_output
from autograder.sandbox.capture import configure_torch
from autograder.sandbox.models import build_l2_model
from autograder.sandbox.runners.backprop import SCALAR_FUNCTIONS
from autograder.sandbox.runners.regularization import weight_decay_step


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


def _run(scenario: references.Scenario, patches: tuple = ()) -> dict | None:
    try:
        return slim(references.run(scenario, patches))
    except Exception:  # noqa: BLE001 - a known mistake that crashes on these inputs matches nothing
        return None


def _exact_gradient(spec: dict) -> list:
    t = torch.tensor(np.array(spec["x"], dtype=float), dtype=torch.float64, requires_grad=True)
    SCALAR_FUNCTIONS[spec["function"]](t, torch).backward()
    return plain(t.grad)


def _l2_facts() -> dict:
    spec = public.L2
    model = build_l2_model(spec, spec["data"]["features"])
    squares = {name: float((p.detach().double() ** 2).sum()) for name, p in model.named_parameters()}
    return {"squares": squares, "weight_decay_step": plain(weight_decay_step(spec))}


def too_close(key: str, reference: dict, mistake: dict) -> bool:
    """A trainer mistake whose result is neither equal to the reference's nor 10 times the tolerances away from it."""
    scenario = public.SCENARIOS[key]
    if scenario.runner != "trainer":
        return False
    exact = public.same_trainer_run(scenario.target, scale=1e-8)(mistake, reference)
    near = public.same_trainer_run(scenario.target, scale=10.0)(mistake, reference)
    return near and not exact


def compute() -> dict:
    """The whole document: every public scenario's and call's reference and known mistakes, and the judge's facts."""
    configure_torch()
    document: dict = {"environment": references.environment(), "scenarios": {}, "calls": {}, "facts": {}}
    for key, scenario in public.SCENARIOS.items():
        module, _, function = scenario.target.partition(".")
        run = references.Scenario(scenario.runner, scenario.targets, scenario.spec)
        reference = _run(run)
        if reference is None:
            raise RuntimeError(f"the solution fails the public scenario {key}")
        entries = []
        for mistake in mistakes_for(module, function):
            result = _run(run, mistake.patches)
            if result is not None and too_close(key, reference, result):
                raise RuntimeError(
                    f"known mistake {mistake.key} is too close to the solution in public scenario {key}: change the scenario"
                )
            entries.append({"key": mistake.key, "says": mistake.says, "result": result})
        document["scenarios"][key] = {"reference": reference, "mistakes": entries}
    for key, call in public.CALLS.items():
        module, _, function = call.target.partition(".")
        solution = getattr(references.load_solution(module), function)
        entries = [
            {"key": m.key, "says": m.says, "result": plain(variant_output(m, function, copy.deepcopy(call.args)))}
            for m in mistakes_for(module, function)
        ]
        document["calls"][key] = {"reference": plain(solution(*copy.deepcopy(call.args))), "mistakes": entries}
    document["facts"]["l2"] = _l2_facts()
    document["facts"]["exact_gradients"] = {
        key: _exact_gradient(s.spec) for key, s in public.SCENARIOS.items() if s.runner == "numerical_gradient"
    }
    return document


def write() -> dict:
    document = compute()
    public.EXPECTED_PATH.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    return document


def out_of_date() -> list[str]:
    """The sections and keys whose stored results differ from the live ones beyond float rounding (empty: current)."""
    if not public.EXPECTED_PATH.exists():
        return ["autograder/checks/expected.json is missing"]
    stored = json.loads(public.EXPECTED_PATH.read_text())
    live = json.loads(json.dumps(compute()))
    found = []
    for section in ("scenarios", "calls", "facts"):
        found += [f"{section}.{key}" for key in references.drifted(stored.get(section, {}), live[section])]
    return found


def main(args: argparse.Namespace) -> int:
    """Exit 0 when ``expected.json`` is current (or was written), 1 when it is out of date."""
    if args.write:
        document = write()
        print(f"wrote {public.EXPECTED_PATH} ({len(document['scenarios'])} scenarios, {len(document['calls'])} calls)")
        return 0
    stale = out_of_date()
    if stale:
        print(
            f"the public checks' expected results are out of date for: {', '.join(stale)}; run `python -m autograder public-checks --write`"
        )
        return 1
    print(f"the public checks' expected results are current ({len(public.SCENARIOS)} scenarios, {len(public.CALLS)} calls)")
    return 0
