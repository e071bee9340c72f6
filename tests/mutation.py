"""Mutation testing of the hidden graders: every small change to the reference solutions must lose points.

Each mutant is the reference module ``solutions/<module>.py`` with one small
change inside its solution fences (``### BEGIN SOLUTION`` ... ``### END
SOLUTION``), made on the syntax tree:

- ``binop``: an arithmetic operator swapped (``+``/``-``, ``*``/``/``, ``**``/``*``, ``@``/``*``);
- ``factor``: one factor of a product or the divisor of a quotient dropped (``a * b`` -> ``a``);
- ``compare``: a comparison swapped (``>``/``>=``, ``<``/``<=``, ``==``/``!=``, ``>``/``<``, ...);
- ``boolop``: ``and``/``or``; ``unary``: ``-x`` -> ``x``, ``not x`` -> ``x``;
- ``number``: a number n -> n + 1 and n - 1; ``string``: a string -> ``"XX" + s + "XX"``; ``bool``: ``True``/``False``;
- ``delete``: a statement (a call, ``+=``, an assignment into a subscript, ``break``) -> ``pass``;
- ``augassign``: ``x += y`` -> ``x -= y`` and ``x = y``;
- ``with``: ``with ctx: body`` -> ``body``; ``kwarg``: one keyword argument of a call dropped;
- ``method``: ``.eval()``/``.train()`` swapped; ``call``: a method call without arguments dropped (``loss.item()`` -> ``loss``).

Every mutant is graded as a submission (a folder with the one mutated module)
by ``python -m autograder grade-class``, exactly as a student's would be. A
mutant is *killed* when at least one test of its module fails. The
survivors must each be listed in ``tests/mutation_equivalent.json`` with a
reason and a kind:

- ``equivalent``: no input within the specification tells it apart from the
  reference (a counter initialised to a value that is overwritten before use);
- ``accepted``: it differs only in what the specification leaves open, which
  the graders deliberately do not grade (the tie sigmoid(logit) == 0.5, the
  model's mode after the trainer returns, the format of a verbose line).

A survivor that is not listed means the graders have a blind spot (add a
grader test); an entry whose mutant is killed now, or no longer exists, is
stale. The mutation score is killed / (mutants - equivalent - accepted); the
strict score counts the accepted ones as survivors.

Run ``make mutation`` (or ``python -m tests.mutation``); ``--list`` only
prints the mutants, ``--module backprop`` limits the run to one module.
"""

from __future__ import annotations

import argparse
import ast
import copy
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from autograder.api import GRADED_MODULES
from tests.proving import ROOT, SOLUTIONS, grade_class

EQUIVALENT_PATH = ROOT / "tests" / "mutation_equivalent.json"
REPORT_PATH = ROOT / "build" / "mutation" / "report.json"

BINOP_SWAPS = {
    ast.Add: [ast.Sub],
    ast.Sub: [ast.Add],
    ast.Mult: [ast.Div],
    ast.Div: [ast.Mult],
    ast.FloorDiv: [ast.Div],
    ast.Mod: [ast.FloorDiv],
    ast.Pow: [ast.Mult],
    ast.MatMult: [ast.Mult],
}
COMPARE_SWAPS = {
    ast.Gt: [ast.GtE, ast.Lt],
    ast.GtE: [ast.Gt, ast.LtE],
    ast.Lt: [ast.LtE, ast.Gt],
    ast.LtE: [ast.Lt, ast.GtE],
    ast.Eq: [ast.NotEq],
    ast.NotEq: [ast.Eq],
    ast.Is: [ast.IsNot],
    ast.IsNot: [ast.Is],
    ast.In: [ast.NotIn],
    ast.NotIn: [ast.In],
}
METHOD_SWAPS = {"eval": "train", "train": "eval"}
MODULE_NAMES = {"np", "torch", "nn", "math"}  # torch.no_grad() -> torch is no mistake anyone makes


@dataclass
class Mutant:
    module: str
    function: str
    operator: str
    line: int  # in solutions/<module>.py, for reading; not part of the key
    before: str
    after: str
    source: str
    context: str = ""  # the statement the change sits in, when the change is inside an expression
    occurrence: int = 0

    @property
    def key(self) -> str:
        """A name that survives edits elsewhere in the file: where, what, in which statement, and which occurrence."""
        where = f" in `{self.context}`" if self.context else ""
        return f"{self.module}.{self.function}: {self.before} -> {self.after}{where}" + (
            f" #{self.occurrence + 1}" if self.occurrence else ""
        )

    @property
    def folder(self) -> str:
        return f"{self.module}__{self.index:04d}"

    index: int = 0


def fenced_lines(source: str) -> list[tuple[int, int]]:
    """The (first, last) line numbers of the code inside each solution fence."""
    ranges, start = [], None
    for number, line in enumerate(source.splitlines(), start=1):
        if "### BEGIN SOLUTION" in line:
            start = number + 1
        elif "### END SOLUTION" in line and start is not None:
            ranges.append((start, number - 1))
            start = None
    return ranges


def _functions(tree: ast.Module) -> dict[int, str]:
    """id(node) -> the name of the top-level function it sits in."""
    owner = {}
    for top in tree.body:
        if isinstance(top, ast.FunctionDef):
            for node in ast.walk(top):
                owner[id(node)] = top.name
    return owner


def _is_docstring(node: ast.AST, parents: dict[int, ast.AST]) -> bool:
    parent = parents.get(id(node))
    return isinstance(parent, ast.Expr) and isinstance(parents.get(id(parent)), (ast.FunctionDef, ast.Module))


def _changes(node: ast.AST, parents: dict[int, ast.AST]) -> Iterator[tuple[str, object]]:
    """The mutations that apply to one node: (operator name, a function that mutates the node's copy in place or returns a replacement)."""
    if isinstance(node, ast.BinOp):
        for new in BINOP_SWAPS.get(type(node.op), []):
            yield "binop", lambda n, new=new: setattr(n, "op", new())
        if isinstance(node.op, ast.Mult):
            yield "factor", lambda n: n.left
            yield "factor", lambda n: n.right
        if isinstance(node.op, ast.Div):
            yield "factor", lambda n: n.left
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        yield "unary", lambda n: n.operand
    elif isinstance(node, ast.Compare):
        for position, op in enumerate(node.ops):
            for new in COMPARE_SWAPS.get(type(op), []):
                yield "compare", lambda n, i=position, new=new: n.ops.__setitem__(i, new())
    elif isinstance(node, ast.BoolOp):
        yield "boolop", lambda n: setattr(n, "op", ast.Or() if isinstance(n.op, ast.And) else ast.And())
    elif isinstance(node, ast.Constant):
        parent = parents.get(id(node))
        if isinstance(node.value, bool):
            yield "bool", lambda n: setattr(n, "value", not n.value)
        elif isinstance(node.value, (int, float)):
            yield "number", lambda n: setattr(n, "value", n.value + 1)
            yield "number", lambda n: setattr(n, "value", n.value - 1)
        elif isinstance(node.value, str) and not _is_docstring(node, parents) and not isinstance(parent, ast.JoinedStr):
            yield "string", lambda n: setattr(n, "value", "XX" + n.value + "XX")
    elif isinstance(node, ast.AugAssign):
        for new in BINOP_SWAPS.get(type(node.op), []):
            yield "augassign", lambda n, new=new: setattr(n, "op", new())
        yield "augassign", lambda n: ast.Assign(targets=[n.target], value=n.value, lineno=n.lineno)
    elif isinstance(node, ast.With):
        yield "with", lambda n: n.body
    elif isinstance(node, ast.Call):
        for position in range(len(node.keywords)):
            yield "kwarg", lambda n, i=position: n.keywords.pop(i)
        if isinstance(node.func, ast.Attribute) and node.func.attr in METHOD_SWAPS and not node.args:
            yield "method", lambda n: setattr(n.func, "attr", METHOD_SWAPS[n.func.attr])
        if (
            isinstance(node.func, ast.Attribute)
            and not node.args
            and not node.keywords
            and not isinstance(parents.get(id(node)), ast.Expr)
            and not (isinstance(node.func.value, ast.Name) and node.func.value.id in MODULE_NAMES)
        ):
            yield "call", lambda n: n.func.value  # x.item() -> x, X.flatten() -> X, point.copy() -> point
    if isinstance(node, (ast.Expr, ast.AugAssign, ast.Break, ast.Continue)) or (
        isinstance(node, ast.Assign) and all(isinstance(t, ast.Subscript) for t in node.targets)
    ):
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):  # not a docstring
            yield "delete", lambda n: ast.Pass()


class _Replace(ast.NodeTransformer):
    def __init__(self, target: ast.AST, replacement: object) -> None:
        self.target, self.replacement = target, replacement

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if node is self.target:
            return self.replacement
        return super().generic_visit(node)


def _snippet(node: object, limit: int = 160) -> str:
    """The node's code on one line (statements joined by " / "), shortened if long."""
    if isinstance(node, str):
        text = node
    else:
        text = " / ".join(ast.unparse(n) for n in node) if isinstance(node, list) else ast.unparse(node)
    text = " / ".join(line.strip() for line in text.splitlines() if line.strip())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def mutants_of(module: str) -> list[Mutant]:
    source = (SOLUTIONS / f"{module}.py").read_text()
    tree = ast.parse(source)
    fences = fenced_lines(source)
    reference = ast.unparse(tree)
    found: list[Mutant] = []
    nodes = list(ast.walk(tree))
    parents = {id(child): parent for parent in nodes for child in ast.iter_child_nodes(parent)}
    owner = _functions(tree)
    for index, node in enumerate(nodes):
        line = getattr(node, "lineno", None)
        if line is None or not any(a <= line <= b for a, b in fences):
            continue
        for operator, change in _changes(node, parents):
            mutated_tree = copy.deepcopy(tree)
            target = list(ast.walk(mutated_tree))[index]
            before = _snippet(target)
            statement_like = isinstance(target, ast.stmt)
            result = change(target)
            if result is None:
                replacement, after = target, _snippet(target)
            else:
                if statement_like and isinstance(result, list) and not result:
                    continue
                if isinstance(result, ast.expr) and statement_like:
                    continue
                if not statement_like and isinstance(result, ast.stmt):
                    continue
                if isinstance(result, ast.AST) and not isinstance(result, (ast.expr, ast.stmt)):  # a popped keyword
                    replacement, after = target, _snippet(target)
                else:
                    replacement, after = result, _snippet(result)
                mutated_tree = _Replace(target, replacement).visit(mutated_tree)
            ast.fix_missing_locations(mutated_tree)
            try:
                mutated = ast.unparse(mutated_tree)
                compile(mutated, f"{module}.py", "exec")
            except (SyntaxError, ValueError, TypeError, AttributeError):
                continue
            if mutated == reference:
                continue
            context = ""
            if not isinstance(node, ast.stmt):
                statement = parents.get(id(node))
                while statement is not None and not isinstance(statement, ast.stmt):
                    statement = parents.get(id(statement))
                if statement is not None:
                    context = _snippet(ast.unparse(statement).splitlines()[0], limit=90)
                    context = "" if context == before else context
            found.append(Mutant(module, owner.get(id(node), "?"), operator, line, before, after, mutated + "\n", context))
    seen: dict[str, int] = {}
    for mutant in found:
        base = mutant.key
        mutant.occurrence = seen.get(base, 0)
        seen[base] = mutant.occurrence + 1
    return found


def all_mutants(modules: tuple[str, ...] = GRADED_MODULES) -> list[Mutant]:
    mutants = [m for module in modules for m in mutants_of(module)]
    for index, mutant in enumerate(mutants):
        mutant.index = index
    return mutants


KINDS = ("equivalent", "accepted")


def load_equivalent() -> dict[str, dict]:
    """Mutant key -> {"kind": "equivalent" or "accepted", "reason": ...}."""
    entries = json.loads(EQUIVALENT_PATH.read_text()) if EQUIVALENT_PATH.exists() else []
    return {entry["mutant"]: {"kind": entry["kind"], "reason": entry["reason"]} for entry in entries}


def grade_mutants(mutants: list[Mutant], work: Path) -> tuple[dict[str, dict], float]:
    """Grade every mutant (one folder each, holding only the mutated module) with grade-class; key -> verdict."""
    class_dir, out = work / "class", work / "graded"
    if class_dir.exists():
        shutil.rmtree(class_dir)
    class_dir.mkdir(parents=True)
    modules = sorted({m.module for m in mutants})
    for module in modules:  # the unmutated module, which must score full marks
        (class_dir / f"{module}__reference").mkdir()
        shutil.copyfile(SOLUTIONS / f"{module}.py", class_dir / f"{module}__reference" / f"{module}.py")
    for mutant in mutants:
        folder = class_dir / mutant.folder
        folder.mkdir()
        (folder / f"{mutant.module}.py").write_text(mutant.source)
    process, seconds = grade_class(class_dir, out, timeout=5400)
    if process.returncode not in (0, 3):
        raise RuntimeError(f"grade-class failed:\n{process.stdout[-3000:]}\n{process.stderr[-3000:]}")

    def verdict(folder: str, module: str) -> dict:
        report = json.loads((out / folder / "report.json").read_text())
        tests = [t for t in report["tests"] if t["name"].partition(".")[0] == module]
        failed = [t["name"] for t in tests if not t["passed"]]
        errors = [t["name"] for t in tests if t.get("grader_error")]
        return {"failed": failed, "grader_errors": errors, "status": report["status"]}

    for module in modules:
        reference = verdict(f"{module}__reference", module)
        if reference["failed"]:
            raise RuntimeError(f"the unmutated {module} fails {reference['failed']}")
    return {m.key: verdict(m.folder, m.module) for m in mutants}, seconds


def summarise(mutants: list[Mutant], verdicts: dict[str, dict], listed: dict[str, dict]) -> dict:
    survivors = [m for m in mutants if not verdicts[m.key]["failed"]]
    unexplained = [m for m in survivors if m.key not in listed]
    survivor_keys = {m.key for m in survivors}
    modules = {m.module for m in mutants}
    stale = sorted(k for k in listed if k not in survivor_keys and k.partition(".")[0] in modules)
    grader_errors = [m.key for m in mutants if verdicts[m.key]["grader_errors"]]
    killed = len(mutants) - len(survivors)
    count = {kind: sum(listed.get(m.key, {}).get("kind") == kind for m in survivors) for kind in KINDS}
    per_module = {}
    for module in sorted(modules, key=GRADED_MODULES.index):
        mine = [m for m in mutants if m.module == module]
        alive = [m for m in mine if not verdicts[m.key]["failed"]]
        per_module[module] = {
            "mutants": len(mine),
            "killed": len(mine) - len(alive),
            **{kind: sum(listed.get(m.key, {}).get("kind") == kind for m in alive) for kind in KINDS},
        }
    behavioural = len(mutants) - count["equivalent"] - count["accepted"]
    return {
        "mutants": len(mutants),
        "killed": killed,
        **count,
        "survived_unexplained": [m.key for m in unexplained],
        "stale_equivalent_entries": stale,
        "grader_errors": grader_errors,
        "score": killed / behavioural if behavioural else 1.0,
        "strict_score": killed / (len(mutants) - count["equivalent"]) if len(mutants) > count["equivalent"] else 1.0,
        "per_module": per_module,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation", description=__doc__.splitlines()[0])
    parser.add_argument("--module", action="append", choices=GRADED_MODULES, help="only this module (repeatable)")
    parser.add_argument("--list", action="store_true", help="only list the mutants")
    parser.add_argument("--keep", help="keep the mutants and their grades in this folder")
    args = parser.parse_args(argv)
    modules = tuple(args.module or GRADED_MODULES)
    mutants = all_mutants(modules)
    if args.list:
        for mutant in mutants:
            print(f"{mutant.operator:9s} line {mutant.line:4d}  {mutant.key}")
        print(f"{len(mutants)} mutants")
        return 0
    equivalent = load_equivalent()
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        verdicts, _ = grade_mutants(mutants, work)
    summary = summarise(mutants, verdicts, equivalent)
    summary["seconds"] = round(time.monotonic() - started, 1)
    REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
    REPORT_PATH.write_text(
        json.dumps({**summary, "verdicts": {m.key: {"line": m.line, **verdicts[m.key]} for m in mutants}}, indent=1) + "\n"
    )
    for module, row in summary["per_module"].items():
        print(
            f"{module:22s} {row['mutants']:4d} mutants, {row['killed']:4d} killed, "
            f"{row['equivalent']:3d} equivalent, {row['accepted']:3d} accepted"
        )
    print(
        f"\n{summary['mutants']} mutants: {summary['killed']} killed, {summary['equivalent']} equivalent, {summary['accepted']} accepted "
        f"(tests/mutation_equivalent.json), {len(summary['survived_unexplained'])} survived unexplained. Mutation score "
        f"{summary['score']:.1%} (killed / (mutants - equivalent - accepted)), strict {summary['strict_score']:.1%} "
        f"(killed / (mutants - equivalent)); {summary['seconds']:.0f} s. Details: {REPORT_PATH.relative_to(ROOT)}"
    )
    for key in summary["survived_unexplained"]:
        print(f"  SURVIVED {key}")
    for key in summary["stale_equivalent_entries"]:
        print(f"  STALE equivalent entry (killed now, or gone): {key}")
    for key in summary["grader_errors"]:
        print(f"  GRADER ERROR on {key}")
    ok = not summary["survived_unexplained"] and not summary["grader_errors"] and summary["score"] >= 0.9
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
