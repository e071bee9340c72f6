"""What a reshaping of the code must leave exactly as it was: every grade, every message, every file a platform receives.

One class holds the five examples and every corpus entry (mistakes, variants,
placeholders). It goes through the command line as an instructor runs it:
``collect --from folders`` (the roster), ``grade-class`` (each student's
results.json and report.json, the gradebook), ``export`` to every LMS format;
and the examples one by one through ``grade --junit`` and ``ci`` (score line,
summary, GitHub outputs, Classroom 50's result). :func:`snapshot` reads all of it
into plain data, with what legitimately varies between runs left out (times,
temporary paths, the machine's isolation notes).

``tests/golden/unchanged.json`` holds the snapshot taken before the reshape of
issue 21; ``tests/test_corpus.py`` compares every run with it. After a
deliberate change of grades, messages or formats, record it again::

    python -m tests.unchanged --write      # grades the class (about two minutes) and rewrites the golden file
    python -m tests.unchanged              # grades and lists what differs from it
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.proving import CORPUS, load_entries, materialise

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "unchanged.json"
EXAMPLES = ROOT / "examples" / "submissions"
EXPORT_FORMATS = ("canvas", "moodle", "gradescope", "csv")
# Graded one by one too (each a cold start): all right, parts not handed in, classic mistakes named. The others'
# grades are in the class run; these three cover what grade's and ci's writers do with each kind of result.
ONE_BY_ONE = ("ada_all_right", "ben_partly_done", "cleo_typical_mistakes")
# Test fields that say what was graded and what the student reads; times and raw curves are left out.
RESULT_FIELDS = ("name", "score", "max_score", "status", "output", "visibility")
REPORT_FIELDS = ("name", "points", "max_points", "passed", "message", "hidden", "visibility", "handed_in")


def cli(*args: str, cwd: Path = ROOT, timeout: float = 1800) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def checked(process: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(process.args[2:])} exited {process.returncode}:\n{process.stdout[-2000:]}{process.stderr[-3000:]}")
    return process


def download(folder: Path) -> Path:
    """A folders download: one folder per student, the examples as they are and each corpus entry as tests.proving materialises it."""
    folder.mkdir(parents=True)
    for example in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()):
        shutil.copytree(example, folder / f"example-{example.name}", ignore=shutil.ignore_patterns("expected.json"))
    corpus = folder.with_name(folder.name + "-corpus")
    materialise(load_entries(), corpus)
    for entry in sorted(corpus.iterdir()):
        shutil.move(entry, folder / entry.name)
    corpus.rmdir()
    return folder


def grade_everything(work: Path) -> Path:
    """Collect, grade, export and run the per-submission commands under ``work``; returns ``work``."""
    checked(cli("collect", str(download(work / "download")), "--from", "folders", "--out", str(work / "class")))
    checked(cli("grade-class", str(work / "class"), "--out", str(work / "graded"), "--no-reports"))
    for fmt in EXPORT_FORMATS:
        process = cli(
            "export",
            str(work / "graded" / "gradebook.csv"),
            "--to",
            fmt,
            "--roster",
            str(work / "class" / "roster.csv"),
            "--out",
            str(work / "exports" / f"{fmt}.csv"),
            "--allow-missing",  # the corpus has students without a grade: left empty, named, and this exits 0
        )
        if fmt == "moodle":  # a folders roster has no Moodle participant id: refused in one line, nothing written
            assert process.returncode == 2 and not (work / "exports" / "moodle.csv").exists(), process.stderr
            (work / "exports").mkdir(exist_ok=True)
            (work / "exports" / "moodle.refused.txt").write_text(process.stderr.replace(str(work), "<work>"))
        else:
            checked(process)
    for example in (EXAMPLES / name for name in ONE_BY_ONE):
        out = work / "one" / example.name
        out.mkdir(parents=True)
        graded = checked(cli("grade", str(example), "--junit", str(out / "junit.xml"), "--results", str(out / "results.json")))
        (out / "table.txt").write_text(graded.stdout)
        ci = checked(
            cli(
                "ci",
                str(example),
                "--summary",
                str(out / "summary.md"),
                "--github-output",
                str(out / "github_output.txt"),
                "--classroom50",
                str(out / "classroom50.json"),
                "--junit",
                str(out / "ci-junit.xml"),
            )
        )
        (out / "ci.txt").write_text(ci.stdout)
    return work


class Texts:
    """Long strings stored once: the snapshot holds "§n" for the n-th (messages repeat across students)."""

    def __init__(self) -> None:
        self.table: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, text: str) -> str:
        if len(text) < 40:
            return text
        if text not in self._index:
            self._index[text] = len(self.table)
            self.table.append(text)
        return f"§{self._index[text]}"


def expand(value: object, table: list[str]) -> object:
    """``value`` with every "§n" replaced by the text it stands for."""
    if isinstance(value, str) and value.startswith("§") and value[1:].isdigit():
        return table[int(value[1:])]
    if isinstance(value, dict):
        return {key: expand(item, table) for key, item in value.items()}
    if isinstance(value, list):
        return [expand(item, table) for item in value]
    return value


def graded_folders(work: Path) -> dict[str, Path]:
    """Each submission's graded folder under ``work``, by the folder name it was handed in as (an entry's key)."""
    with (work / "class" / "roster.csv").open(newline="") as file:
        return {row["name"]: work / "graded" / row["student"] for row in csv.DictReader(file)}


def _results(path: Path, texts: Texts) -> dict:
    data = json.loads(path.read_text())
    return {
        "score": data["score"],
        "output": texts(data.get("output", "")),
        "needs_look": (data.get("extra_data") or {}).get("needs_look"),
        "tests": [
            [texts(str(test.get(key))) if key in ("name", "output") else test.get(key) for key in RESULT_FIELDS] for test in data["tests"]
        ],
    }


def _report(path: Path, texts: Texts) -> dict:
    data = json.loads(path.read_text())
    tests = []
    for test in data["tests"]:
        row = [texts(str(test.get(key))) if key in ("name", "message") else test.get(key) for key in REPORT_FIELDS]
        row.append(bool(test.get("grader_error")))
        row.append([texts(d.get("says", "")) if d.get("kind") == "diagnosis" else d.get("kind") for d in test.get("details", [])])
        tests.append(row)
    return {
        "status": data.get("status"),
        "not_handed_in": data.get("not_handed_in"),
        "found": {name: Path(where).name for name, where in (data.get("found") or {}).items()},
        "needs_look": data.get("needs_look"),
        "tests": tests,
    }


def _csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text())))


def _export(path: Path) -> list[list[str]]:
    """An export's rows, with Moodle's "Last modified (grade)" (the export's time) as "<export time>" when it is one."""
    rows = _csv(path)
    if rows and rows[0][-1] == "Last modified (grade)":
        iso = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")
        rows = [rows[0], *([*row[:-1], "<export time>" if iso.fullmatch(row[-1]) else row[-1]] for row in rows[1:])]
    return rows


def _junit(path: Path, texts: Texts) -> list[str]:
    """JUnit XML, one element a line, times set to 0."""
    text = re.sub(r'time="[^"]*"', 'time="0"', path.read_text())
    return [texts(line) for line in re.split(r"(?=<testcase)", text)]


def _github_output(path: Path, texts: Texts) -> dict[str, object]:
    outputs: dict[str, object] = dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    if "result" in outputs:
        result = json.loads(base64.b64decode(str(outputs["result"])))
        tests = [{k: texts(v) if isinstance(v, str) else v for k, v in t.items() if k != "execution_time"} for t in result.get("tests", [])]
        outputs["result"] = {**result, "tests": tests}
    return outputs


def _classroom50(path: Path, texts: Texts) -> dict:
    data = json.loads(path.read_text())
    data.pop("datetime", None)
    data["tests"] = [{k: texts(v) if isinstance(v, str) else v for k, v in t.items()} for t in data.get("tests", [])]
    return data


def _score_line(path: Path) -> str:
    return next((line for line in path.read_text().splitlines() if line.startswith("Autograding score")), "")


def _export_or_refusal(exports: Path, fmt: str) -> list[list[str]] | dict[str, str]:
    """The rows :func:`_export` reads, or ``{"refused": <its one line on stderr>}`` when export refused the format."""
    refused = exports / f"{fmt}.refused.txt"
    return {"refused": refused.read_text().strip()} if refused.exists() else _export(exports / f"{fmt}.csv")


def snapshot(work: Path) -> dict:
    """Everything :func:`grade_everything` left under ``work``, as plain data to compare (long texts in "texts")."""
    texts = Texts()
    graded = work / "graded"
    roster = _csv(work / "class" / "roster.csv")
    students = sorted(p.name for p in graded.iterdir() if p.is_dir())
    taken = {
        "columns": {"results": list(RESULT_FIELDS), "report": [*REPORT_FIELDS, "grader_error", "details"]},
        "roster": [[cell for column, cell in zip(roster[0], row) if column not in ("path", "submitted_at")] for row in roster],
        "gradebook": _csv(graded / "gradebook.csv"),
        "students": {
            name: {"results": _results(graded / name / "results.json", texts), "report": _report(graded / name / "report.json", texts)}
            for name in students
        },
        "exports": {fmt: _export_or_refusal(work / "exports", fmt) for fmt in EXPORT_FORMATS},
        "one_by_one": {
            folder.name: {
                "results": _results(folder / "results.json", texts),
                "junit": _junit(folder / "junit.xml", texts),
                "ci_score_line": _score_line(folder / "ci.txt"),
                "ci_junit": _junit(folder / "ci-junit.xml", texts),
                "summary": [texts(line) for line in (folder / "summary.md").read_text().splitlines()],
                "github_output": _github_output(folder / "github_output.txt", texts),
                "classroom50": _classroom50(folder / "classroom50.json", texts),
            }
            for folder in sorted((work / "one").iterdir())
        },
    }
    return {**taken, "texts": texts.table}


def differences(got: object, want: object, where: str = "") -> list[str]:
    """Where two snapshots differ, one line each (the first 200)."""
    found: list[str] = []

    def walk(a: object, b: object, at: str) -> None:
        if len(found) >= 200:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b), key=str):
                if key not in a or key not in b:
                    found.append(f"{at}/{key}: {'missing now' if key not in a else 'new'}")
                else:
                    walk(a[key], b[key], f"{at}/{key}")
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for index, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{at}[{index}]")
        elif a != b:
            found.append(f"{at}: now {json.dumps(a)[:300]}, before {json.dumps(b)[:300]}")

    walk(got, want, where)
    return found


def dumps(taken: dict) -> str:
    """The snapshot as JSON, one student, export, example or text a line (small diffs when one changes)."""

    def one(value: object) -> str:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)

    lines = ["{"]
    for position, key in enumerate(sorted(taken)):
        value = taken[key]
        if isinstance(value, dict):
            inner = [f"  {one(k)}: {one(v)}" for k, v in sorted(value.items())]
            body = "{\n" + ",\n".join(inner) + "\n }"
        elif isinstance(value, list):
            body = "[\n" + ",\n".join(f"  {one(v)}" for v in value) + "\n ]"
        else:
            body = one(value)
        lines.append(f" {one(key)}: {body}" + ("," if position < len(taken) - 1 else ""))
    return "\n".join(lines) + "\n}\n"


def compare(taken: dict, golden: dict) -> list[str]:
    """Where snapshot ``taken`` differs from ``golden``, its texts written out."""
    return differences(
        expand({k: v for k, v in taken.items() if k != "texts"}, taken["texts"]),
        expand({k: v for k, v in golden.items() if k != "texts"}, golden["texts"]),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.unchanged", description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"record the snapshot in {GOLDEN.relative_to(ROOT)}")
    parser.add_argument("--keep", help="grade into this folder and keep it (default: a temporary folder)")
    parser.add_argument("--graded", help="read a folder an earlier --keep left, without grading again")
    args = parser.parse_args(argv)
    if args.graded:
        taken = snapshot(Path(args.graded))
    else:
        work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="unchanged-"))
        try:
            taken = snapshot(grade_everything(work))
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
    if args.write:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(dumps(taken))
        print(f"wrote {GOLDEN.relative_to(ROOT)}: {len(taken['students'])} students, {len(taken['exports'])} exports")
        return 0
    found = compare(taken, json.loads(GOLDEN.read_text()))
    print("\n".join(found) if found else "unchanged")
    return 1 if found else 0


if __name__ == "__main__":
    assert CORPUS.is_dir()
    sys.exit(main())
