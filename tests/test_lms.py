"""collect and export (issue 16): an LMS's bulk download in, the LMS's grade import format out.

Each download is built here from the documented layout (see autograder/lms/collect.py for the sources) for
one small class: a correct student (solutions/), an untouched one (exercises/), a late one, a notebook
one, and a second student with the same name. The Canvas class is graded once with grade-class; the other
LMSs' downloads must give the same files per student, so their gradebooks are the Canvas one, renamed.
"""

from __future__ import annotations

import csv
import io
import re
import stat
import struct
import time
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from autograder.api import GRADED_MODULES
from tests.conftest import ROOT, run_cli
from tests.lms_downloads import Student, blackboard_download, canvas_download, moodle_download
from tests.lms_downloads import write_zip as write_download

ASSIGNMENT = "HW3 Training"
WHEN = "2026-11-30-23-59-00"


def source_files(kind: str) -> dict[str, bytes]:
    if kind == "solutions":
        return {p.name: p.read_bytes() for p in sorted((ROOT / "solutions").glob("*.py"))}
    if kind == "exercises":
        return {p.name: p.read_bytes() for p in sorted((ROOT / "exercises").glob("*.py"))}
    if kind == "notebook":
        return {"training_loop.ipynb": (ROOT / "notebooks" / "plain" / "training_loop.ipynb").read_bytes()}
    if kind == "one part":
        return {"training_loop.py": (ROOT / "solutions" / "training_loop.py").read_bytes()}
    raise ValueError(kind)


# key, full name, Canvas sortable name (as Canvas writes it), Canvas id, Moodle participant id, username, SID, files, late
CLASS = [
    ("jane", "Jane Doe", "doejane", "1001", "2001", "jdoe", "91001", "solutions", False),
    ("ed", "Ed Empty", "emptyed", "1002", "2002", "eempty", "91002", "exercises", False),
    ("lou", "Lou Late", "latelou", "1003", "2003", "llate", "91003", "solutions", True),
    ("nina", "Nina Book", "booknina", "1004", "2004", "nbook", "91004", "notebook", False),
    ("jane2", "Jane Doe", "doejane", "1005", "2005", "jdoe2", "91005", "one part", False),
]
ENTRIES = {
    "canvas": {"jane": "doejane-1001", "ed": "emptyed-1002", "lou": "latelou-1003", "nina": "booknina-1004", "jane2": "doejane-1005"},
    "moodle": {"jane": "jane-doe-2001", "ed": "ed-empty-2002", "lou": "lou-late-2003", "nina": "nina-book-2004", "jane2": "jane-doe-2005"},
    "blackboard": {
        "jane": "jane-doe-jdoe",
        "ed": "ed-empty-eempty",
        "lou": "lou-late-llate",
        "nina": "nina-book-nbook",
        "jane2": "jane-doe-jdoe2",
    },
    "gradescope": {
        "jane": "jane-doe-91001",
        "ed": "ed-empty-91002",
        "lou": "lou-late-91003",
        "nina": "nina-book-91004",
        "jane2": "jane-doe-91005",
    },
}


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, (2026, 11, 30, 23, 59, 0)), data, zipfile.ZIP_DEFLATED)
    return path


def canvas_members() -> dict[str, bytes]:
    """lib/content_zipper.rb: <sortable name>[_LATE]_<user id>_<attachment id>_<display name>."""
    members, attachment = {}, 9000
    for key, _, sortable, canvas_id, *_, kind, late in CLASS:
        for name, data in source_files(kind).items():
            attachment += 1
            shown = "training_loop-1.py" if key == "jane2" else name  # Canvas's suffix on a re-upload
            members[f"{sortable}{'_LATE' if late else ''}_{canvas_id}_{attachment}_{shown}"] = data
    return members


def moodle_members() -> dict[str, bytes]:
    """mod/assign/classes/downloader.php: <Full name>_<participant id>_assignsubmission_file/<file> (Moodle 3.x: trailing _)."""
    members = {}
    for key, name, _, _, participant, *_, kind, _late in CLASS:
        folder = f"{name}_{participant}_assignsubmission_file" + ("_" if key == "ed" else "")
        for file, data in source_files(kind).items():
            members[f"{folder}/{file}"] = data
    return members


def blackboard_members() -> dict[str, bytes]:
    """<assignment>_<username>_attempt_<date>_<file>, and the receipt <assignment>_<username>_attempt_<date>.txt."""
    members = {}
    for _, name, _, _, _, username, _, kind, _ in CLASS:
        prefix = f"{ASSIGNMENT}_{username}_attempt_{WHEN}"
        receipt = f"Name: {name} ({username})\nAssignment: {ASSIGNMENT}\nDate Submitted: Monday, 30 November 2026 23:59:00\n"
        members[f"{prefix}.txt"] = receipt.encode()
        for file, data in source_files(kind).items():
            members[f"{prefix}_{file}"] = data
    return members


def gradescope_members() -> dict[str, bytes]:
    """Export Submissions: submission_<id>/<files> and submission_metadata.yml (as otter-grader reads it)."""
    members, metadata = {}, ["---"]
    for number, (_, name, *_, sid, kind, _) in enumerate(CLASS):
        folder = f"submission_{3001 + number}"
        metadata += [
            f"{folder}:",
            "  :submitters:",
            f"  - :name: {name}",
            f"    :sid: '{sid}'",
            f"    :email: {name.split()[0].lower()}.{sid}@example.edu",
            f"  :created_at: 2026-11-30 23:5{number}:00.000000000 Z",
            "  :score: 0.0",
        ]
        for file, data in source_files(kind).items():
            members[f"{folder}/{file}"] = data
    members["submission_metadata.yml"] = "\n".join(metadata).encode() + b"\n"
    return members


BUILDERS = {"canvas": canvas_members, "moodle": moodle_members, "blackboard": blackboard_members, "gradescope": gradescope_members}


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``: relative path -> bytes (folders as empty entries ending with /)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        found[relative + "/" if path.is_dir() else relative] = b"" if path.is_dir() else path.read_bytes()
    return found


def student_files(class_dir: Path, entry: str) -> dict[str, bytes]:
    notebook = class_dir / f"{entry}.ipynb"
    if notebook.is_file():
        return {"<notebook>": notebook.read_bytes()}
    return {p.name: p.read_bytes() for p in sorted((class_dir / entry).iterdir())}


def expected_files(kind: str) -> dict[str, bytes]:
    files = source_files(kind)
    return {"<notebook>": next(iter(files.values()))} if kind == "notebook" else files


def collect(download: Path, lms: str, out: Path, *extra: str):
    return run_cli("collect", str(download), "--from", lms, "--out", str(out), *extra, timeout=120)


def export(gradebook: Path, fmt: str, roster: Path, out: Path, *extra: str):
    return run_cli("export", str(gradebook), "--to", fmt, "--roster", str(roster), "--out", str(out), *extra, timeout=120)


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The Canvas class, collected through the command line and graded once with grade-class."""
    base = tmp_path_factory.mktemp("canvas")
    download = write_zip(base / "hw3 submissions.zip", canvas_members())
    class_dir = base / "class"
    process = collect(download, "canvas", class_dir)
    assert process.returncode == 0, process.stderr
    graded_dir = base / "graded"
    process = run_cli("grade-class", str(class_dir), "--out", str(graded_dir), "--no-reports", "--workers", "1", timeout=900)
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
    rows = {row["student"]: row for row in csv.DictReader((graded_dir / "gradebook.csv").open())}
    return {"base": base, "download": download, "class": class_dir, "gradebook": graded_dir / "gradebook.csv", "rows": rows}


def totals(graded: dict, lms: str) -> dict[str, str]:
    """key -> the gradebook's total for that student (graded in the Canvas class)."""
    return {key: graded["rows"][ENTRIES["canvas"][key]]["total"] for key in ENTRIES[lms]}


def test_canvas_download_is_collected_graded_and_exported(graded, tmp_path):
    class_dir = graded["class"]
    assert sorted(p.name for p in class_dir.iterdir()) == [
        "booknina-1004.ipynb",
        "doejane-1001",
        "doejane-1005",
        "emptyed-1002",
        "latelou-1003",
        "roster.csv",
    ]
    kinds = {key: kind for key, *_, kind, _ in CLASS}
    for key, entry in ENTRIES["canvas"].items():
        assert student_files(class_dir, entry) == expected_files(kinds[key]), key
    roster = lines(class_dir / "roster.csv")
    assert roster[0] == "student,path,name,lms,lms_id,submission_id,email,sis_id,late,submitted_at,files,team,team_id"
    assert roster[1] == "booknina-1004,booknina-1004.ipynb,booknina,canvas,1004,,,,no,,booknina_1004_9022_training_loop.ipynb,,"
    assert roster[3].startswith("doejane-1005,doejane-1005/,doejane,canvas,1005,,,,no,,doejane_1005_9023_training_loop-1.py")
    assert roster[5].startswith("latelou-1003,latelou-1003/,latelou,canvas,1003,,,,yes,,latelou_LATE_1003_")
    assert len(roster) == 6

    rows = graded["rows"]
    assert sorted(rows) == sorted(ENTRIES["canvas"].values())
    assert float(rows["doejane-1001"]["total"]) == 100 and float(rows["latelou-1003"]["total"]) == 100
    assert float(rows["emptyed-1002"]["total"]) == 0
    assert 0 < float(rows["doejane-1005"]["total"]) < 100  # training_loop.py only

    out = tmp_path / "canvas.csv"
    process = export(graded["gradebook"], "canvas", class_dir / "roster.csv", out, "--assignment", ASSIGNMENT)
    assert process.returncode == 0 and process.stderr == "", process.stderr
    total = totals(graded, "canvas")
    assert lines(out) == [
        f"Student,ID,SIS User ID,SIS Login ID,Section,{ASSIGNMENT}",
        "Points Possible,,,,,100",
        f"booknina,1004,,,,{total['nina']}",
        f"doejane,1001,,,,{total['jane']}",
        f"doejane,1005,,,,{total['jane2']}",
        f"emptyed,1002,,,,{total['ed']}",
        f"latelou,1003,,,,{total['lou']}",
    ]


def test_export_missing_students_and_strangers(graded, tmp_path):
    """A roster student without a submission gets empty (exit 4, named in the one warning block) or, with --missing zero,
    0; a graded student not in the roster is named and left out; the file is written either way."""
    rows = [row for student, row in graded["rows"].items() if student != "emptyed-1002"]
    rows.append({**rows[0], "student": "stranger"})
    gradebook = tmp_path / "gradebook.csv"
    with gradebook.open("w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    roster = graded["class"] / "roster.csv"
    stranger = "warning: stranger is in the gradebook but not in the roster: left out"
    for missing, grade, code in (("empty", "", 4), ("zero", "0", 0)):
        out = tmp_path / f"canvas-{missing}.csv"
        process = export(gradebook, "canvas", roster, out, "--missing", missing)
        assert process.returncode == code, process.stderr
        block = [f"warning: 1 student(s) have no grade in {out} (left empty, never 0: enter theirs by hand once settled; exit code 4 "
                 "unless --allow-missing):", "  emptyed-1002: no submission"] if missing == "empty" else []
        assert process.stderr.splitlines() == [stranger, *block]
        assert "Traceback" not in process.stderr
        assert f"emptyed,1002,,,,{grade}" in lines(out)
        assert not any(line.startswith("stranger") for line in lines(out))
    allowed = export(gradebook, "canvas", roster, tmp_path / "allowed.csv", "--allow-missing")
    assert allowed.returncode == 0 and "emptyed-1002: no submission" in allowed.stderr, allowed.stderr
    out = tmp_path / "plain.csv"
    assert export(gradebook, "csv", roster, out, "--missing", "zero").returncode == 0
    plain = list(csv.DictReader(out.open()))
    assert [row["student"] for row in plain] == sorted(ENTRIES["canvas"].values())
    empty = next(row for row in plain if row["student"] == "emptyed-1002")
    assert (empty["total"], empty["out_of"], empty["status"], empty["late"]) == ("0", "100", "no submission", "no")
    late = next(row for row in plain if row["student"] == "latelou-1003")
    assert late["late"] == "yes" and late["total"] == graded["rows"]["latelou-1003"]["total"]


@pytest.mark.parametrize("lms", ["moodle", "blackboard", "gradescope"])
def test_other_lms_downloads_give_the_same_students_and_their_import_files(lms, graded, tmp_path):
    download = write_zip(tmp_path / f"{lms}.zip", BUILDERS[lms]())
    class_dir = tmp_path / "class"
    process = collect(download, lms, class_dir)
    assert process.returncode == 0, process.stderr
    entries = ENTRIES[lms]
    assert sorted(p.name for p in class_dir.iterdir()) == sorted(
        [entries[key] + (".ipynb" if key == "nina" else "") for key in entries] + ["roster.csv"]
    )
    for key, entry in entries.items():  # the same bytes as the Canvas class: the same grades
        assert student_files(class_dir, entry) == student_files(graded["class"], ENTRIES["canvas"][key]), key
    roster = {row["student"]: row for row in csv.DictReader((class_dir / "roster.csv").open())}
    assert set(roster) == set(entries.values())
    jane = roster[entries["jane"]]
    assert (jane["name"], jane["lms"]) == ("Jane Doe", lms)

    total = totals(graded, lms)
    gradebook = tmp_path / "gradebook.csv"
    if lms == "moodle":  # the whole round trip again: this class graded by grade-class, as the Canvas one
        graded_dir = tmp_path / "graded"
        process = run_cli("grade-class", str(class_dir), "--out", str(graded_dir), "--no-reports", "--workers", "1", timeout=900)
        assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
        gradebook = graded_dir / "gradebook.csv"
        own = {row["student"]: row["total"] for row in csv.DictReader(gradebook.open())}
        assert own == {entries[key]: total[key] for key in entries}
    else:  # the Canvas class's rows under this LMS's student names (the same bytes were collected: the same grades)
        canvas_rows = graded["rows"]
        with gradebook.open("w", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=list(next(iter(canvas_rows.values()))))
            writer.writeheader()
            for key in sorted(entries, key=entries.get):
                writer.writerow({**canvas_rows[ENTRIES["canvas"][key]], "student": entries[key]})
    order = sorted(entries, key=entries.get)
    out = tmp_path / "import.csv"
    if lms == "moodle":
        assert jane["lms_id"] == "2001" and jane["late"] == ""
        process = export(gradebook, "moodle", class_dir / "roster.csv", out)
        ids = {key: participant for key, _, _, _, participant, *_ in CLASS}
        names = {key: name for key, name, *_ in CLASS}
        worksheet = list(csv.reader(out.open()))
        assert [row[:-1] for row in worksheet] == [["Identifier", "Full name", "Email address", "Grade", "Maximum Grade"]] + [
            [f"Participant {ids[key]}", names[key], "", total[key], "100"] for key in order
        ]
        assert worksheet[0][-1] == "Last modified (grade)" and all(row[-1] for row in worksheet[1:])  # its format: see below
    elif lms == "gradescope":
        assert (jane["lms_id"], jane["sis_id"], jane["email"], jane["submission_id"]) == (
            "91001",
            "91001",
            "jane.91001@example.edu",
            "3001",
        )
        assert jane["submitted_at"].startswith("2026-11-30 23:50:00")
        process = export(gradebook, "gradescope", class_dir / "roster.csv", out)
        people = {key: (name, sid) for key, name, *_, sid, _, _ in CLASS}
        assert lines(out) == ["Name,SID,Email,Total Score,Max Points"] + [
            f"{people[key][0]},{people[key][1]},{people[key][0].split()[0].lower()}.{people[key][1]}@example.edu,{total[key]},100"
            for key in order
        ]
    else:
        assert (jane["lms_id"], jane["submitted_at"], jane["late"]) == ("jdoe", WHEN, "")
        process = export(gradebook, "csv", class_dir / "roster.csv", out)
        plain = list(csv.DictReader(out.open()))
        assert lines(out)[0] == ",".join(
            ["student", "name", "lms", "lms_id", "email", "sis_id", "late", *GRADED_MODULES, "total", "out_of", "status"]
        )
        assert [(row["student"], row["total"]) for row in plain] == [(entries[key], total[key]) for key in order]
    assert process.returncode == 0 and process.stderr == "", process.stderr


def test_collecting_twice_gives_identical_trees(graded, tmp_path):
    """Zip or extracted folder, new folder or an earlier collect's output: the same bytes every time."""
    first = graded["class"]
    again = tmp_path / "again"
    assert collect(graded["download"], "canvas", again).returncode == 0
    extracted = tmp_path / "extracted"
    with zipfile.ZipFile(graded["download"]) as archive:
        archive.extractall(extracted)
    from_folder = tmp_path / "from-folder"
    assert collect(extracted, "canvas", from_folder).returncode == 0
    assert tree(again) == tree(first) == tree(from_folder)
    assert collect(graded["download"], "canvas", again).returncode == 0  # over its own earlier output
    assert tree(again) == tree(first)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again", "extracted", "from-folder"]  # no temporary folder left


def test_a_zip_wrapped_in_one_folder_and_a_pattern(tmp_path):
    wrapped = write_zip(tmp_path / "wrapped.zip", {f"hw3/{name}": data for name, data in canvas_members().items()})
    assert collect(wrapped, "canvas", tmp_path / "a").returncode == 0
    plain = write_zip(tmp_path / "plain.zip", canvas_members())
    assert collect(plain, "canvas", tmp_path / "b").returncode == 0
    assert tree(tmp_path / "a").keys() == tree(tmp_path / "b").keys()

    custom = write_zip(tmp_path / "custom.zip", {"jane__77__training_loop.py": b"x = 1\n", "bo__78__late__backprop.py": b"y = 2\n"})
    pattern = r"(?P<student>[a-z]+)__(?P<id>\d+)__(?:(?P<late>late)__)?(?P<file>.+)"
    process = collect(custom, "folders", tmp_path / "c", "--pattern", pattern)
    assert process.returncode == 0, process.stderr
    assert tree(tmp_path / "c")["jane-77/training_loop.py"] == b"x = 1\n"
    roster = {row["student"]: row for row in csv.DictReader((tmp_path / "c" / "roster.csv").open())}
    assert (roster["bo-78"]["late"], roster["jane-77"]["late"]) == ("yes", "no")


def symlink_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("doejane_1001_9001_training_loop.py", b"x = 1\n")
        link = zipfile.ZipInfo("doejane_1001_9002_backprop.py")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return path


def declared_huge_zip(path: Path) -> Path:
    """A stored member whose central directory declares 600 MB, compressed and not: over the total limit, ratio 1."""
    write_zip(path, {"doejane_1001_9001_training_loop.py": b"x = 1\n"})
    data = bytearray(path.read_bytes())
    at = data.index(b"PK\x01\x02")
    struct.pack_into("<II", data, at + 20, 600 * 2**20, 600 * 2**20)
    path.write_bytes(bytes(data))
    return path


def ratio_bomb_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doejane_1001_9001_training_loop.py", b"\0" * (4 * 2**20))
    return path


MALFORMED = {
    "corrupt zip": (lambda p: (p.write_bytes(b"PK\x03\x04 this is not really a zip"), p)[1], "canvas", "not a readable zip archive"),
    "truncated zip": (
        lambda p: (p.write_bytes(write_zip(p, canvas_members()).read_bytes()[:5000]), p)[1],
        "canvas",
        "not a readable zip archive",
    ),
    "unknown layout": (
        lambda p: write_zip(p, {**canvas_members(), "notes.txt": b"hello"}),
        "canvas",
        "'notes.txt' is not laid out like a canvas download",
    ),
    "moodle file in canvas": (lambda p: write_zip(p, moodle_members()), "canvas", "is not laid out like a canvas download"),
    "duplicate files": (
        lambda p: write_zip(
            p, {"Jane Doe_2001_assignsubmission_file/training_loop.py": b"a", "Jane Doe_2001_assignsubmission_file_training_loop.py": b"b"}
        ),
        "moodle",
        "would both be jane-doe-2001/training_loop.py",
    ),
    "a team download without --teams": (
        lambda p: write_zip(p, {"Default group_assignsubmission_file/training_loop.py": b"a"}),
        "moodle",
        "add --teams",
    ),
    "two attempts": (
        lambda p: write_zip(p, {f"HW_jdoe_attempt_{WHEN}_backprop.py": b"a", "HW_jdoe_attempt_2026-12-01-10-00-00_backprop.py": b"b"}),
        "blackboard",
        "two submissions for jdoe",
    ),
    "one id, two names": (
        lambda p: write_zip(p, {"doejane_1001_1_backprop.py": b"a", "smithjane_1001_2_training_loop.py": b"b"}),
        "canvas",
        "two submissions for the canvas id 1001",
    ),
    "two folders, one student": (
        lambda p: write_zip(p, {"Jane Doe/backprop.py": b"a", "jane-doe/backprop.py": b"b"}),
        "folders",
        "two submissions map",
    ),
    "zip slip": (lambda p: write_zip(p, {"doejane_1001_1_backprop.py": b"a", "../evil.py": b"b"}), "canvas", "zip slip"),
    "absolute path": (lambda p: write_zip(p, {"/tmp/autograder-absolute.py": b"b"}), "canvas", "is an absolute path"),
    "symbolic link": (symlink_zip, "canvas", "is a symbolic link"),
    "zip bomb (ratio)": (ratio_bomb_zip, "canvas", "refused as a possible zip bomb"),
    "zip bomb (declared size)": (declared_huge_zip, "canvas", "declares more than 500 MB"),
    "no metadata": (lambda p: write_zip(p, {"submission_1/backprop.py": b"a"}), "gradescope", "expected one submission_metadata.yml"),
    "broken metadata": (
        lambda p: write_zip(p, {"submission_metadata.yml": b"submission_1: [unclosed", "submission_1/backprop.py": b"a"}),
        "gradescope",
        "is not readable YAML",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_download_is_one_line_exit_2_and_writes_nothing(case, tmp_path):
    build, lms, message = MALFORMED[case]
    download = build(tmp_path / "download.zip")
    before = sorted(p.name for p in tmp_path.iterdir())
    process = collect(download, lms, tmp_path / "class")
    assert process.returncode == 2, process.stdout + process.stderr
    assert len(process.stderr.splitlines()) == 1 and process.stderr.startswith("error: "), process.stderr
    assert "Traceback" not in process.stderr and message in process.stderr, process.stderr
    assert str(download) in process.stderr
    assert not (tmp_path / "class").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary folder left, nothing beside
    assert not (tmp_path.parent / "evil.py").exists() and not Path("/tmp/autograder-absolute.py").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--pattern", "(?P<student>[a-z"], "--pattern is not a valid regular expression"),
        (["--pattern", r"(?P<name>[a-z]+)_(?P<file>.+)"], "--pattern needs a named group for the student"),
    ],
)
def test_a_bad_pattern_is_one_line_exit_2(extra, message, tmp_path):
    download = write_zip(tmp_path / "download.zip", canvas_members())
    process = collect(download, "canvas", tmp_path / "class", *extra)
    assert process.returncode == 2 and message in process.stderr and len(process.stderr.splitlines()) == 1, process.stderr
    assert not (tmp_path / "class").exists()


def test_collect_never_overwrites_a_folder_it_did_not_make(tmp_path):
    download = write_zip(tmp_path / "download.zip", canvas_members())
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("do not lose")
    process = collect(download, "canvas", precious)
    assert process.returncode == 2 and "was not made by collect" in process.stderr
    assert tree(precious) == {"thesis.tex": b"do not lose"}


def test_a_symbolic_link_in_an_extracted_folder_is_refused(tmp_path):
    folder = tmp_path / "extracted"
    folder.mkdir()
    (folder / "doejane_1001_1_backprop.py").write_text("x = 1\n")
    (folder / "doejane_1001_2_training_loop.py").symlink_to("/etc/passwd")
    process = collect(folder, "canvas", tmp_path / "class")
    assert process.returncode == 2 and "symbolic link" in process.stderr and len(process.stderr.splitlines()) == 1
    assert not (tmp_path / "class").exists()


def test_export_refuses_what_is_not_a_gradebook(graded, tmp_path):
    process = export(graded["class"] / "roster.csv", "canvas", graded["class"] / "roster.csv", tmp_path / "out.csv")
    assert process.returncode == 2 and "has no column total" in process.stderr and len(process.stderr.splitlines()) == 1
    process = export(tmp_path / "missing.csv", "moodle", graded["class"] / "roster.csv", tmp_path / "out.csv")
    assert process.returncode == 2 and "does not exist" in process.stderr and "Traceback" not in process.stderr
    assert not (tmp_path / "out.csv").exists()


def test_export_refuses_a_roster_that_matches_no_graded_student(graded, tmp_path):
    """Another class's roster would give a file of blank grades and exit 0: it is one line and exit 2, nothing written."""
    roster = tmp_path / "roster.csv"
    rows = list(csv.DictReader((graded["class"] / "roster.csv").open()))
    with roster.open("w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "student": "other-" + row["student"]} for row in rows)
    process = export(graded["gradebook"], "canvas", roster, tmp_path / "out.csv")
    assert process.returncode == 2 and len(process.stderr.splitlines()) == 1, process.stderr
    assert "none of the" in process.stderr and "is in" in process.stderr and "Traceback" not in process.stderr
    assert not (tmp_path / "out.csv").exists()


def test_helpers_build_what_the_sources_describe():
    """The test's own downloads follow the documented names (a check on this file, not on collect)."""
    names = sorted(canvas_members())
    assert "latelou_LATE_1003_9015_backprop.py" in names
    assert "Ed Empty_2002_assignsubmission_file_/backprop.py" in moodle_members()
    assert f"{ASSIGNMENT}_jdoe_attempt_{WHEN}.txt" in blackboard_members()
    assert b":submitters:" in gradescope_members()["submission_metadata.yml"]


def test_layout_variants_from_the_sources(tmp_path):
    """Canvas's anonymous names and text entries, Moodle without folders, a Gradescope group, a Blackboard text-only attempt."""
    roster = {}
    downloads = {
        "canvas": {"LATE_anon_x7Kp2_9001_backprop.py": b"a", "anon_Q3zz1_text.html": b"<p>hi</p>", "doejane_1001_text.html": b"<p>t</p>"},
        "moodle": {
            "Jane Doe_2001_assignsubmission_file_backprop.py": b"a",
            "Jane Doe_2001_assignsubmission_onlinetext_onlinetext.html": b"t",
        },
        "gradescope": {
            "submission_3001/backprop.py": b"a",
            "submission_metadata.yml": (
                b"submission_3001:\n  :submitters:\n  - :name: Ann Bee\n    :sid: '1'\n    :email: ann@example.edu\n"
                b"  - :name: Cy Dee\n    :sid: '2'\n    :email: cy@example.edu\n  :created_at: 2026-11-30 10:00:00.000000000 Z\n"
            ),
        },
        "blackboard": {f"HW_jdoe_attempt_{WHEN}.txt": b"Name: Jane Doe (jdoe)\nAssignment: HW\n"},
    }
    for lms, members in downloads.items():
        out = tmp_path / lms
        process = collect(write_zip(tmp_path / f"{lms}.zip", members), lms, out)
        assert process.returncode == 0, process.stderr
        roster[lms] = {row["student"]: row for row in csv.DictReader((out / "roster.csv").open())}
    assert tree(tmp_path / "canvas")["anon-x7kp2/backprop.py"] == b"a" and roster["canvas"]["anon-x7kp2"]["late"] == "yes"
    assert tree(tmp_path / "canvas")["anon-q3zz1/text.html"] == b"<p>hi</p>" and roster["canvas"]["doejane-1001"]["late"] == "no"
    assert sorted(p for p in tree(tmp_path / "moodle") if not p.endswith("/")) == [
        "jane-doe-2001/backprop.py",
        "jane-doe-2001/onlinetext.html",
        "roster.csv",
    ]
    assert tree(tmp_path / "gradescope")["ann-bee-1/backprop.py"] == tree(tmp_path / "gradescope")["cy-dee-2/backprop.py"] == b"a"
    assert roster["gradescope"]["cy-dee-2"]["email"] == "cy@example.edu" and roster["gradescope"]["cy-dee-2"]["submission_id"] == "3001"
    jane = roster["blackboard"]["jane-doe-jdoe"]
    assert (jane["name"], jane["path"], jane["submitted_at"]) == ("Jane Doe", "", WHEN)


# --------------------------------------------------------------------------- issue 24: downloads as the LMS really writes them
# The downloads below are built by tests/lms_downloads.py from the platforms' own naming code (cited there).

ODD = b"# a file of the right name\nx = 1\n"


def roster_rows(class_dir: Path) -> dict[str, dict[str, str]]:
    return {row["student"]: row for row in csv.DictReader((class_dir / "roster.csv").open(encoding="utf-8"))}


def collected_files(class_dir: Path) -> dict[str, dict[str, bytes]]:
    """entry -> {file: bytes} for every student folder (or notebook) in the class folder."""
    found: dict[str, dict[str, bytes]] = {}
    for path in sorted(class_dir.rglob("*")):
        if path.is_file() and path.name != "roster.csv":
            entry, _, name = path.relative_to(class_dir).as_posix().partition("/")
            found.setdefault(entry, {})[name or entry] = path.read_bytes()
    return found


def test_canvas_uuid_renames_reuploads_late_flags_and_anonymous_downloads(tmp_path):
    """Attachment.make_unique_filename (app/models/attachment.rb) names a clash -1 ... -7, then -<uuid>; a re-upload
    keeps the later attachment (content_zipper.rb add_upload_submission: ``_<attachment id>_``), with one warning."""
    students = [
        Student("Ana Uuid", [("training_loop.py", b"ana")], canvas_id="1001", earlier=8),  # training_loop-<uuid>.py
        Student("Ben Again", [("training_loop.py", b"old"), ("training_loop.py", b"new"), ("backprop.py", b"bp")], canvas_id="1002"),
        Student("Cy Late", [("training_loop.py", b"c1"), ("training_loop.py", b"c2")], canvas_id="1003", late=True, earlier=7),
        Student("Di Plain", [("training_loop.py", ODD), ("notes-1.py", b"n")], canvas_id="1004"),
    ]
    members = canvas_download(students)
    assert "uuidana_1001_9001_training_loop-00000000-0000-0000-0000-000000002329.py" in members
    assert "againben_1002_9003_training_loop-1.py" in members and "latecy_LATE_1003_9005_training_loop-7.py" in members
    # the same file under two attachment ids, and a lowercase late flag: the later id wins
    members["plainedd_late_1005_9020_backprop.py"] = b"first"
    members["plainedd_late_1005_9031_backprop.py"] = b"second"
    download = write_download(tmp_path / "canvas.zip", members)
    process = collect(download, "canvas", tmp_path / "class")
    assert process.returncode == 0, process.stderr
    assert process.stderr.splitlines() == [
        "warning: againben-1002 uploaded training_loop.py more than once: kept the later"
        " 'againben_1002_9003_training_loop-1.py', dropped 'againben_1002_9002_training_loop.py'",
        "warning: latecy-1003 uploaded training_loop.py more than once: kept the later"
        " 'latecy_LATE_1003_9006_training_loop-00000000-0000-0000-0000-000000002afe.py',"
        " dropped 'latecy_LATE_1003_9005_training_loop-7.py'",
        "warning: plainedd-1005 uploaded backprop.py more than once: kept the later"
        " 'plainedd_late_1005_9031_backprop.py', dropped 'plainedd_late_1005_9020_backprop.py'",
    ]
    assert collected_files(tmp_path / "class") == {
        "uuidana-1001": {"training_loop.py": b"ana"},
        "againben-1002": {"training_loop.py": b"new", "backprop.py": b"bp"},
        "latecy-1003": {"training_loop.py": b"c2"},
        "plaindi-1004": {"training_loop.py": ODD, "notes-1.py": b"n"},  # not a graded name: kept as it is
        "plainedd-1005": {"backprop.py": b"second"},
    }
    rows = roster_rows(tmp_path / "class")
    assert {entry: row["late"] for entry, row in rows.items()} == {
        "uuidana-1001": "no",
        "againben-1002": "no",
        "latecy-1003": "yes",
        "plaindi-1004": "no",
        "plainedd-1005": "yes",
    }
    assert rows["againben-1002"]["files"] == "againben_1002_9003_training_loop-1.py;againben_1002_9004_backprop.py"

    anonymous = [
        Student("X", [("training_loop.py", b"a1"), ("training_loop.py", b"a2")], anonymous_id="Qz7p1", late=True),
        Student("Y", [("backprop.py", b"b")], anonymous_id="k9WWa", earlier=9),
    ]
    process = collect(write_download(tmp_path / "anon.zip", canvas_download(anonymous, anonymous=True)), "canvas", tmp_path / "anon")
    assert process.returncode == 0, process.stderr
    assert len(process.stderr.splitlines()) == 1 and process.stderr.startswith("warning: anon-qz7p1 uploaded training_loop.py")
    assert collected_files(tmp_path / "anon") == {"anon-qz7p1": {"training_loop.py": b"a2"}, "anon-k9wwa": {"backprop.py": b"b"}}
    assert roster_rows(tmp_path / "anon")["anon-qz7p1"]["late"] == "yes"


def worksheet_csv(path: Path, people: list[tuple[str, str, str]]) -> Path:
    """Moodle's offline grading worksheet of a team assignment, columns as mod/assign/gradingtable.php downloads them."""
    header = "Identifier,Full name,Email address,Status,Group,Grade,Maximum Grade,Grade can be changed,Last modified (submission),"
    header += "Last modified (grade),Feedback comments"
    rows = [header] + [
        f"Participant {ident},{name},{name.split()[0].lower()}@example.edu,Submitted,{group},,100.00,Yes,,-,"
        for ident, name, group in people
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_moodle_team_submissions_are_teams_and_their_grade_goes_to_each_member(tmp_path):
    """downloader.php get_student_prefix names a team submission <group name>_<group id> (Default group: no id);
    the worksheet's Group column (gradingtable.php col_team) maps each member to it."""
    teams = [
        Student("Team_Red", [("training_loop.py", b"red")], moodle_id="42"),  # "_" becomes a space in the download
        Student("Blue & Co", [("backprop.py", b"blue")], moodle_id="43"),
        Student("Default group", [("training_loop.py", b"alone")]),
    ]
    download = write_download(tmp_path / "teams.zip", moodle_download(teams))
    assert "Team Red_42_assignsubmission_file/training_loop.py" in moodle_download(teams)
    process = collect(download, "moodle", tmp_path / "class", "--teams")
    assert process.returncode == 0, process.stderr
    rows = roster_rows(tmp_path / "class")
    assert {entry: (row["name"], row["lms_id"], row["team"], row["team_id"]) for entry, row in rows.items()} == {
        "team-red-42": ("Team Red", "", "Team Red", "42"),
        "blue-co-43": ("Blue  Co", "", "Blue  Co", "43"),
        "default-group": ("Default group", "", "Default group", ""),
    }
    assert collected_files(tmp_path / "class")["team-red-42"] == {"training_loop.py": b"red"}

    gradebook = tmp_path / "gradebook.csv"
    gradebook.write_text("student,total,out_of,status\nteam-red-42,80,100,graded\nblue-co-43,55,100,graded\ndefault-group,10,100,graded\n")
    out = tmp_path / "worksheet-upload.csv"
    process = export(gradebook, "moodle", tmp_path / "class" / "roster.csv", out)
    # without the worksheet no member is known: every team is without a grade, in the one block of missing students
    assert process.returncode == 4 and lines(out) == ["Identifier,Full name,Email address,Grade,Maximum Grade,Last modified (grade)"]
    block = process.stderr.splitlines()
    assert block[0].startswith("warning: 3 student(s) have no grade in") and len(block) == 4, process.stderr
    assert [line[: line.index("':") + 1] for line in block[1:]] == [
        "  blue-co-43: the team 'Blue  Co'",
        "  default-group: the team 'Default group'",
        "  team-red-42: the team 'Team Red'",
    ]
    assert all("give --worksheet" in line for line in block[1:])

    worksheet = worksheet_csv(
        tmp_path / "worksheet.csv",
        [
            ("3001", "Jane Doe", "Team_Red"),
            ("3002", "Ed Empty", "Team_Red"),
            ("3003", "Lou Late", "Blue & Co"),
            ("3004", "Ann Solo", "Default group"),
        ],
    )
    process = export(gradebook, "moodle", tmp_path / "class" / "roster.csv", out, "--worksheet", str(worksheet))
    assert process.returncode == 0 and process.stderr == "", process.stderr
    assert [line[: line.rindex(",")] for line in lines(out)[1:]] == [
        "Participant 3003,Lou Late,lou@example.edu,55,100",
        "Participant 3004,Ann Solo,ann@example.edu,10,100",
        "Participant 3001,Jane Doe,jane@example.edu,80,100",
        "Participant 3002,Ed Empty,ed@example.edu,80,100",
    ]
    assert all(line.endswith("+00:00") for line in lines(out)[1:])  # dated, so Moodle does not skip them
    process = export(gradebook, "canvas", tmp_path / "class" / "roster.csv", out, "--worksheet", str(worksheet))
    assert process.returncode == 2 and process.stderr.startswith("error: --worksheet") and len(process.stderr.splitlines()) == 1


def test_blackboard_usernames_and_assignments_with_underscores(tmp_path):
    """The receipt's Name: Full Name (username) line splits <assignment>_<username>; without receipts, the prefix
    every attempt shares is the assignment (one download is one assignment's column)."""
    students = [
        Student("Jane Doe", [("training_loop.py", b"j")], username="j_doe"),
        Student("Kim Lee", [("backprop.py", b"k")], username="k_lee_2"),
        Student("Sam Plain", [("training_loop.py", b"s")], username="splain"),
    ]
    expected = {
        "jane-doe-j-doe": ("Jane Doe", "j_doe"),
        "kim-lee-k-lee-2": ("Kim Lee", "k_lee_2"),
        "sam-plain-splain": ("Sam Plain", "splain"),
    }
    for assignment in ("HW_3_Training", "HW3"):
        out = tmp_path / f"with-{assignment}"
        process = collect(write_download(tmp_path / f"{assignment}.zip", blackboard_download(students, assignment)), "blackboard", out)
        assert process.returncode == 0, process.stderr
        assert {entry: (row["name"], row["lms_id"]) for entry, row in roster_rows(out).items()} == expected
        assert collected_files(out)["jane-doe-j-doe"] == {"training_loop.py": b"j"}

        bare = [Student(s.name, s.files, username=s.username, receipt=False) for s in students]
        out = tmp_path / f"without-{assignment}"
        process = collect(write_download(tmp_path / f"bare-{assignment}.zip", blackboard_download(bare, assignment)), "blackboard", out)
        assert process.returncode == 0, process.stderr
        assert {entry: row["lms_id"] for entry, row in roster_rows(out).items()} == {
            "j-doe": "j_doe",
            "k-lee-2": "k_lee_2",
            "splain": "splain",
        }
        assert collected_files(out)["k-lee-2"] == {"backprop.py": b"k"}


@pytest.mark.parametrize("encoding", ["utf-8", "cp850", "cp437", "cp1252"])
def test_zip_names_without_the_utf8_flag_are_read_as_the_zipper_wrote_them(encoding, tmp_path):
    """Bit 11 unset (APPNOTE 4.4.4): Info-ZIP writes UTF-8 bytes, Windows' zipper its OEM code page (cp850, cp437).
    Every student comes out with the same name and slug as from a zip with the flag."""
    names = ["José Núñez", "François Lévêque"] + ([] if encoding == "cp437" else ["Ángel Ñúñez"])
    students = [
        Student(name, [("training_loop.py", name.encode())], canvas_id=str(1001 + i), moodle_id=str(2001 + i))
        for i, name in enumerate(names)
    ]
    for lms, members in (("moodle", moodle_download(students)), ("canvas", canvas_download(students))):
        flagged, plain = tmp_path / f"{lms}-flagged", tmp_path / f"{lms}-{encoding}"
        assert collect(write_download(tmp_path / f"{lms}-flagged.zip", members), lms, flagged).returncode == 0
        raw = write_download(tmp_path / f"{lms}-raw.zip", members, encoding=encoding)
        with zipfile.ZipFile(raw) as archive:
            assert not any(info.flag_bits & 0x800 for info in archive.infolist())
        process = collect(raw, lms, plain)
        assert process.returncode == 0, process.stderr
        assert tree(plain) == tree(flagged)
        rows = roster_rows(plain)
        assert len(rows) == len(names) and all(row["path"] for row in rows.values())  # nobody lost, everyone has files
    assert {row["name"] for row in roster_rows(tmp_path / f"moodle-{encoding}").values()} == set(names)
    assert "jose-nunez-2001" in roster_rows(tmp_path / f"moodle-{encoding}")
    assert "nunezjose-1001" in roster_rows(tmp_path / f"canvas-{encoding}")


def test_every_student_of_an_odd_download_is_in_the_roster_with_their_files(tmp_path):
    """Nothing is lost: each student of a Canvas download with every oddity is a roster row with the files kept."""
    students = [
        Student("José Núñez", [("training_loop.py", b"1"), ("backprop.py", b"2")], canvas_id="1001"),
        Student("Ana Uuid", [("backprop.py", b"3")], canvas_id="1002", earlier=8),
        Student("Ben Again", [("training_loop.py", b"4"), ("training_loop.py", b"5")], canvas_id="1003", late=True),
        Student("O'Brien Mary-Jane", [("training_loop.py", b"6")], canvas_id="1004", sortable="O'Brien, Mary-Jane"),
    ]
    class_dir = tmp_path / "class"
    process = collect(write_download(tmp_path / "odd.zip", canvas_download(students), encoding="cp850"), "canvas", class_dir)
    assert process.returncode == 0, process.stderr
    rows, files = roster_rows(class_dir), collected_files(class_dir)
    assert sorted(row["lms_id"] for row in rows.values()) == [s.canvas_id for s in students]
    for student in students:
        entry = next(entry for entry, row in rows.items() if row["lms_id"] == student.canvas_id)
        assert files[entry] == dict(student.files), student.name  # the later of two uploads of one name


# ---------------------------------------------------------------------------------------------------------------
# Each export read as the platform's importer reads it (issue 24). Nothing is uploaded: each parser below follows
# its importer's code, cited function by function, and the tests check what the platform would record.
# ---------------------------------------------------------------------------------------------------------------

# Every kind of gradebook row, out of 105 (a course file that moved the total): two with a grade, four without one.
OUT_OF_105 = [
    ("ada", "105", "graded"),
    ("ben", "80.5", "graded, not handed in: validation"),
    ("cy", "0", "not gradable: backprop.py is not UTF-8 text"),
    ("dee", "0", "not graded: the worker was lost"),
    ("eve", "37", "grader error in 2 test(s)"),
    ("fay", "0", "not handed in"),
]
NO_SUBMISSION = "gus"  # in the roster, not in the gradebook
WITH_GRADE = {"ada": "105", "ben": "80.5"}
WITHOUT_GRADE = {"cy", "dee", "eve", "fay", NO_SUBMISSION}
CANVAS_IDS = {key: str(5000 + number) for number, key in enumerate([*(row[0] for row in OUT_OF_105), NO_SUBMISSION])}


def class_of_every_kind(tmp_path: Path, lms: str) -> tuple[Path, Path]:
    """A gradebook (as grade-class writes it) of :data:`OUT_OF_105` and a roster of ``lms`` with the students' ids."""
    gradebook = tmp_path / "gradebook.csv"
    rows = [f"{key},{total},{total},105,\"{status}\"," for key, total, status in OUT_OF_105]
    gradebook.write_text("\n".join(["student,training_loop,total,out_of,status,needs_look", *rows]) + "\n")
    roster = tmp_path / f"roster-{lms}.csv"
    lines_ = ["student,path,name,lms,lms_id,submission_id,email,sis_id,late,submitted_at,files"]
    for key, canvas_id in CANVAS_IDS.items():
        lines_.append(f"{key},{key}/,{key.title()} Doe,{lms},{canvas_id},,{key}@example.edu,9{canvas_id},,,")
    roster.write_text("\n".join(lines_) + "\n")
    return gradebook, roster


def canvas_import(text: str) -> tuple[dict[str, str], dict[tuple[str, str], dict[str, str]]]:
    """What Canvas's gradebook import reads: (points possible per assignment, {how the student was found: grades}).

    instructure/canvas-lms ``app/models/gradebook_importer.rb``: ``csv_stream`` (``CSV.foreach``, blank lines skipped);
    ``header?`` (``row.length > 3``, ``row[0] =~ /Student/``, ``row[1] =~ /ID/``; ``update_column_count``: ``SIS User ID``
    and ``SIS Login ID`` in the third and fourth cells make 5 student columns; the last of them must match /Section/);
    ``strip_non_assignment_columns``; ``check_for_non_student_row`` (a first cell matching /Points Possible/ is
    ``process_pp``, an all-blank or "Muted" row is skipped); ``process_student`` (the user id in ``row[1]``, then the SIS
    user id, then the name); ``process_submissions`` (the cell under each assignment, as text).
    """
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip(" ;,") for cell in row)]
    header = rows[0]
    assert len(header) > 3 and re.search("Student", header[0]) and re.search("ID", header[1]), header
    student_columns, sis_user = 3, None
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        student_columns += 1
    elif re.search(r"SIS\s+User\s+ID", header[2]) and re.search(r"SIS\s+Login\s+ID", header[3]):
        sis_user, student_columns = 2, student_columns + 2
        if re.search(r"Root\s+Account", header[4]):
            student_columns += 1
    assert re.search("Section", header[student_columns - 1]), "Canvas: Invalid header row"
    assignments = header[student_columns:]
    while assignments and re.search("Current Score|Current Points|Current Grade|Final Score|Final Points|Final Grade", assignments[-1]):
        assignments.pop()
    points, students = {}, {}
    for row in rows[1:]:
        if re.search("Points Possible", row[0]):
            points = dict(zip(assignments, row[student_columns:]))
            continue
        if all(re.fullmatch(r"(Muted|)", cell.strip(), re.IGNORECASE) for cell in row):
            continue
        found = ("id", row[1]) if row[1] else ("sis", row[sis_user]) if sis_user is not None and row[sis_user] else ("name", row[0])
        students[found] = dict(zip(assignments, row[student_columns:]))
    return points, students


def strtotime(text: str) -> int | bool:
    """PHP's ``strtotime`` for what a worksheet may hold: ``false`` for an empty cell; an ISO 8601 date with its UTC
    offset (PHP's "ISO8601"/"ATOM" compound formats) as seconds since 1970. Any other form fails this test."""
    if not text.strip():
        return False
    when = datetime.fromisoformat(text)
    assert when.tzinfo is not None, f"{text!r} has no UTC offset: strtotime would read it in the server's time zone"
    return int(when.timestamp())


def moodle_import(text: str, earlier: dict[str, tuple[float, int]], maximum: float, ignore_modified: bool = False) -> dict[str, float]:
    """The grades Moodle's "Upload grading worksheet" records: participant id -> grade; ``earlier``: participant id ->
    (grade, timemodified) already in Moodle; ``maximum``: the assignment's maximum grade.

    moodle/moodle ``mod/assign/feedback/offline/importgradeslib.php``: ``init`` finds the columns named exactly
    ``get_string('grade')`` ("Grade"), ``get_string('recordid', 'assign')`` ("Identifier") and
    ``get_string('lastmodifiedgrade', 'assign')`` ("Last modified (grade)"), and fails without all three; ``next``
    takes the id after ``get_string('hiddenuser', 'assign')`` ("Participant ") and ``strtotime`` of the date.
    ``locallib.php``, ``process_import_grades``: ``unformat_float``; skipped when the grade is the same, when it is
    empty or negative, when not ``ignoremodified`` and ``$usergrade->timemodified > ($modified + 60)``, and when it is
    above the assignment's grade.
    """
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert {"Grade", "Identifier", "Last modified (grade)"} <= set(header), "Moodle: invalidgradeimport"
    grade_at, id_at, modified_at = header.index("Grade"), header.index("Identifier"), header.index("Last modified (grade)")
    recorded = {}
    for row in rows[1:]:
        participant = row[id_at][len("Participant ") :]
        grade_text, modified = row[grade_at].strip(), strtotime(row[modified_at])
        old = earlier.get(participant)
        stale = old is not None and old[1] > int(modified) + 60  # PHP: false + 60 is 60
        grade = float(grade_text) if grade_text else None
        if old is not None and grade == old[0]:
            continue
        if grade is None or grade < 0 or (not ignore_modified and stale) or grade > maximum:
            continue
        recorded[participant] = grade
    return recorded


def gradescope_import(text: str) -> tuple[dict[str, str], set[str]]:
    """{SID (else email): Total Score} and the Max Points stated, read by the column names of Gradescope's own
    "Download Grades" CSV (``Name``/``First Name``, ``SID``, ``Email``, ``Total Score``, ``Max Points``); Gradescope's
    upload code is not public, so this is the format as its exports write it."""
    rows = list(csv.DictReader(io.StringIO(text)))
    return {row["SID"] or row["Email"]: row["Total Score"] for row in rows}, {row["Max Points"] for row in rows}


def warning_block(stderr: str) -> dict[str, str]:
    """The one warning block naming the students without a grade: student -> reason (and nothing else like it)."""
    found = stderr.splitlines()
    headers = [number for number, line in enumerate(found) if "have no grade in" in line]
    assert len(headers) == 1, stderr
    block = found[headers[0] + 1 :]
    assert all(line.startswith("  ") for line in block), stderr
    return dict(line.strip().split(": ", 1) for line in block)


def test_canvas_reads_every_graded_total_out_of_the_graded_maximum_and_no_grade_for_the_others(tmp_path):
    gradebook, roster = class_of_every_kind(tmp_path, "canvas")
    for extra, possible, expected in ((), "105", WITH_GRADE), (("--points", "100"), "100", {"ada": "100", "ben": "76.67"}):
        out = tmp_path / "canvas.csv"
        process = export(gradebook, "canvas", roster, out, "--assignment", ASSIGNMENT, "--missing", "zero", *extra)
        assert process.returncode == 4 and out.is_file(), process.stderr  # written, and the exit code says someone has no grade
        points, students = canvas_import(out.read_text())
        assert points == {ASSIGNMENT: possible}
        assert set(students) == {("id", canvas_id) for canvas_id in CANVAS_IDS.values()}  # every one found by their Canvas id
        got = {key: students[("id", canvas_id)][ASSIGNMENT] for key, canvas_id in CANVAS_IDS.items()}
        assert {key: grade for key, grade in got.items() if grade != "" and key != NO_SUBMISSION} == expected
        # --missing zero is for no submission at all: the four in the gradebook without a grade stay empty, never 0
        assert got[NO_SUBMISSION] == "0" and all(got[key] == "" for key in WITHOUT_GRADE - {NO_SUBMISSION})
        assert warning_block(process.stderr) == {status_key: status for status_key, _, status in OUT_OF_105 if status_key in WITHOUT_GRADE}
        assert ("note: totals rescaled from 105 to 100 points" in process.stderr) == bool(extra)
    allowed = export(gradebook, "canvas", roster, tmp_path / "allowed.csv", "--allow-missing")
    assert allowed.returncode == 0 and set(warning_block(allowed.stderr)) == WITHOUT_GRADE, allowed.stderr


def test_moodle_records_each_grade_even_over_an_earlier_upload_and_needs_the_assignments_maximum(tmp_path):
    gradebook, roster = class_of_every_kind(tmp_path, "moodle")
    out = tmp_path / "worksheet.csv"
    refused = export(gradebook, "moodle", roster, out)
    assert refused.returncode == 2 and len(refused.stderr.splitlines()) == 1 and "--points" in refused.stderr, refused.stderr
    assert not out.exists()  # out of 105, Moodle would skip 105 and read 80.5 out of its own 100
    earlier_upload = int(time.time()) - 1  # the first, wrong upload, a moment before this export: a grade for everyone
    earlier = {CANVAS_IDS[key]: (50.0, earlier_upload) for key in CANVAS_IDS}
    process = export(gradebook, "moodle", roster, out, "--points", "100")
    assert process.returncode == 4, process.stderr
    recorded = moodle_import(out.read_text(), earlier, maximum=100)
    assert recorded == {CANVAS_IDS["ada"]: 100.0, CANVAS_IDS["ben"]: 76.67}  # the others' earlier grades are left alone
    assert {row[4] for row in list(csv.reader(out.open()))[1:]} == {"100"}
    # a grade changed by hand in Moodle after the export is still protected, as Moodle means it to be
    edited_later = {CANVAS_IDS["ada"]: (50.0, int(time.time()) + 3600)}
    assert moodle_import(out.read_text(), edited_later, maximum=100) == {CANVAS_IDS["ben"]: 76.67}
    # the worksheet without a date (as export wrote it before): every student with an earlier grade is skipped
    header, *rows = csv.reader(out.open())
    undated = "\n".join(",".join(row) for row in [header, *([*row[:-1], ""] for row in rows)])
    assert moodle_import(undated, earlier, maximum=100) == {}


def test_gradescope_reads_the_totals_and_the_maximum(tmp_path):
    gradebook, roster = class_of_every_kind(tmp_path, "gradescope")
    out = tmp_path / "scores.csv"
    process = export(gradebook, "gradescope", roster, out)
    assert process.returncode == 4, process.stderr
    scores, maxima = gradescope_import(out.read_text())
    assert maxima == {"105"}
    assert {sid: score for sid, score in scores.items() if score} == {f"9{CANVAS_IDS[key]}": total for key, total in WITH_GRADE.items()}
    assert set(warning_block(process.stderr)) == WITHOUT_GRADE
    plain = tmp_path / "plain.csv"
    assert export(gradebook, "csv", roster, plain).returncode == 4
    table = {row["student"]: row for row in csv.DictReader(plain.open())}
    assert {key: row["total"] for key, row in table.items() if row["total"]} == WITH_GRADE
    assert {row["out_of"] for row in table.values()} == {"105"} and table["cy"]["training_loop"] == ""


def test_a_course_that_moves_the_total_is_what_every_export_states(tmp_path):
    """Issue 24: after a course file moved the total to 105, export without --course wrote Points Possible 100."""
    klass = tmp_path / "class"
    (klass / "ada").mkdir(parents=True)
    for source in (ROOT / "solutions").glob("*.py"):
        (klass / "ada" / source.name).write_bytes(source.read_bytes())
    course = tmp_path / "course.toml"
    course.write_text('[tests."training_loop.trainer: loss per epoch matches the reference"]\npoints = 8\n')  # 3 + 5: 105 in all
    graded_dir = tmp_path / "graded"
    process = run_cli("grade-class", str(klass), "--out", str(graded_dir), "--no-reports", "--workers", "1", "--course", str(course))
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
    (row,) = csv.DictReader((graded_dir / "gradebook.csv").open())
    assert (row["total"], row["out_of"]) == ("105", "105")
    roster = tmp_path / "roster.csv"
    roster.write_text("student,path,name,lms,lms_id,submission_id,email,sis_id,late,submitted_at,files\nada,ada/,Ada,canvas,7,,,,,,\n")
    out = tmp_path / "canvas.csv"
    process = export(graded_dir / "gradebook.csv", "canvas", roster, out)  # no --course: the gradebook knows
    assert process.returncode == 0 and process.stderr == "", process.stderr
    assert canvas_import(out.read_text()) == ({"Training Neural Networks": "105"}, {("id", "7"): {"Training Neural Networks": "105"}})
    other = tmp_path / "other.toml"
    other.write_text("")
    process = export(graded_dir / "gradebook.csv", "canvas", roster, tmp_path / "other.csv", "--course", str(other))
    assert process.returncode == 2 and len(process.stderr.splitlines()) == 1, process.stderr
    assert "graded out of 105 points, but the course file" in process.stderr and not (tmp_path / "other.csv").exists()
    assert export(graded_dir / "gradebook.csv", "canvas", roster, out, "--course", str(course)).returncode == 0


def test_an_older_gradebook_without_its_maximum_is_out_of_the_course_s_with_a_note(tmp_path):
    gradebook = tmp_path / "gradebook.csv"
    gradebook.write_text("student,training_loop,total,status\nada,12,12,graded\n")
    roster = tmp_path / "roster.csv"
    roster.write_text("student,path,name,lms,lms_id,submission_id,email,sis_id,late,submitted_at,files\nada,ada/,Ada,canvas,7,,,,,,\n")
    out = tmp_path / "canvas.csv"
    process = export(gradebook, "canvas", roster, out)
    assert process.returncode == 0 and process.stderr.startswith("note: ") and "does not say what its totals are out of" in process.stderr
    assert canvas_import(out.read_text())[0] == {"Training Neural Networks": "12"}  # training_loop's 12 points, the one part column
    gradebook.write_text("student,training_loop,total,status\nada,17,17,graded\n")  # graded under a course that moved it
    process = export(gradebook, "canvas", roster, tmp_path / "over.csv")
    assert process.returncode == 2 and "is not within 0 to 12" in process.stderr and "--course" in process.stderr, process.stderr


TEAM_ROSTER = "student,path,name,lms,lms_id,submission_id,email,sis_id,late,submitted_at,files,team,team_id\n"


def test_moodle_worksheet_participants_without_a_team_row_are_named_and_take_missing_zero(tmp_path):
    """Issue 24 walkthrough: a worksheet participant whose group handed nothing in, or whose group's name does not
    match (R&amp;D), was in no row and no warning. Each is now named in the one block and has a row (blank, which
    Moodle's process_import_grades skips, or 0 with --missing zero when no team's members are unknown)."""
    gradebook = tmp_path / "gradebook.csv"
    gradebook.write_text("student,total,out_of,status\nteam-red-42,80,100,graded\nrd-44,60,100,graded\n")
    roster = tmp_path / "roster.csv"
    roster.write_text(TEAM_ROSTER + "team-red-42,team-red-42/,Team Red,moodle,,,,,,,,Team Red,42\nrd-44,rd-44/,RD,moodle,,,,,,,,RD,44\n")
    worksheet = worksheet_csv(
        tmp_path / "worksheet.csv",
        [("3001", "Jane Doe", "Team_Red"), ("3005", "Zed Nobody", "Team Green"), ("3006", "Rita Amp", "R&amp;D")],
    )
    out = tmp_path / "upload.csv"
    for extra in ((), ("--missing", "zero")):
        process = export(gradebook, "moodle", roster, out, "--worksheet", str(worksheet), *extra)
        assert process.returncode == 4, process.stderr
        block = warning_block(process.stderr)
        assert set(block) == {"rd-44", "Zed Nobody, Participant 3005", "Rita Amp, Participant 3006"}, block
        assert block["Zed Nobody, Participant 3005"].startswith(
            "in Moodle's worksheet (group 'Team Green'), but no submission of theirs or their group's was collected"
        )
        # the R&amp;D team may be Rita's: no 0 for anyone while a team's members are unknown
        assert ("(not 0: rd-44 has no members found, and may be theirs)" in block["Rita Amp, Participant 3006"]) == bool(extra)
        rows = {row[0]: row[3] for row in list(csv.reader(out.open()))[1:]}
        assert rows == {"Participant 3001": "80", "Participant 3005": "", "Participant 3006": ""}
        assert moodle_import(out.read_text(), {}, maximum=100) == {"3001": 80.0}

    # every team matched: the participant whose group handed nothing in gets 0 with --missing zero, and Moodle takes it
    roster.write_text(TEAM_ROSTER + "team-red-42,team-red-42/,Team Red,moodle,,,,,,,,Team Red,42\n")
    worksheet_csv(worksheet, [("3001", "Jane Doe", "Team_Red"), ("3005", "Zed Nobody", "Team Green")])
    process = export(gradebook, "moodle", roster, out, "--worksheet", str(worksheet), "--missing", "zero")
    assert process.returncode == 0 and "have no grade" not in process.stderr, process.stderr
    assert moodle_import(out.read_text(), {}, maximum=100) == {"3001": 80.0, "3005": 0.0}
    process = export(gradebook, "moodle", roster, out, "--worksheet", str(worksheet))
    assert process.returncode == 4 and set(warning_block(process.stderr)) == {"Zed Nobody, Participant 3005"}
    allowed = export(gradebook, "moodle", roster, out, "--worksheet", str(worksheet), "--allow-missing")
    assert allowed.returncode == 0 and set(warning_block(allowed.stderr)) == {"Zed Nobody, Participant 3005"}


def test_a_moodle_export_of_a_roster_without_participant_ids_is_refused(tmp_path):
    """A Canvas roster exported --to moodle wrote every row without an Identifier (Moodle skips them all) and exit 0."""
    gradebook, roster = class_of_every_kind(tmp_path, "canvas")
    out = tmp_path / "worksheet.csv"
    process = export(gradebook, "moodle", roster, out, "--points", "100")
    assert process.returncode == 2 and len(process.stderr.splitlines()) == 1, process.stderr
    assert process.stderr.startswith("error: ") and "holds no Moodle participant id" in process.stderr
    assert "collect --from moodle" in process.stderr and not out.exists()
    # a Moodle roster with one row lacking its id keeps the row's own warning
    moodle_roster = tmp_path / "roster-moodle.csv"
    moodle_roster.write_text(roster.read_text().replace(",canvas,", ",moodle,").replace(",moodle,5000,", ",moodle,,"))
    process = export(gradebook, "moodle", moodle_roster, out, "--points", "100", "--allow-missing")
    assert process.returncode == 0, process.stderr
    assert "warning: ada has no Moodle participant id: Moodle will skip this row" in process.stderr


def test_a_canvas_export_of_an_anonymous_download_is_refused_and_csv_keeps_the_anonymous_ids(tmp_path):
    """gradebook_importer.rb process_student matches a user id, SIS id or name, never an anonymous id; the export used
    to warn that Canvas would match the name 'anon_...'."""
    gradebook = tmp_path / "gradebook.csv"
    gradebook.write_text("student,total,out_of,status\nanon-qz7p1,90,100,graded\n")
    roster = tmp_path / "roster.csv"
    roster.write_text(TEAM_ROSTER + "anon-qz7p1,anon-qz7p1/,anon_Qz7p1,canvas,anon_Qz7p1,,,,no,,,,\n")
    out = tmp_path / "canvas.csv"
    process = export(gradebook, "canvas", roster, out)
    assert process.returncode == 2 and len(process.stderr.splitlines()) == 1 and not out.exists(), process.stderr
    assert "is an anonymous Canvas download (anon-qz7p1)" in process.stderr and "SpeedGrader" in process.stderr
    plain = tmp_path / "plain.csv"
    assert export(gradebook, "csv", roster, plain).returncode == 0
    assert [(row["lms_id"], row["total"]) for row in csv.DictReader(plain.open())] == [("anon_Qz7p1", "90")]


def test_the_csv_export_has_the_graded_parts_only_on_the_stated_scale(tmp_path):
    """After grade-class --part backprop, the csv export listed every part (empty) and, under --points 7.5, backprop 30
    beside a total of 7.5."""
    gradebook = tmp_path / "gradebook.csv"
    gradebook.write_text("student,backprop,total,out_of,status,needs_look\nada,30,30,30,graded,\nben,12,12,30,graded,\n")
    roster = tmp_path / "roster.csv"
    roster.write_text(TEAM_ROSTER + "ada,ada/,Ada,canvas,7,,,,,,,,\nben,ben/,Ben,canvas,8,,,,,,,,\n")
    out = tmp_path / "plain.csv"
    for extra, expected in (((), [("30", "30", "30"), ("12", "12", "30")]), (("--points", "7.5"), [("7.5", "7.5", "7.5"), ("3", "3", "7.5")])):
        process = export(gradebook, "csv", roster, out, *extra)
        assert process.returncode == 0, process.stderr
        table = list(csv.DictReader(out.open()))
        assert list(table[0]) == ["student", "name", "lms", "lms_id", "email", "sis_id", "late", "backprop", "total", "out_of", "status"]
        assert [(row["backprop"], row["total"], row["out_of"]) for row in table] == expected


def test_groups_that_read_alike_in_the_download_give_their_grade_to_nobody():
    """Lab 1, Lab_1 and Lab: 1 are three Moodle groups, one folder name in the download: no member gets a guess."""
    from autograder.lms.export import team_members

    worksheet = [
        {"Identifier": f"Participant {n}", "Full name": f"P{n}", "Group": group} for n, group in enumerate(["Lab 1", "Lab_1", "Lab: 1"], 1)
    ]
    people, why = team_members({"team": "Lab 1"}, worksheet)
    assert people == [] and "'Lab 1', 'Lab: 1', 'Lab_1'" in why, why
    assert team_members({"team": "Lab 1"}, worksheet[:1]) == ([("Participant 1", "P1", "")], "")


def test_a_course_of_fractional_points_agrees_with_its_own_gradebook(tmp_path):
    """most_points sums floats (0.1 per test is not exactly its text); the gradebook writes it with :g: still equal."""
    from autograder.course.config import Course, TestSetting
    from autograder.graders.catalog import all_tests, most_points
    from autograder.lms.export import graded_maximum

    names = [t.name for t in all_tests(Course())]
    courses = [Course(source=tmp_path / "course.toml", tests={name: TestSetting(points, None) for name in names}) for points in (0.1, 1.1, 0.3, 0.7)]
    course = next(c for c in courses if f"{most_points(c):g}" != repr(most_points(c)))  # the sum's float is not its text
    maximum = most_points(course)
    gradebook = {"ann": {"student": "ann", "total": "1", "out_of": f"{maximum:g}", "status": "graded"}}
    assert graded_maximum(gradebook, tmp_path / "gradebook.csv", course, course_given=True) == (float(f"{maximum:g}"), [])
