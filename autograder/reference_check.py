"""``python -m autograder references [--write]``: check that the stored reference results reproduce here, or rewrite them."""

from __future__ import annotations

import argparse
import json

from autograder import references
from autograder.graders.material import canary, scenarios


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--write", action="store_true", help="regenerate references/curves.json from solutions/")


def main(args: argparse.Namespace) -> int:
    """Exit 0 when every stored scenario reproduces (up to float rounding), 1 when one drifted."""
    every = scenarios()
    if args.write:
        references.write(every, canary())
        print(f"wrote {references.CURVES_PATH} ({len(every)} scenarios)")
        return 0
    stored = json.loads(references.CURVES_PATH.read_text())["results"] if references.CURVES_PATH.exists() else {}
    live = references.compute(every)
    changed = references.drifted(stored, live)
    if changed:
        print(f"{len(changed)} scenario(s) do not reproduce here: {', '.join(changed)}")
        return 1
    rounding = references.differing(stored, live)
    how = f"up to float rounding ({len(rounding)} differ in the last bits: another CPU or build)" if rounding else "bit for bit"
    print(f"all {len(every)} reference scenarios reproduce in this environment, {how}.")
    return 0
