"""What the public checks catch, measured on the project's own corpora (docs/proving.md, "What the public checks catch").

Every entry of ``tests/corpus/`` is materialised as :mod:`tests.proving` does
(a mistake or variant hands in its own file; a placeholder style every module) and graded with the public
checks through one :class:`~autograder.session.GradingSession` on the fork server
(about half a second per entry; the portable runner that ``python -m autograder check``
uses starts an interpreter per folder, six times slower here, and gives the same verdicts
and messages: ``tests/test_student_machine.py`` compares the two).

    python -m tests.public_checks [NAME ...]   # print each entry's failed checks and the figures

Figures: how many mistake entries fail at least one public check of their own
part, whether each of the ten classic mistakes is named with the grader's
diagnosis sentence, how many right-but-different entries fail any check, and the
precision and recall of the diagnoses the checks name (issue 23, as for the hidden
graders: :func:`tests.proving.diagnosis_precision`).
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograder.graders.material import mistakes
from autograder.judge.results import GradeReport
from autograder.parts.regularization.public import rules
from autograder.session import GradingSession
from tests.proving import ROOT, Entry, diagnosis_precision, load_entries, materialise, print_precision


def says(module: str, key: str) -> str:
    """The grader's diagnosis sentence of a known mistake, as a failed check shows it."""
    found = next(m for m in mistakes() if m.module == module and m.key == key)
    return f"This looks like {found.says}"


def _cause(p: float, kept_scale: float) -> str:
    import numpy as np

    cause = rules.scale_cause(np.array([kept_scale]), np.array([1.0]), p)
    assert cause
    return cause


BEST_SO_FAR = says("early_stopping", "best_so_far").split(";")[0]

# The ten classic mistakes: the corpus entry of each, and the words its failed check must show.
CLASSIC: dict[str, str] = {
    "tl_no_zero_grad": says("training_loop", "no_zero_grad"),
    "bp_no_sigmoid_derivative": says("backprop", "no_sigmoid_derivative"),
    "bp_no_factor_x": says("backprop", "no_factor_x"),
    "bp_network_sum_not_mean": says("backprop", "sum_not_mean"),
    # the part both "best so far" mistakes share (strictly worse, or not better, than the best: the entry counts the latter)
    "es_best_instead_of_previous": BEST_SO_FAR,
    "reg_dropout_scaled_by_1_over_p": _cause(0.25, 4.0),  # divided by p
    "reg_dropout_not_rescaled": _cause(0.25, 1.0),  # not rescaled at all
    "reg_dropout_active_in_eval": "dropout(x, p, training=False) should give back x's values untouched",
    "val_no_eval": says("validation", "no_eval"),
    "val_no_no_grad": "Your validation loop builds an autograd graph",
    "reg_penalty_no_half": "the factor 1/2 is missing",
}
# cleo_typical_mistakes (examples/submissions): four classic mistakes, each to be named.
CLEO = {
    "training_loop": says("training_loop", "no_zero_grad"),
    "early_stopping": BEST_SO_FAR,
    "regularization": _cause(0.25, 4.0),
    "backprop": says("backprop", "no_factor_x"),
}


@dataclass
class Outcome:
    """One graded folder: the checks it failed (name -> message)."""

    name: str
    failed: dict[str, str]
    total: int
    named: list[str] = field(default_factory=list)  # the diagnoses its failed checks name, once each

    def failed_in(self, modules: list[str]) -> list[str]:
        return [name for name in self.failed if name.partition(".")[0] in modules]

    def says(self, words: str, modules: list[str] | None = None) -> bool:
        text = "\n".join(m for n, m in self.failed.items() if modules is None or n.partition(".")[0] in modules)
        return " ".join(words.split()).lower() in " ".join(text.split()).lower()


def _outcome(name: str, report: GradeReport) -> Outcome:
    named: list[str] = []
    for test in report.tests:
        for detail in [] if test.passed else test.details:
            if isinstance(detail, dict) and detail.get("kind") == "diagnosis" and detail.get("says") not in named:
                named.append(str(detail["says"]))
    handed_in = [t for t in report.tests if t.handed_in]  # a mistake or variant hands in its own part only
    return Outcome(name, {t.name: t.message for t in handed_in if not t.passed}, len(handed_in), named)


def grade_folders(folders: dict[str, Path]) -> dict[str, Outcome]:
    """Each folder graded with the public checks, in one session (forked children: one torch import for all)."""
    with GradingSession.public_checks(sandbox=True) as session:
        return {name: _outcome(name, session.grade(path)) for name, path in folders.items()}


def measure(entries: list[Entry] | None = None, extra: dict[str, Path] | None = None) -> dict[str, Outcome]:
    """The corpora's entries (by ``Entry.key``) and any ``extra`` folders, graded with the public checks."""
    entries = load_entries() if entries is None else entries
    with tempfile.TemporaryDirectory() as tmp:
        class_dir = Path(tmp) / "class"
        materialise(entries, class_dir)
        folders = {entry.key: class_dir / entry.key for entry in entries}
        return grade_folders({**folders, **(extra or {})})


def figures(entries: list[Entry], outcomes: dict[str, Outcome]) -> dict:
    """The measured figures: mistakes caught by a check of their part, classic mistakes named, variants flagged."""
    mistakes_ = [e for e in entries if e.kind == "mistakes"]
    variants = [e for e in entries if e.kind == "variants"]
    caught = [e.name for e in mistakes_ if outcomes[e.key].failed_in(e.modules)]
    by_name = {e.name: e for e in entries}
    named = {name: name in by_name and outcomes[by_name[name].key].says(words, by_name[name].modules) for name, words in CLASSIC.items()}
    flagged = [e.name for e in variants if outcomes[e.key].failed]
    return {
        "mistakes": len(mistakes_),
        "caught": len(caught),
        "missed": sorted(e.name for e in mistakes_ if e.name not in caught),
        "classic_named": named,
        "variants": len(variants),
        "variants_flagged": flagged,
        "diagnoses": diagnosis_precision({e.name: outcomes[e.key].named for e in mistakes_}, mistakes_),
    }


def main(argv: list[str] | None = None) -> int:
    names = argv if argv is not None else sys.argv[1:]
    entries = [e for e in load_entries() if not names or any(n in e.name for n in names)]
    extra = {
        "solutions": ROOT / "solutions",
        "exercises": ROOT / "exercises",
        "cleo": ROOT / "examples" / "submissions" / "cleo_typical_mistakes",
    }
    outcomes = measure(entries, extra)
    for entry in entries:
        outcome = outcomes[entry.key]
        mark = (
            "ok "
            if (bool(outcome.failed_in(entry.modules)) == (entry.kind == "mistakes")) and not (entry.kind == "variants" and outcome.failed)
            else "BAD"
        )
        print(f"{mark} {entry.kind:8s} {entry.name:45s} fails {len(outcome.failed)} of {outcome.total}")
        for name, message in outcome.failed.items():
            print(f"      {name}: {' '.join(message.split())[:220]}")
    result = figures(entries, outcomes)
    print(
        f"\n{result['caught']} of {result['mistakes']} mistakes fail a public check of their part"
        f" ({100 * result['caught'] / max(result['mistakes'], 1):.0f} %); missed: {', '.join(result['missed']) or 'none'}"
    )
    print(f"classic mistakes named: {sum(result['classic_named'].values())} of {len(CLASSIC)} corpus entries", result["classic_named"])
    print(
        f"{len(result['variants_flagged'])} of {result['variants']} right-but-different entries fail a check: {result['variants_flagged']}"
    )
    print_precision(result["diagnoses"], "public checks")
    for name in ("solutions", "exercises", "cleo"):
        print(f"{name}: fails {len(outcomes[name].failed)} of {outcomes[name].total}")
    print("cleo names:", {part: outcomes["cleo"].says(words, [part]) for part, words in CLEO.items()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
