"""Issue 24's acceptance: a class with every oddity of a real grading day, collected, graded and exported in one go.

The downloads are built as the LMSs write them (tests/lms_downloads.py cites the naming code): a Canvas zip
written by Windows' zipper (no UTF-8 flag, names in cp850) with a ``-<uuid>`` rename, a re-upload, a binary file,
a cp1252 file, a syntax error and a zip a student uploaded (extracted afterwards, as ``collect`` advises); and a
Blackboard zip whose usernames and assignment hold underscores. Nothing may be lost between the download and the
file the LMS imports, and what needs a look is exactly the odd ones. Only part 1 (backprop, NumPy) is graded, to
keep the run short: the oddities are in how files arrive, not in what they compute.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

from autograder import SOLUTIONS_DIR
from tests.conftest import ROOT, run_cli
from tests.lms_downloads import Student, blackboard_download, canvas_download, canvas_user_name, write_zip

SOLUTION = (SOLUTIONS_DIR / "backprop.py").read_bytes()
STUB = (ROOT / "exercises" / "backprop.py").read_bytes()
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
CP1252 = "# résumé of the chain rule: “dL/dw” \n".encode("cp1252") + SOLUTION  # saved by an old Windows editor
SYNTAX = SOLUTION.replace(b"def ", b"def def ", 1)


def zipped(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


CANVAS = [
    Student("José Núñez", [("backprop.py", SOLUTION)], canvas_id="1001"),
    Student("Ana Uuid", [("backprop.py", SOLUTION)], canvas_id="1002", earlier=8),  # Canvas names it backprop-<uuid>.py
    Student("Ben Again", [("backprop.py", STUB), ("backprop.py", SOLUTION)], canvas_id="1003", late=True),  # the later counts
    Student("Bea Binary", [("backprop.py", PNG)], canvas_id="1004"),
    Student("Carl Codepage", [("backprop.py", CP1252)], canvas_id="1005"),
    Student("Sam Syntax", [("backprop.py", SYNTAX)], canvas_id="1006"),
    Student("Zoë Zip", [("submission.zip", zipped("backprop.py", SOLUTION))], canvas_id="1007"),
    Student("Amy Archive", [("backprop.py", SOLUTION), ("more.zip", zipped("validation.py", b"x = 1\n"))], canvas_id="1008"),
]
UNLOADABLE = {"Bea Binary", "Carl Codepage", "Sam Syntax"}  # graded 0 for a file that does not load
ODD = {*UNLOADABLE, "Amy Archive"}  # what a human must look at: those, and a zip beside the files that nobody opened
BLACKBOARD = [
    Student("Jane Doe", [("backprop.py", SOLUTION)], username="j_doe"),
    Student("Émile Zola", [("backprop.py", SOLUTION)], username="e_zola_2"),
]


def rows_of(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8")))


def run_ok(*args: str, codes: tuple[int, ...] = (0,)):
    process = run_cli(*args, timeout=600)
    assert process.returncode in codes, (args, process.returncode, process.stdout[-2000:], process.stderr[-2000:])
    assert "Traceback" not in process.stdout + process.stderr, process.stderr
    return process


def test_a_messy_canvas_class_in_one_go(tmp_path):
    download = write_zip(tmp_path / "submissions.zip", canvas_download(CANVAS), encoding="cp850")
    klass, graded = tmp_path / "class", tmp_path / "graded"
    collected = run_ok("collect", str(download), "--from", "canvas", "--out", str(klass))
    warnings = [line for line in collected.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "againben-1003" in warnings[0] and "kept the later" in warnings[0], collected.stderr  # the re-upload
    assert "zipzoe-1007 uploaded an archive" in collected.stderr and "archiveamy-1008 uploaded an archive" in collected.stderr

    roster = {row["name"]: row for row in rows_of(klass / "roster.csv")}
    assert sorted(roster) == sorted(canvas_user_name(student.sortable_name()) for student in CANVAS)  # núñezjosé, not nãºã±ezjosã©
    assert {row["lms_id"] for row in roster.values()} == {student.canvas_id for student in CANVAS}  # nobody lost
    entry = {student.name: next(r["student"] for r in roster.values() if r["lms_id"] == student.canvas_id) for student in CANVAS}
    assert entry["José Núñez"] == "nunezjose-1001", entry  # the cp850 name decoded, not 'nez-jos'
    assert (klass / entry["Ana Uuid"] / "backprop.py").read_bytes() == SOLUTION  # the uuid rename undone
    assert (klass / entry["Ben Again"] / "backprop.py").read_bytes() == SOLUTION  # the later upload kept
    assert roster_row(roster, "1003")["late"] == "yes"

    first = run_ok("grade-class", str(klass), "--out", str(graded), "--part", "backprop", "--workers", "2")
    book = {row["student"]: row for row in rows_of(graded / "gradebook.csv")}
    # before the zip is extracted, Zoë is not gradable and told why: she is the one more who needs a look
    assert book[entry["Zoë Zip"]]["status"].startswith("not gradable") and "extract it" in book[entry["Zoë Zip"]]["status"]
    assert looked_at(first.stdout) == {entry[name] for name in {*ODD, "Zoë Zip"}}, first.stdout
    # the zip is left as uploaded; the instructor extracts it, as collect advised, and grades again: only Zoë changes
    with zipfile.ZipFile(klass / entry["Zoë Zip"] / "submission.zip") as archive:
        archive.extractall(klass / entry["Zoë Zip"])
    again = run_ok("grade-class", str(klass), "--out", str(graded), "--part", "backprop", "--workers", "2")
    regraded = [line for line in again.stdout.splitlines() if line.endswith("regraded")]
    assert len(regraded) == 1 and entry["Zoë Zip"] in regraded[0], again.stdout

    assert looked_at(again.stdout) == {entry[name] for name in ODD}, again.stdout
    book = {row["student"]: row for row in rows_of(graded / "gradebook.csv")}
    assert set(book) == set(entry.values())  # everyone graded, nobody invented
    full = float(book[entry["José Núñez"]]["out_of"])
    for name in ("José Núñez", "Ana Uuid", "Ben Again", "Zoë Zip", "Amy Archive"):
        assert float(book[entry[name]]["total"]) == full, (name, book[entry[name]])
        assert not book[entry[name]]["needs_look"] or name in ODD, (name, book[entry[name]])
    looks = {name for name in entry if book[entry[name]]["needs_look"]}
    assert looks == ODD, {name: book[entry[name]]["needs_look"] for name in entry}
    assert "UTF-8" in book[entry["Carl Codepage"]]["needs_look"] and "syntax" in book[entry["Sam Syntax"]]["needs_look"].lower()
    assert "more.zip was not opened" in book[entry["Amy Archive"]]["needs_look"]
    for name in UNLOADABLE:
        assert float(book[entry[name]]["total"]) == 0, book[entry[name]]  # no grade invented for a file that does not load

    out = tmp_path / "canvas.csv"
    exported = run_ok(
        "export", str(graded / "gradebook.csv"), "--to", "canvas", "--roster", str(klass / "roster.csv"), "--out", str(out)
    )  # exit 0: everyone has a grade (a file that does not load is the student's 0, graded, with its reason)
    lines = list(csv.reader(out.open(encoding="utf-8")))
    assert lines[1][0].startswith("Points Possible") and float(lines[1][-1]) == full
    uploaded = {line[1]: line[-1] for line in lines[2:]}
    assert set(uploaded) == {student.canvas_id for student in CANVAS}  # every student has a row, by Canvas user id
    for student in CANVAS:
        assert book[entry[student.name]]["status"] == "graded", book[entry[student.name]]
        assert uploaded[student.canvas_id] == book[entry[student.name]]["total"], student.name
    named = {name for name in ODD if any(entry[name] in line for line in exported.stderr.splitlines())}
    assert named == ODD, exported.stderr  # the export repeats who needs a look
    assert not any(entry[name] in exported.stderr for name in set(entry) - ODD), exported.stderr


def looked_at(summary: str) -> set[str]:
    """The students grade-class's summary lists under "need a look" (the dashboard's list: gradebook.class_looks)."""
    lines = summary.splitlines()
    start = next((i for i, line in enumerate(lines) if line.endswith("need a look:") or line.endswith("needs a look:")), None)
    if start is None:
        return set()
    found = set()
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        found.add(line.strip().split(":", 1)[0])
    return found


def roster_row(roster: dict[str, dict[str, str]], canvas_id: str) -> dict[str, str]:
    return next(row for row in roster.values() if row["lms_id"] == canvas_id)


def test_a_blackboard_class_with_underscores_from_windows_zipper(tmp_path):
    download = write_zip(tmp_path / "gradebook.zip", blackboard_download(BLACKBOARD, assignment="HW3_Training_Nets"), encoding="cp1252")
    klass, graded = tmp_path / "class", tmp_path / "graded"
    run_ok("collect", str(download), "--from", "blackboard", "--out", str(klass))
    roster = {row["name"]: row for row in rows_of(klass / "roster.csv")}
    assert sorted(roster) == ["Jane Doe", "Émile Zola"], roster  # the receipts' names, accents intact
    assert {row["lms_id"] for row in roster.values()} == {"j_doe", "e_zola_2"}
    run_ok("grade-class", str(klass), "--out", str(graded), "--part", "backprop", "--workers", "1")
    book = rows_of(graded / "gradebook.csv")
    assert len(book) == 2 and all(row["total"] == row["out_of"] and not row["needs_look"] for row in book), book
    out = tmp_path / "grades.csv"
    run_ok("export", str(graded / "gradebook.csv"), "--to", "csv", "--roster", str(klass / "roster.csv"), "--out", str(out))
    exported = {row["name"]: (row["lms_id"], row["total"]) for row in rows_of(out)}
    assert exported == {"Jane Doe": ("j_doe", book[0]["out_of"]), "Émile Zola": ("e_zola_2", book[0]["out_of"])}, exported


def test_collecting_again_says_it_undid_the_extraction(tmp_path):
    """Late submissions make an instructor collect again: the class folder starts over from the download, and says so."""
    download = write_zip(tmp_path / "submissions.zip", canvas_download(CANVAS[-2:]))
    klass = tmp_path / "class"
    first = run_ok("collect", str(download), "--from", "canvas", "--out", str(klass))
    assert "replaced" not in first.stderr
    with zipfile.ZipFile(klass / "zipzoe-1007" / "submission.zip") as archive:
        archive.extractall(klass / "zipzoe-1007")
    again = run_ok("collect", str(download), "--from", "canvas", "--out", str(klass))
    assert f"note: {klass} was replaced by what the download holds" in again.stderr, again.stderr
    assert not (klass / "zipzoe-1007" / "backprop.py").exists()  # undone, as the note says
    assert "collected 2 students" in again.stdout


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_zip_counts_as_extracted_only_when_its_work_is_all_beside_it(tmp_path):
    """discover's archives: what needs a look. Read from the zip's directory: never a file outside the submission."""
    from autograder.discovery import content_digest, discover

    student = tmp_path / "amy"
    student.mkdir()
    (student / "backprop.py").write_bytes(SOLUTION)
    cases = {
        "same.zip": ({"backprop.py": SOLUTION}, False),  # extracted: nothing to look at
        "topfolder.zip": ({"hw3/backprop.py": SOLUTION}, False),  # extracted without its top folder
        "other.zip": ({"backprop.py": STUB}, True),  # other bytes: not what is graded
        "more.zip": ({"backprop.py": SOLUTION, "validation.py": b"x = 1\n"}, True),  # partly extracted
        "nothing.zip": ({"notes.pdf": b"%PDF"}, True),  # no code to compare: a look, not a pass
        "outside.zip": ({str(tmp_path / "secret.py"): b"secret\n"}, True),  # an absolute name: never read
        "up.zip": ({"../secret.py": b"secret\n"}, True),
    }
    (tmp_path / "secret.py").write_bytes(b"secret\n")  # same size and CRC as outside.zip's and up.zip's member
    for name, (members, _) in cases.items():
        zip_of(student / name, members)
    (student / "data.tar.gz").write_bytes(b"\x1f\x8b")  # another archive: never opened, a look
    flagged = set(discover(student).archives)
    assert flagged == {name for name, (_, look) in cases.items() if look} | {"data.tar.gz"}, flagged

    before = content_digest(student)
    (student / "nothing.zip").unlink()  # an archive removed (or added) moves the fingerprint: a rerun regrades
    assert content_digest(student) != before


def test_an_export_of_a_hand_edited_gradebook_is_one_line_or_a_blank_never_a_traceback(tmp_path):
    klass = tmp_path / "class"
    run_ok("collect", str(write_zip(tmp_path / "s.zip", canvas_download(CANVAS[:2]))), "--from", "canvas", "--out", str(klass))
    gradebook = tmp_path / "gradebook.csv"
    header = "student,backprop,total,out_of,status,needs_look\nnunezjose-1001,30,30,30,graded,\n"
    gradebook.write_text(header + "uuidana-1002,30,30,30\n")  # no status: that student has no grade
    out = tmp_path / "canvas.csv"
    exported = run_ok("export", str(gradebook), "--to", "canvas", "--roster", str(klass / "roster.csv"), "--out", str(out), codes=(4,))
    assert "uuidana-1002: no status in the gradebook" in exported.stderr, exported.stderr  # blank, and named
    assert [line[-1] for line in csv.reader(out.open())][2:] == ["30", ""]
    gradebook.write_text(header + "uuidana-1002,30\n")  # cut before its maximum: refused, in one line
    refused = run_ok("export", str(gradebook), "--to", "canvas", "--roster", str(klass / "roster.csv"), "--out", str(out), codes=(2,))
    assert refused.stderr.count("\n") == 1 and "uuidana-1002's row has no out_of" in refused.stderr, refused.stderr
