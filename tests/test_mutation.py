"""The mutation tester itself (the full run is ``make mutation``; see tests/mutation.py).

These checks are fast: they generate the mutants without grading them, so
that ``make test`` notices a mutation tester that stopped producing mutants,
mutants outside the solution fences, or a list of equivalent mutants that no
longer matches the solutions.
"""

from __future__ import annotations

import ast
import json

from autograder.api import GRADED_MODULES
from tests.mutation import EQUIVALENT_PATH, all_mutants, fenced_lines, load_equivalent
from tests.proving import SOLUTIONS

MUTANTS = all_mutants()


def test_every_module_has_mutants_of_many_kinds():
    assert len(MUTANTS) >= 300
    for module in GRADED_MODULES:
        assert sum(m.module == module for m in MUTANTS) >= 10, module
    assert {m.operator for m in MUTANTS} >= {
        "binop",
        "factor",
        "compare",
        "number",
        "delete",
        "with",
        "method",
        "call",
        "kwarg",
        "augassign",
    }


def test_mutants_change_only_fenced_solution_code_and_compile():
    for module in GRADED_MODULES:
        source = (SOLUTIONS / f"{module}.py").read_text()
        fences = fenced_lines(source)
        reference = ast.unparse(ast.parse(source))
        outside = [line for number, line in enumerate(reference.splitlines()) if not line.startswith(" ")]  # module level
        for mutant in (m for m in MUTANTS if m.module == module):
            assert any(a <= mutant.line <= b for a, b in fences), mutant.key
            assert mutant.source.strip() != reference.strip(), mutant.key
            compile(mutant.source, f"{module}.py", "exec")
            top_level = [line for line in mutant.source.splitlines() if not line.startswith(" ")]
            assert top_level == outside, mutant.key  # signatures and imports untouched


def test_mutant_keys_are_unique():
    keys = [m.key for m in MUTANTS]
    assert len(keys) == len(set(keys))


def test_every_equivalent_mutant_exists_and_has_a_reason():
    entries = json.loads(EQUIVALENT_PATH.read_text())
    assert len(entries) == len(load_equivalent()), "a mutant is listed twice"
    keys = {m.key for m in MUTANTS}
    for entry in entries:
        assert entry["mutant"] in keys, f"stale entry (no such mutant any more): {entry['mutant']}"
        assert len(entry["reason"]) >= 40, entry["mutant"]
        assert entry["kind"] in ("equivalent", "accepted"), entry["mutant"]
