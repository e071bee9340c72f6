"""Write a ``grade-class`` gradebook in an LMS's grade import format.

    python -m autograder export GRADEBOOK --to canvas|moodle|gradescope|csv --roster roster.csv --out FILE
        [--assignment NAME] [--missing empty|zero] [--worksheet WORKSHEET.csv]

Reads ``OUT/gradebook.csv`` (``student, <part points>..., total, status``) and the ``roster.csv`` that
``collect`` wrote, and writes one row per student of the roster, in the roster's order. A student of the
roster without a graded submission gets an empty grade (``--missing empty``, the default; Moodle's worksheet
upload skips it) or 0 (``--missing zero``). A student graded but absent from the roster is named on stderr,
one line each, and left out. Grades are the gradebook's totals, out of the assigned parts' points (100 without a course file).

The formats, and where each was read (see docs/instructors/lms.md, "From the LMS and back"):

- canvas: ``Student,ID,SIS User ID,SIS Login ID,Section,<assignment>``, then ``Points Possible,,,,,100``, then
  one row per student. Canvas's importer (instructure/canvas-lms ``app/models/gradebook_importer.rb``) needs
  a header whose first cells contain ``Student`` and ``ID`` and a ``Section`` column before the assignments;
  it finds the student by ``ID`` (the Canvas user id, from a Canvas download), then ``SIS User ID``, then
  ``SIS Login ID``, then the name; it finds the assignment by ``Name (id)`` or by its exact title and
  otherwise creates one, whose points come from the row whose first cell contains ``Points Possible``.
- moodle: the assignment's offline grading worksheet, ``Identifier,Full name,Email address,Grade,Maximum
  Grade,Last modified (grade)``, with ``Participant <id>`` as identifier. Moodle's "Upload grading worksheet"
  (moodle/moodle ``mod/assign/feedback/offline/importgradeslib.php`` and ``locallib.php``) finds the columns
  ``Identifier``, ``Grade`` and ``Last modified (grade)`` by these English names, reads the participant id
  after ``Participant ``, and skips empty grades. The participant id comes from a Moodle download's folder
  names. A team (``collect --teams``) is one row per member, found with ``--worksheet`` (see ``team_members``);
  without it the team is left out with a warning.
- gradescope: ``Name,SID,Email,Total Score``: the identifying column names of Gradescope's own grade exports
  (read by third-party tools; Gradescope's upload page was not available to confirm what it maps).
- csv: everything we know, ``student,name,lms,lms_id,email,sis_id,late,<parts>,total,status``.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

from autograder.api import GRADED_MODULES
from autograder.course.config import Course
from autograder.gradebook import PARTIAL
from autograder.graders.catalog import most_points
from autograder.judge.results import write_atomic

FORMATS = ("canvas", "moodle", "gradescope", "csv")




DEFAULT_ASSIGNMENT = "Training Neural Networks"
GRADEBOOK_COLUMNS = ("student", "total", "status")
ROSTER_COLUMNS = ("student", "name", "lms", "lms_id", "email", "sis_id", "late")
WORKSHEET_GROUP = "Group"  # the worksheet's team column (mod/assign/lang/en/assign.php 'submissionteam')
WORKSHEET_COLUMNS = ("Identifier", "Full name", WORKSHEET_GROUP)


class ExportError(Exception):
    """An input we cannot export from; the message is one line in the reader's terms, with what to try."""


def read_csv(path: Path, needed: tuple[str, ...], what: str) -> list[dict[str, str]]:
    """The rows of a CSV file that must have the columns ``needed``; an :class:`ExportError` otherwise."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ExportError(f"{path} does not exist: give the {what}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ExportError(f"{path} cannot be read as the {what} ({' '.join(str(error).split())})") from None
    try:
        reader = csv.DictReader(io.StringIO(text))
        rows = list(reader)
    except csv.Error as error:
        raise ExportError(f"{path} is not a readable CSV file ({error})") from None
    missing = [column for column in needed if column not in (reader.fieldnames or [])]
    if missing:
        raise ExportError(f"{path} has no column {', '.join(missing)}: is it the {what}?")
    return rows


def grade_of(row: dict[str, str] | None, missing: str) -> str:
    """The grade to export: the gradebook's total, or the ``--missing`` value when there is none."""
    if row is None or row["status"].startswith("not graded"):
        return "0" if missing == "zero" else ""
    return row["total"]


def export_rows(
    fmt: str,
    gradebook: dict[str, dict[str, str]],
    roster: list[dict[str, str]],
    assignment: str,
    missing: str,
    points_possible: float,
    worksheet: list[dict[str, str]] | None = None,
) -> tuple[list[list[str]], list[str]]:
    """The rows of the file (header first) and the warnings, one line each; ``points_possible`` is the most a student can score.

    ``worksheet``: the rows of Moodle's offline grading worksheet, which name a team's members (see :func:`team_members`).

    Example: ``export_rows("gradescope", {"jane-doe-1": {"total": "100", ...}}, [{"student": "jane-doe-1", "name": "Jane
    Doe", "sis_id": "1", ...}], "HW", "empty", 100)`` gives ``[["Name", "SID", "Email", "Total Score"], ["Jane Doe", "1", "", "100"]]``.
    """
    warnings = []
    listed = {row["student"] for row in roster}
    for student in gradebook:
        if student not in listed:
            warnings.append(f"warning: {student} is in the gradebook but not in the roster: left out")
    for row in roster:
        graded = gradebook.get(row["student"])
        # a partial hand-in is a grade like any other; a grading failure or a flag is worth a look before the upload
        if graded is not None and graded["status"] != "graded" and not graded["status"].startswith(PARTIAL):
            warnings.append(f"warning: {row['student']}: {graded['status']}")
        if graded is not None and graded.get("needs_look"):
            warnings.append(f"warning: {row['student']} needs a look: {graded['needs_look']}")
    if fmt == "canvas":
        rows = [
            ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment],
            ["Points Possible", "", "", "", "", f"{points_possible:g}"],
        ]
        for row in roster:
            canvas_id = row["lms_id"] if row["lms"] == "canvas" and row["lms_id"].isdigit() else ""
            if not canvas_id and not row["sis_id"]:
                warnings.append(f"warning: {row['student']} has no Canvas user id or SIS id: Canvas will match the name {row['name']!r}")
            rows.append([row["name"], canvas_id, row["sis_id"], "", "", grade_of(graded_row(gradebook, row), missing)])
    elif fmt == "moodle":
        rows = [["Identifier", "Full name", "Email address", "Grade", "Maximum Grade", "Last modified (grade)"]]
        for row in roster:
            if row.get("team"):
                people, why = team_members(row, worksheet)
                if why:
                    warnings.append(f"warning: {row['student']} is the team {row['team']!r}: {why}; left out (missing)")
            else:
                participant = f"Participant {row['lms_id']}" if row["lms"] == "moodle" and row["lms_id"].isdigit() else ""
                if not participant:
                    warnings.append(f"warning: {row['student']} has no Moodle participant id: Moodle will skip this row")
                people = [(participant, row["name"], row["email"])]
            for participant, name, email in people:
                rows.append([participant, name, email, grade_of(graded_row(gradebook, row), missing), f"{points_possible:g}", ""])
    elif fmt == "gradescope":
        rows = [["Name", "SID", "Email", "Total Score"]]
        for row in roster:
            if not row["sis_id"] and not row["email"]:
                warnings.append(f"warning: {row['student']} has no SID or email: Gradescope can only match the name {row['name']!r}")
            rows.append([row["name"], row["sis_id"], row["email"], grade_of(graded_row(gradebook, row), missing)])
    elif fmt == "csv":
        rows = [["student", "name", "lms", "lms_id", "email", "sis_id", "late", *GRADED_MODULES, "total", "status"]]
        for row in roster:
            graded = graded_row(gradebook, row)
            parts = [graded.get(module, "") if graded else "" for module in GRADED_MODULES]
            status = graded["status"] if graded else "no submission"
            rows.append(
                [
                    row["student"],
                    row["name"],
                    row["lms"],
                    row["lms_id"],
                    row["email"],
                    row["sis_id"],
                    row["late"],
                    *parts,
                    grade_of(graded, missing),
                    status,
                ]
            )
    else:
        raise ExportError(f"unknown --to {fmt!r}: choose one of {', '.join(FORMATS)}")
    return rows, warnings


def team_name(text: str) -> str:
    """A Moodle group's name as the download's folder shows it: ``_`` made a space (``get_student_prefix``) and what
    ``clean_filename`` (``clean_param`` with ``PARAM_FILE``: control characters and ``&<>"`|':\\/``) drops removed."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f&<>\"`|':\\/]", "", text.replace("_", " ")).split())


def team_members(roster_row: dict[str, str], worksheet: list[dict[str, str]] | None) -> tuple[list[tuple[str, str, str]], str]:
    """The members of a roster row's team as ``(identifier, full name, email)``, from Moodle's grading worksheet.

    Moodle's download names a team submission's folder by the group (moodle/moodle mod/assign/classes/downloader.php,
    ``get_student_prefix``) and lists no members; the assignment's offline grading worksheet has one row per student
    with the ``Group`` column (mod/assign/gradingtable.php: ``team``, headed ``submissionteam``, "Group", filled by
    ``col_team`` with the group's name, or "Default group"). Group names are unique in a Moodle course. Returns the
    members, and "" or why there are none (no worksheet, no such group). Example: the team ``Team Red`` and a
    worksheet row ``Participant 2001,Jane Doe,...,Team Red`` give ``[("Participant 2001", "Jane Doe", ...)]``.
    """
    if worksheet is None:
        return [], "Moodle's download does not name its members: give --worksheet (the assignment's offline grading worksheet)"
    wanted = team_name(roster_row["team"])
    people = [
        (row["Identifier"], row["Full name"], row.get("Email address", "") or "")
        for row in worksheet
        if team_name(row.get(WORKSHEET_GROUP) or "") == wanted and row["Identifier"].startswith("Participant ")
    ]
    return people, "" if people else f"no row of the worksheet has {WORKSHEET_GROUP} {roster_row['team']!r}"


def graded_row(gradebook: dict[str, dict[str, str]], roster_row: dict[str, str]) -> dict[str, str] | None:
    """The gradebook's row for a roster row's student, or None when that student was not graded."""
    return gradebook.get(roster_row["student"])


def export(
    gradebook_path: Path,
    fmt: str,
    roster_path: Path,
    out: Path,
    course: Course,
    assignment: str = DEFAULT_ASSIGNMENT,
    missing: str = "empty",
    worksheet_path: Path | None = None,
) -> list[str]:
    """Write ``out`` in the format ``fmt`` from the gradebook and the roster, out of ``course``'s points; returns the
    warnings (one line each).

    Example: ``export(Path("graded/gradebook.csv"), "canvas", Path("class/roster.csv"), Path("canvas.csv"), Course())``.
    """
    gradebook = {row["student"]: row for row in read_csv(gradebook_path, GRADEBOOK_COLUMNS, "gradebook.csv that grade-class wrote")}
    roster = read_csv(roster_path, ROSTER_COLUMNS, "roster.csv that collect wrote")
    if worksheet_path is not None and fmt != "moodle":
        raise ExportError("--worksheet is Moodle's offline grading worksheet: it goes with --to moodle")
    worksheet = None if worksheet_path is None else read_csv(worksheet_path, WORKSHEET_COLUMNS, "grading worksheet from Moodle")
    if gradebook and roster and all(graded_row(gradebook, row) is None for row in roster):
        # Every grade would be blank: the roster is another class's (or the gradebook another assignment's).
        raise ExportError(
            f"none of the {len(gradebook)} students of {gradebook_path} is in {roster_path}: give the roster.csv that collect "
            "wrote for this class (its student column holds the names of the class's folders)"
        )
    rows, warnings = export_rows(fmt, gradebook, roster, assignment, missing, most_points(course), worksheet)
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    write_atomic(out, text.getvalue())
    return warnings


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("gradebook", metavar="GRADEBOOK", help="the gradebook.csv that grade-class wrote")
    parser.add_argument("--to", dest="fmt", required=True, choices=FORMATS, help="the LMS's grade import format (csv: a plain table)")
    parser.add_argument("--roster", required=True, help="the roster.csv that collect wrote into the class folder")
    parser.add_argument("--out", required=True, metavar="FILE", help="the CSV file to write")
    parser.add_argument("--assignment", default=DEFAULT_ASSIGNMENT, help="the assignment's column name in Canvas (its title, or 'Title (id)')")
    parser.add_argument("--missing", choices=("empty", "zero"), default="empty", help="grade of a student without submission (default: empty)")
    parser.add_argument(
        "--worksheet",
        metavar="WORKSHEET.csv",
        help="Moodle team assignments: the offline grading worksheet downloaded from Moodle, whose Group column names each team's members",
    )


def main(args: argparse.Namespace, course: Course) -> int:
    """Run ``export`` under ``course``: 0 when the file is written (warnings on stderr), 2 with one line on stderr otherwise."""
    try:
        worksheet = Path(args.worksheet) if args.worksheet else None
        warnings = export(
            Path(args.gradebook), args.fmt, Path(args.roster), Path(args.out), course, args.assignment, args.missing, worksheet
        )
    except ExportError as error:
        print(f"error: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error.filename or args.out}: {error.strerror or error}", file=sys.stderr)
        return 2
    for line in warnings:
        print(line, file=sys.stderr)
    print(f"wrote {args.fmt} grades to {args.out}")
    return 0
