"""Proving the graders: corpora of submissions with known grades, graded through the command line.

``tests/corpus/`` holds three corpora, one folder per submission:

- ``mistakes/<entry>/``: the reference solutions with exactly one realistic
  student mistake, written out as a student would write the module(s);
- ``variants/<entry>/``: correct submissions written in other idioms;
- ``placeholders/<entry>/``: functions that compute nothing (zeros of the
  right shape, the input handed back, ``pass``, an empty model, ...), one
  style of placeholder per entry, which must score 0 in every test of each
  function they stand in for.

Each entry folder holds the student's module file(s) (the other modules are
taken from ``solutions/``) and ``expected.json``::

    {"about": "what the student did",
     "fails": ["exact test names, as in results.json, that must fail"],   # [] for a variant
     "feedback": "a phrase the failed tests' feedback must contain"}       # mistakes only

A mistake entry also says which diagnosis it should get, ``"diagnosis"``: the
key ``"<module>.<key>"`` of its own known mistake (``hidden/mistakes.py``), the
exact words of another diagnosis the graders record (part 5's dropout scale), or
null when no known mistake is what the student did. :func:`diagnosis_precision`
measures, over a graded corpus, how often a named diagnosis is the entry's own
(precision) and how often an entry with one gets it (recall).

A placeholder entry names, instead of a feedback phrase, the functions it
stands in for: ``"zero": ["backprop.sigmoid", ...]``; every test of those
functions must fail (score 0), and ``fails`` adds any test of another function
that fails because it calls one of them.

An entry written by other hands, from the docstrings only (the blind corpus of
issue 23), says ``"origin": "blind"``; its figures are printed apart as well.

An entry may also say ``"equivalent": "why"`` when the mistake cannot be
told apart from a correct answer by any input the graders may use; none
does at present.

``python -m tests.proving`` grades every corpus through
``python -m autograder grade-class`` and prints each entry's verdict; the
project's test suite does the same in ``tests/test_corpus.py``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.api import GRADED_MODULES, PROVIDED_MODULES

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus"
SOLUTIONS = ROOT / "solutions"
# An import of a graded module by another (early_stopping reusing validation's trainer): materialise hands the
# imported one in from solutions/, with the provided modules.
SIBLING_IMPORT = re.compile(rf"^\s*(?:from|import)\s+({'|'.join(GRADED_MODULES)})\b", re.M)
KINDS = ("mistakes", "variants", "placeholders")


@dataclass
class Entry:
    kind: str  # "mistakes", "variants" or "placeholders"
    name: str
    folder: Path
    files: list[Path]
    about: str
    fails: list[str]
    feedback: str = ""
    equivalent: str = ""
    modules: list[str] = field(default_factory=list)
    zero: list[str] = field(default_factory=list)  # placeholders: the functions ("module.function") they stand in for
    diagnosis: str | None = None  # mistakes: the diagnosis it should get ("module.key" of a known mistake, or its words); None: none known
    origin: str = ""  # "blind": written by other hands from the docstrings only (issue 23); "": the project's own

    @property
    def key(self) -> str:
        """The submission's folder name in the class directory (unique over both corpora)."""
        return f"{self.kind}__{self.name}"


def load_entries(kinds: tuple[str, ...] = KINDS) -> list[Entry]:
    entries = []
    for kind in kinds:
        for folder in sorted((CORPUS / kind).iterdir()):
            if not folder.is_dir() or folder.name.startswith((".", "_")):
                continue
            expected = json.loads((folder / "expected.json").read_text())
            files = sorted(folder.glob("*.py"))
            entries.append(
                Entry(
                    kind=kind,
                    name=folder.name,
                    folder=folder,
                    files=files,
                    about=expected["about"],
                    fails=list(expected.get("fails", [])),
                    feedback=expected.get("feedback", ""),
                    equivalent=expected.get("equivalent", ""),
                    modules=[f.stem for f in files],
                    zero=list(expected.get("zero", [])),
                    diagnosis=expected.get("diagnosis"),
                    origin=expected.get("origin", ""),
                )
            )
    return entries


def materialise(entries: list[Entry], class_dir: Path) -> None:
    """One submission folder per entry. A mistake or a variant hands in its own file(s), with the solution of any
    graded module they import and the provided modules: the other parts are "not handed in", and grading spends no
    time on parts it already knows score full marks (the parts stay apart: tests/test_part_isolation.py). A
    placeholder style hands in every module."""
    if class_dir.exists():
        shutil.rmtree(class_dir)
    class_dir.mkdir(parents=True)
    for entry in entries:
        target = class_dir / entry.key
        target.mkdir()
        if entry.kind == "placeholders":
            needed = [path.stem for path in SOLUTIONS.glob("*.py")]
        else:
            imported = {name for path in entry.files for name in SIBLING_IMPORT.findall(path.read_text())}
            needed = [*PROVIDED_MODULES, *sorted(imported - set(entry.modules))]
        for name in needed:
            shutil.copyfile(SOLUTIONS / f"{name}.py", target / f"{name}.py")
        for path in entry.files:
            shutil.copyfile(path, target / path.name)


def grade_class(class_dir: Path, out: Path, timeout: float = 1200.0) -> tuple[subprocess.CompletedProcess, float]:
    """``python -m autograder grade-class DIR --out OUT --regrade``, exactly as a user runs it."""
    started = time.monotonic()
    process = subprocess.run(
        [sys.executable, "-m", "autograder", "grade-class", str(class_dir), "--out", str(out), "--regrade"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return process, time.monotonic() - started


def read_results(out: Path, entry: Entry) -> tuple[dict, dict]:
    """The entry's Gradescope results.json and our report.json (with its status)."""
    return read_graded(out / entry.key)


def read_graded(folder: Path) -> tuple[dict, dict]:
    """A graded student folder's Gradescope results.json and our report.json (with its status)."""
    return json.loads((folder / "results.json").read_text()), json.loads((folder / "report.json").read_text())


def tested_function(test_name: str) -> str:
    """The student function a test grades: "backprop.sigmoid" for "backprop.sigmoid: the logistic function ..."."""
    return test_name.partition(":")[0]


def expected_failures(entry: Entry, names: set[str]) -> set[str]:
    """The tests (among ``names``) the entry must fail: its ``fails``, and every test of a function it stands in for."""
    return set(entry.fails) | {name for name in names if tested_function(name) in entry.zero}


def problems(entry: Entry, results: dict, report: dict, test_names: set[str] | None = None) -> list[str]:
    """Everything in which the graded outcome differs from the entry's expectation (empty: as expected).

    Only the parts the entry handed in count (see :func:`materialise`): their tests' points are the most it can score.
    """
    found = []
    absent = set(report.get("not_handed_in") or [])
    if not str(report.get("status", "")).startswith("graded"):
        found.append(f"status is {report.get('status')!r}, not 'graded'")
    results = {**results, "tests": [t for t in results["tests"] if t["name"].partition(".")[0].partition(":")[0] not in absent]}
    flags = (results.get("extra_data") or {}).get("needs_look")
    if flags:  # an honest submission is never flagged (tampering checks: docs/security.md)
        found.append(f"flagged for a look: {flags}")
    names = {t["name"] for t in results["tests"]}
    unknown = sorted(set(entry.fails) - (test_names or names))
    if unknown:
        found.append(f"expected.json names tests that do not exist: {unknown}")
    failed = {t["name"] for t in results["tests"] if t["score"] < t["max_score"]}
    expected = expected_failures(entry, names)
    scored = sorted(t["name"] for t in results["tests"] if tested_function(t["name"]) in entry.zero and t["score"] > 0)
    if scored:
        found.append(f"a placeholder earned points in: {scored}")
    if failed != expected:
        if failed - expected:
            found.append(f"failed but should pass: {sorted(failed - expected)}")
        if expected - failed:
            found.append(f"passed but should fail: {sorted(expected - failed)}")
    lost = sum(t["max_score"] - t["score"] for t in results["tests"])
    should_lose = sum(t["max_score"] for t in results["tests"] if t["name"] in expected)
    most = sum(t["max_score"] for t in results["tests"])
    if abs(lost - should_lose) > 1e-9 or abs(results["score"] - (most - should_lose)) > 1e-9:
        found.append(f"score {results['score']:g}, expected {most - should_lose:g}")
    if entry.kind == "mistakes":
        feedback = "\n".join(t["output"] for t in results["tests"] if t["name"] in failed)
        if not entry.feedback:
            found.append("a mistake entry needs a feedback phrase")
        elif entry.feedback.lower() not in " ".join(feedback.split()).lower():
            found.append(f"feedback lacks {entry.feedback!r}; it says: {feedback[:600]!r}")
        found += other_diagnoses(entry, results, failed)
    elif entry.kind == "variants" and entry.fails:
        found.append("a right-but-different entry must expect full marks")
    return found


def known_diagnoses() -> list[str]:
    """Every known mistake's diagnosis words (what follows "This looks like"), from the graders' own lists."""
    from autograder.graders.material import mistakes

    return sorted({m.says for m in mistakes()})


def _plain(text: str) -> str:
    return " ".join(text.split()).lower()


def named_diagnoses(output: str, known: list[str]) -> list[str]:
    """The known diagnoses a test's feedback names (a diagnosis contained in a longer named one does not count)."""
    text = _plain(output)
    named = [says for says in known if _plain(says) in text]
    return [says for says in named if not any(says != other and _plain(says) in _plain(other) for other in named)]


def other_diagnoses(entry: Entry, results: dict, failed: set[str]) -> list[str]:
    """A failed test whose feedback names known mistakes, none of them the entry's own (by its phrase).

    Naming several candidates is fine when the entry's is among them: that is what the graders say
    when no scenario tells two mistakes apart.
    """
    known, phrase = known_diagnoses(), _plain(entry.feedback)
    found = []
    for test in results["tests"]:
        named = named_diagnoses(test["output"], known) if test["name"] in failed else []
        if named and not any(phrase in _plain(says) for says in named):
            found.append(f"{test['name']!r} names another mistake: {named}")
    return found


# ------------------------------------------------------------------ diagnosis precision (issue 23)

# At least this share of the diagnoses named (hidden graders, public checks) must be the mistake the code contains.
PRECISION = 0.98


def diagnosis_words(label: str | None) -> str | None:
    """An entry's ``diagnosis`` in the graders' words: a known mistake's ``says`` for "module.key", else the label itself."""
    if label is None:
        return None
    from autograder.graders.material import mistakes

    module, _, key = label.partition(".")
    found = [m.says for m in mistakes() if m.module == module and m.key == key]
    return found[0] if found else label


def recorded_diagnoses(report: dict) -> list[str]:
    """Every diagnosis the failed tests of a graded report name (the "diagnosis" details the graders record), once each."""
    found: list[str] = []
    for test in report["tests"]:
        if test.get("passed"):
            continue
        for detail in test.get("details") or []:
            if isinstance(detail, dict) and detail.get("kind") == "diagnosis" and detail.get("says") not in found:
                found.append(str(detail["says"]))
    return found


def diagnosis_precision(named: dict[str, list[str]], entries: list[Entry]) -> dict:
    """Precision and recall of the diagnoses named for the mistakes corpus.

    ``named`` maps each entry's name to the diagnoses its failed tests name (each once). A named diagnosis is
    right when it is the entry's own (several named together as candidates: when the entry's is among them).
    Precision: right named diagnoses / all named; recall: entries whose own diagnosis is named / entries that
    have one. ``wrong`` lists each wrong naming as (entry, words).
    """
    right, wrong, hit, labelled = 0, [], [], 0
    for entry in entries:
        own = diagnosis_words(entry.diagnosis)
        labelled += own is not None
        said = named.get(entry.name, [])
        good = [words for words in said if own is not None and _plain(own) in _plain(words)]
        right += len(good)
        wrong += [(entry.name, words) for words in said if words not in good]
        if good:
            hit.append(entry.name)
    total = right + len(wrong)
    return {
        "named": total,
        "right": right,
        "wrong": wrong,
        "precision": right / total if total else 1.0,
        "labelled": labelled,
        "recalled": len(hit),
        "recall": len(hit) / labelled if labelled else 1.0,
        "missed": sorted(e.name for e in entries if e.diagnosis is not None and e.name not in hit),
    }


def print_precision(result: dict, who: str) -> None:
    print(
        f"{who}: diagnosis precision {100 * result['precision']:.1f} % ({result['right']} of {result['named']} named diagnoses "
        f"are the entry's own); recall {100 * result['recall']:.1f} % ({result['recalled']} of {result['labelled']} entries "
        f"with a known diagnosis get it)"
    )
    for name, words in result["wrong"]:
        print(f"      wrong: {name}: {words[:120]}")
    if result["missed"]:
        print(f"      not named: {', '.join(result['missed'])}")


def main(argv: list[str] | None = None) -> int:
    import argparse
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m tests.proving", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only the entries whose kind__name contains one of these (e.g. placeholders__)")
    parser.add_argument("--out", help="keep the graded class here (default: a temporary folder)")
    args = parser.parse_args(argv)
    entries = [e for e in load_entries() if not args.names or any(n in e.key for n in args.names)]
    with tempfile.TemporaryDirectory() as tmp:
        class_dir = Path(tmp) / "class"
        out = Path(args.out) if args.out else Path(tmp) / "graded"
        materialise(entries, class_dir)
        process, seconds = grade_class(class_dir, out)
        if process.returncode not in (0, 3):
            print(process.stdout[-3000:], process.stderr[-3000:])
            return 1
        bad = 0
        named = {}
        for entry in entries:
            results, report = read_results(out, entry)
            named[entry.name] = recorded_diagnoses(report)
            found = problems(entry, results, report)
            bad += bool(found)
            print(f"{'ok ' if not found else 'BAD'} {entry.kind:8s} {entry.name:45s} {results['score']:6g}")
            for problem in found:
                print(f"      {problem}")
        count = {kind: sum(e.kind == kind for e in entries) for kind in KINDS}
        print(
            f"\n{count['mistakes']} mistakes, {count['variants']} right-but-different, {count['placeholders']} placeholders; "
            f"{bad} not as expected; "
            f"graded in {seconds:.1f} s through grade-class"
        )
        print_precision(diagnosis_precision(named, [e for e in entries if e.kind == "mistakes"]), "hidden graders")
        blind = [e for e in entries if e.kind == "mistakes" and e.origin == "blind"]
        if blind and len(blind) < count["mistakes"]:
            print_precision(diagnosis_precision(named, blind), "hidden graders, blind entries only")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
