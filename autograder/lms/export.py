"""Write a ``grade-class`` gradebook in an LMS's grade import format.

    python -m autograder export GRADEBOOK --to canvas|moodle|gradescope|csv --roster roster.csv --out FILE
        [--assignment NAME] [--missing empty|zero] [--points N] [--allow-missing] [--worksheet WORKSHEET.csv]

Reads ``OUT/gradebook.csv`` (``student, <part points>..., total, out_of, status, needs_look``) and the
``roster.csv`` that ``collect`` wrote, and writes one row per student of the roster, in the roster's order.
No grade is invented or dropped:

- A student graded (``graded``, or a partial hand-in) gets the gradebook's total. Anyone else in the gradebook
  (not gradable, a lost worker, a grader error, nothing handed in) gets an empty grade, never 0, whatever
  ``--missing`` says; so does a roster student without a submission, unless ``--missing zero`` gives them 0.
  Every student left empty is named in one warning block on stderr, and the exit code is 4
  (:data:`~autograder.errors.MISSING_EXIT`) unless ``--allow-missing``; the file is written either way.
- Points possible are the gradebook's own maximum (its ``out_of`` column: grade-class writes the maximum of the
  course file it graded under); ``--course`` must agree with it. ``--points N`` rescales every total to N
  (``total * N / maximum``, rounded half up to 2 decimals) and says so on stderr. A gradebook without ``out_of``
  (an older grade-class) is out of the course's maximum for its part columns, with a note.

The formats, and where each was read (see docs/instructors/lms.md, "From the LMS and back"):

- canvas: ``Student,ID,SIS User ID,SIS Login ID,Section,<assignment>``, then ``Points Possible,,,,,<max>``, then
  one row per student. Canvas's importer (instructure/canvas-lms ``app/models/gradebook_importer.rb``) needs
  a header whose first cells contain ``Student`` and ``ID`` and a ``Section`` column before the assignments;
  it finds the student by ``ID`` (the Canvas user id, from a Canvas download), then ``SIS User ID``, then
  ``SIS Login ID``, then the name; it finds the assignment by ``Name (id)`` or by its exact title and
  otherwise creates one, whose points come from the row whose first cell contains ``Points Possible``. It has no
  anonymous id column, and takes no grade of an anonymous assignment before its grades are posted, so the roster
  of an anonymous download (``anon_<id>``) is refused (:func:`check_matchable`).
- moodle: the assignment's offline grading worksheet, ``Identifier,Full name,Email address,Grade,Maximum
  Grade,Last modified (grade)``, with ``Participant <id>`` as identifier. Moodle's "Upload grading worksheet"
  (moodle/moodle ``mod/assign/feedback/offline/importgradeslib.php``, ``next()``, and ``locallib.php``,
  ``process_import_grades()``) finds the columns ``Identifier``, ``Grade`` and ``Last modified (grade)`` by
  these English names, reads the participant id after ``Participant ``, and skips, without a word, an empty
  grade, a grade above the assignment's maximum grade, and a student whose grade in Moodle was modified more
  than 60 s after ``strtotime(Last modified (grade))`` (unless "ignore modified" is ticked). So the date is the
  export's time, ISO 8601 with its UTC offset (which ``strtotime`` reads whatever the server's time zone), and
  a maximum other than 100 (a new Moodle assignment's) needs ``--points`` with the assignment's maximum grade.
  ``Maximum Grade`` is not read by Moodle. The participant id comes from a Moodle download's folder names.
  A team (``collect --teams``) is one row per member, found with ``--worksheet`` (see :func:`team_members`);
  without it the team has no grade in the file and counts as missing. With it, a worksheet participant no roster
  row covers (:func:`worksheet_others`) has a row too, blank (Moodle skips it) or 0 under ``--missing zero``, and
  a blank one counts as missing. A roster without any participant id (another LMS's) is refused.
- gradescope: ``Name,SID,Email,Total Score,Max Points``: the column names of Gradescope's own grade exports
  (read by third-party tools; Gradescope's upload page was not available to confirm what it maps).
- csv: everything we know, ``student,name,lms,lms_id,email,sis_id,late,<parts>,total,out_of,status``; the parts are
  the gradebook's own part columns, on the file's scale as the total is (:func:`part_points`).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from autograder.course.config import Course
from autograder.course.parts import NAMES
from autograder.errors import MISSING_EXIT, InputError
from autograder.gradebook import OUT_OF, has_grade
from autograder.graders.catalog import most_points
from autograder.judge.results import write_atomic
from autograder.outputs import check_output

FORMATS = ("canvas", "moodle", "gradescope", "csv")
DEFAULT_ASSIGNMENT = "Training Neural Networks"
GRADEBOOK_COLUMNS = ("student", "total", "status")
ROSTER_COLUMNS = ("student", "name", "lms", "lms_id", "email", "sis_id", "late")
MOODLE_MAXIMUM = 100  # a new Moodle assignment's "Maximum grade"; the worksheet upload skips any grade above the assignment's
CENTS = Decimal("0.01")  # a rescaled total's precision: what Canvas and Moodle show
NO_SUBMISSION = "no submission"
WORKSHEET_GROUP = "Group"  # the worksheet's team column (mod/assign/lang/en/assign.php 'submissionteam')
WORKSHEET_COLUMNS = ("Identifier", "Full name", WORKSHEET_GROUP)


class ExportError(Exception):
    """An input we cannot export from; the message is one line in the reader's terms, with what to try."""


@dataclass
class Exported:
    """What an export said: ``notes`` (how the grades were counted), ``warnings`` (one line each) and ``blank``,
    the students left without a grade in the file, each with why (student, reason)."""

    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    blank: list[tuple[str, str]] = field(default_factory=list)

    def lines(self, out: Path) -> list[str]:
        """Everything to print on stderr: the notes, the warnings, then one block naming every blank student."""
        block = []
        if self.blank:
            block.append(
                f"warning: {len(self.blank)} student(s) have no grade in {out} (left empty, never 0: enter theirs by hand "
                f"once settled; exit code {MISSING_EXIT} unless --allow-missing):"
            )
            block += [f"  {student}: {reason}" for student, reason in self.blank]
        return [*self.notes, *self.warnings, *block]


@dataclass(frozen=True)
class Scale:
    """The maximum the gradebook's totals are out of, and the points possible the file states (``--points``, else the same).

    Example: ``Scale(105, 100).grade("84")`` is ``"80"``; ``Scale(26, 26).grade("22.5")`` is ``"22.5"``.
    """

    maximum: float
    points: float

    def grade(self, total: str) -> str:
        """``total`` out of :attr:`points`: as the gradebook has it, or rescaled and rounded half up to 2 decimals."""
        if self.points == self.maximum:
            return total
        value = (Decimal(total) * Decimal(repr(self.points)) / Decimal(repr(self.maximum))).quantize(CENTS, ROUND_HALF_UP)
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text


def read_csv(path: Path, needed: tuple[str, ...], what: str) -> list[dict[str, str]]:
    """The rows of a CSV file that must have the columns ``needed``; an :class:`ExportError` otherwise."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ExportError(f"{path} does not exist: give the {what}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ExportError(f"{path} cannot be read as the {what} ({' '.join(str(error).split())})") from None
    try:
        reader = csv.DictReader(io.StringIO(text), restval="")  # a short row (edited by hand): empty cells, not None
        rows = list(reader)
    except csv.Error as error:
        raise ExportError(f"{path} is not a readable CSV file ({error})") from None
    missing = [column for column in needed if column not in (reader.fieldnames or [])]
    if missing:
        raise ExportError(f"{path} has no column {', '.join(missing)}: is it the {what}?")
    return rows


def number(text: str | None, what: str) -> float:
    """``text`` as a finite number, or an :class:`ExportError` naming ``what`` it should be."""
    try:
        value = float(text or "")
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ExportError(f"{what} is {text!r}, not a number: give the gradebook.csv that grade-class wrote")
    return value


def part_columns(gradebook: dict[str, dict[str, str]]) -> tuple[str, ...]:
    """The part columns the gradebook has, in the course's order: all of them, or those ``grade-class --part`` graded.

    Example: a gradebook ``student,backprop,total,out_of,status`` gives ``("backprop",)``.
    """
    rows = list(gradebook.values())
    return tuple(name for name in NAMES if rows and name in rows[0])


def graded_maximum(gradebook: dict[str, dict[str, str]], path: Path, course: Course, course_given: bool) -> tuple[float, list[str]]:
    """The most a student of the gradebook could score, and a note when it had to come from the course file.

    The gradebook's ``out_of`` column says it: grade-class writes the maximum of the course it graded under (of
    the ``--part`` parts only). A course file given with ``--course`` must agree. A gradebook written before that
    column existed is out of ``course``'s maximum for its part columns, which a note says.
    """
    rows = list(gradebook.values())
    parts = part_columns(gradebook)
    of_course = most_points(course, parts or None)
    if rows and OUT_OF in rows[0]:
        short = [student for student, row in gradebook.items() if not row[OUT_OF]]
        if short:
            raise ExportError(
                f"{path}: {short[0]}'s row has no {OUT_OF} (cut short, or edited by hand): export the gradebook.csv that "
                "grade-class wrote, or run grade-class again"
            )
        stated = sorted({row[OUT_OF] for row in rows})
        if len(stated) > 1:
            raise ExportError(f"{path} mixes totals out of {' and '.join(stated)} points: export each grade-class run's own gradebook.csv")
        maximum = number(stated[0], f"{path}'s {OUT_OF}")
        if maximum <= 0:
            raise ExportError(f"{path} says its totals are out of {stated[0]} points: grade the class again with grade-class")
        # compared as written (:g), as the gradebook holds it: a sum of fractional points is not exactly its text
        if course_given and (f"{maximum:g}" != f"{of_course:g}" or not set(parts) <= set(course.parts)):
            raise ExportError(
                f"{path} was graded out of {maximum:g} points, but the course file {course.source} gives its parts {of_course:g}: "
                "export without --course (the gradebook knows its maximum), or grade-class again under that course file"
            )
        return maximum, []
    under = f"the course file {course.source}" if course.source else "the parts as declared (no course file)"
    note = (
        f"note: {path} does not say what its totals are out of (an older grade-class wrote it): out of {of_course:g}, "
        f"the maximum of {under}; if it was graded under another course file give that with --course, or grade-class again"
    )
    return of_course, [note]


def check_totals(gradebook: dict[str, dict[str, str]], path: Path, maximum: float) -> None:
    """Every grade is a number from 0 to ``maximum``: a total above it means the maximum is not the one it was graded out of."""
    for student, row in gradebook.items():
        if has_grade(row["status"]):
            total = number(row["total"], f"{path}: {student}'s total")
            if not 0 <= total <= maximum:
                raise ExportError(
                    f"{path}: {student}'s total {row['total']} is not within 0 to {maximum:g}, the points possible: "
                    "give the course file the class was graded under with --course"
                )


def points_possible(fmt: str, maximum: float, points: float | None) -> Scale:
    """What the file states as points possible: ``--points``, else the gradebook's maximum (for Moodle only when it is 100).

    Moodle's worksheet upload (``locallib.php``, ``process_import_grades``) reads each grade on the assignment's
    own scale and skips, without a word, any grade above the assignment's maximum grade (100 unless changed): a
    gradebook out of 105 would give 105 to nobody and 84/105 as 84/100. So Moodle needs ``--points`` then.
    """
    if points is None and fmt == "moodle" and maximum != MOODLE_MAXIMUM:
        raise ExportError(
            f"the gradebook's totals are out of {maximum:g} points, but Moodle reads a grade out of the assignment's maximum "
            f"grade ({MOODLE_MAXIMUM} unless changed) and skips every grade above it: give --points with the assignment's "
            f"maximum grade (--points {MOODLE_MAXIMUM} rescales every total to {MOODLE_MAXIMUM})"
        )
    return Scale(maximum, maximum if points is None else points)


def grades(
    gradebook: dict[str, dict[str, str]], roster: list[dict[str, str]], missing: str, scale: Scale
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Each roster student's grade in the file ("" for none), and the students left blank, each with why.

    A student the gradebook holds without a grade (:func:`has_grade`) is blank whatever ``missing`` says: 0 would
    be a grade the grader never gave. ``missing`` ("empty" or "zero") is for roster students with no submission.
    """
    found: dict[str, str] = {}
    blank: list[tuple[str, str]] = []
    for row in roster:
        student = row["student"]
        graded = gradebook.get(student)
        if graded is None:
            found[student] = "0" if missing == "zero" else ""
            if missing != "zero":
                blank.append((student, NO_SUBMISSION))
        elif has_grade(graded["status"]):
            found[student] = scale.grade(graded["total"])
        else:
            found[student] = ""
            blank.append((student, graded["status"] or "no status in the gradebook"))
    return found, blank


def moodle_date(now: datetime) -> str:
    """``now`` for the worksheet's "Last modified (grade)": ISO 8601 with its UTC offset, e.g. "2026-12-07T23:47:18+00:00".

    importgradeslib.php reads the cell with PHP's ``strtotime``, which takes this form in any server time zone (an
    empty cell is ``false``, i.e. 1970: every student with a grade in Moodle is then skipped).
    """
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def export_rows(
    fmt: str,
    gradebook: dict[str, dict[str, str]],
    roster: list[dict[str, str]],
    assignment: str,
    grade: dict[str, str],
    scale: Scale,
    now: datetime,
    worksheet: list[dict[str, str]] | None = None,
    others: Sequence[tuple[str, str, str, str]] = (),
) -> tuple[list[list[str]], list[str]]:
    """The rows of the file (header first) and the warnings, one line each; ``grade`` is each roster student's grade
    (:func:`grades`), ``scale`` the points possible (the csv format's part columns are rescaled with it as the total
    is), ``worksheet`` the rows of Moodle's offline grading worksheet, which name a team's members
    (:func:`team_members`; a team without members has no row), ``others`` the worksheet's participants no roster row
    covers (:func:`worksheet_others`), each ``(identifier, full name, email, grade)``: one more Moodle row each.

    Example: ``export_rows("gradescope", {"jane-doe-1": {"total": "100", ...}}, [{"student": "jane-doe-1", "name": "Jane
    Doe", "sis_id": "1", ...}], "HW", {"jane-doe-1": "100"}, Scale(100, 100), now)`` gives ``[["Name", "SID", "Email", "Total
    Score", "Max Points"], ["Jane Doe", "1", "", "100", "100"]]``.
    """
    warnings = []
    listed = {row["student"] for row in roster}
    for student in gradebook:
        if student not in listed:
            warnings.append(f"warning: {student} is in the gradebook but not in the roster: left out")
    for row in roster:
        graded = gradebook.get(row["student"])
        if graded is not None and graded.get("needs_look"):
            warnings.append(f"warning: {row['student']} needs a look: {graded['needs_look']}")
    possible = f"{scale.points:g}"
    if fmt == "canvas":
        rows = [
            ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment],
            ["Points Possible", "", "", "", "", possible],
        ]
        for row in roster:
            canvas_id = row["lms_id"] if row["lms"] == "canvas" and row["lms_id"].isdigit() else ""
            if not canvas_id and not row["sis_id"]:
                warnings.append(f"warning: {row['student']} has no Canvas user id or SIS id: Canvas will match the name {row['name']!r}")
            rows.append([row["name"], canvas_id, row["sis_id"], "", "", grade[row["student"]]])
    elif fmt == "moodle":
        rows = [["Identifier", "Full name", "Email address", "Grade", "Maximum Grade", "Last modified (grade)"]]
        modified = moodle_date(now)
        for row in roster:
            if row.get("team"):
                people = team_members(row, worksheet)[0]
            else:
                participant = moodle_participant(row)
                if not participant:
                    warnings.append(f"warning: {row['student']} has no Moodle participant id: Moodle will skip this row")
                people = [(participant, row["name"], row["email"])]
            for participant, name, email in people:
                rows.append([participant, name, email, grade[row["student"]], possible, modified])
        # Moodle skips an empty grade without a word (process_import_grades), so a blank row changes nothing there,
        # and it shows the instructor who is still to be graded, where the grade goes once settled.
        rows += [[participant, name, email, given, possible, modified] for participant, name, email, given in others]
    elif fmt == "gradescope":
        rows = [["Name", "SID", "Email", "Total Score", "Max Points"]]
        for row in roster:
            if not row["sis_id"] and not row["email"]:
                warnings.append(f"warning: {row['student']} has no SID or email: Gradescope can only match the name {row['name']!r}")
            rows.append([row["name"], row["sis_id"], row["email"], grade[row["student"]], possible])
    elif fmt == "csv":
        graded_parts = part_columns(gradebook)  # only the parts grade-class graded (--part): no empty columns for the rest
        rows = [["student", "name", "lms", "lms_id", "email", "sis_id", "late", *graded_parts, "total", OUT_OF, "status"]]
        for row in roster:
            graded = graded_row(gradebook, row)
            given = grade[row["student"]] != ""  # no part points beside a blank total either
            parts = [part_points(graded, part, scale) if graded and given else "" for part in graded_parts]
            status = graded["status"] if graded else NO_SUBMISSION
            fields = [row["student"], row["name"], row["lms"], row["lms_id"], row["email"], row["sis_id"], row["late"]]
            rows.append([*fields, *parts, grade[row["student"]], possible, status])
    else:
        raise ExportError(f"unknown --to {fmt!r}: choose one of {', '.join(FORMATS)}")
    return rows, warnings


def part_points(graded: dict[str, str], part: str, scale: Scale) -> str:
    """A part's points in the gradebook row ``graded``, on the file's scale as the total is (``--points``: each part
    rescaled and rounded by itself, so the parts may add up to the total give or take a cent each)."""
    cell = (graded.get(part) or "").strip()
    if not cell:
        return ""
    number(cell, f"{graded['student']}'s {part} points")
    return scale.grade(cell)


def check_matchable(fmt: str, roster: list[dict[str, str]], roster_path: Path) -> None:
    """Refuse a roster the LMS cannot match a single row of: a Moodle export without any participant id (the
    roster of another LMS's download), a Canvas export of an anonymous download (``anon_<id>``).

    Moodle's worksheet upload (importgradeslib.php ``next``) finds each student by the id after "Participant " alone.
    Canvas's gradebook import (gradebook_importer.rb ``process_student``) finds a student by user id, SIS user or
    login id, then by name; it has no anonymous id column, and while an anonymous assignment's grades are not posted
    it takes none of them (``gradeable?``: ``unposted_anonymous_submissions?``).
    """
    if fmt == "moodle" and roster and not any(row.get("team") or moodle_participant(row) for row in roster):
        came = sorted({row["lms"] or "no LMS" for row in roster})
        raise ExportError(
            f"{roster_path} holds no Moodle participant id (it is the roster of a {' and '.join(came)} download), and Moodle's "
            "worksheet upload finds each student by that id alone: export from the roster.csv that collect --from moodle "
            "wrote for a Moodle download, or give --to for the LMS this roster came from"
        )
    anonymous = [row["student"] for row in roster if row["lms"] == "canvas" and row["lms_id"].startswith("anon_")]
    if fmt == "canvas" and anonymous:
        raise ExportError(
            f"{roster_path} is an anonymous Canvas download ({anonymous[0]}{' ...' if len(anonymous) > 1 else ''}): Canvas's "
            "grade import finds students by user id, SIS id or name, never by anonymous id, and takes no grade for an "
            "anonymous assignment before its grades are posted: enter the grades in SpeedGrader (export --to csv lists "
            "them by anonymous id)"
        )


def moodle_participant(row: dict[str, str]) -> str:
    """A roster row's Moodle worksheet identifier, ``Participant <id>``, or "" when it has none."""
    return f"Participant {row['lms_id']}" if row["lms"] == "moodle" and row["lms_id"].isdigit() else ""


def worksheet_others(roster: list[dict[str, str]], worksheet: list[dict[str, str]]) -> list[dict[str, str]]:
    """The worksheet's participants no row of the roster gives a grade: neither a student row with their participant
    id nor a team row of their group (:func:`team_members`). Their group handed nothing in, or its name does not match.

    Example: a worksheet row ``Participant 3005,Zed Nobody,...,Team Green`` and a roster of the team ``Team Red`` alone
    give that row.
    """
    covered = {moodle_participant(row) for row in roster if not row.get("team")}
    for row in roster:
        if row.get("team"):
            covered.update(participant for participant, _, _ in team_members(row, worksheet)[0])
    return [row for row in worksheet if row["Identifier"].startswith("Participant ") and row["Identifier"] not in covered]


def others_grades(
    others: list[dict[str, str]], missing: str, unknown_teams: list[str]
) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str]]]:
    """The worksheet rows no roster row covers (:func:`worksheet_others`) as ``(identifier, full name, email, grade)``,
    and those left blank, each with why (for the warning block).

    ``missing`` "zero" gives them 0, as it does a roster student without a submission, unless a team of the roster
    has no members found (``unknown_teams``): that team may be theirs, and 0 would replace the grade it earned.
    Example: ``others_grades([{"Identifier": "Participant 5", "Full name": "Zed", "Group": "Green"}], "zero", [])``
    gives ``([("Participant 5", "Zed", "", "0")], [])``.
    """
    found, blank = [], []
    for row in others:
        person = (row["Identifier"], row["Full name"], row.get("Email address", "") or "")
        if missing == "zero" and not unknown_teams:
            found.append((*person, "0"))
            continue
        why = f"in Moodle's worksheet (group {row.get(WORKSHEET_GROUP) or 'none'!r}), but no submission of theirs or their group's was collected"
        if missing == "zero":
            why += f" (not 0: {', '.join(unknown_teams)} has no members found, and may be theirs)"
        found.append((*person, ""))
        blank.append((f"{row['Full name']}, {row['Identifier']}", why))
    return found, blank


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
    rows = [row for row in worksheet if team_name(row.get(WORKSHEET_GROUP) or "") == wanted]
    groups = sorted({row.get(WORKSHEET_GROUP) or "" for row in rows})
    if len(groups) > 1:  # the download's folder name cannot tell them apart: no guess, nobody gets another group's grade
        return [], f"the worksheet's groups {', '.join(map(repr, groups))} all read {wanted!r} in the download: enter its members' grade by hand"
    people = [
        (row["Identifier"], row["Full name"], row.get("Email address", "") or "")
        for row in rows
        if row["Identifier"].startswith("Participant ")
    ]
    return people, "" if people else f"no row of the worksheet has {WORKSHEET_GROUP} {roster_row['team']!r}"


def team_blanks(roster: list[dict[str, str]], worksheet: list[dict[str, str]] | None, blank: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The teams of the roster whose members cannot be found (no worksheet, no such group), each with why; a team
    already blank for another reason is not named twice."""
    named = {student for student, _ in blank}
    found = []
    for row in roster:
        if row.get("team") and row["student"] not in named:
            why = team_members(row, worksheet)[1]
            if why:
                found.append((row["student"], f"the team {row['team']!r}: {why}"))
    return found


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
    *,
    course_given: bool = False,
    points: float | None = None,
    now: datetime | None = None,
    worksheet_path: Path | None = None,
) -> Exported:
    """Write ``out`` in the format ``fmt`` from the gradebook and the roster; returns what to say on stderr.

    The points possible are the gradebook's own maximum (``course`` only for a gradebook that does not record it;
    ``course_given``: ``--course`` was given, and must agree), or ``points`` (``--points``: every total rescaled).
    ``now`` (default: the clock) is Moodle's "Last modified (grade)". The file is written even when some students
    have no grade (:attr:`Exported.blank`).

    Example: ``export(Path("graded/gradebook.csv"), "canvas", Path("class/roster.csv"), Path("canvas.csv"), Course())``.
    """
    gradebook = {row["student"]: row for row in read_csv(gradebook_path, GRADEBOOK_COLUMNS, "gradebook.csv that grade-class wrote")}
    roster = read_csv(roster_path, ROSTER_COLUMNS, "roster.csv that collect wrote")
    if worksheet_path is not None and fmt != "moodle":
        raise ExportError("--worksheet is Moodle's offline grading worksheet: it goes with --to moodle")
    worksheet = None if worksheet_path is None else read_csv(worksheet_path, WORKSHEET_COLUMNS, "grading worksheet from Moodle")
    check_matchable(fmt, roster, roster_path)
    if gradebook and roster and all(graded_row(gradebook, row) is None for row in roster):
        # Every grade would be blank: the roster is another class's (or the gradebook another assignment's).
        raise ExportError(
            f"none of the {len(gradebook)} students of {gradebook_path} is in {roster_path}: give the roster.csv that collect "
            "wrote for this class (its student column holds the names of the class's folders)"
        )
    maximum, notes = graded_maximum(gradebook, gradebook_path, course, course_given)
    check_totals(gradebook, gradebook_path, maximum)
    scale = points_possible(fmt, maximum, points)
    if scale.points != scale.maximum:
        notes.append(
            f"note: totals rescaled from {scale.maximum:g} to {scale.points:g} points (--points): each total x {scale.points:g}/"
            f"{scale.maximum:g}, rounded half up to 2 decimals"
        )
    grade, blank = grades(gradebook, roster, missing, scale)
    others: list[tuple[str, str, str, str]] = []
    if fmt == "moodle":
        unknown_teams = team_blanks(roster, worksheet, blank)
        others, not_covered = others_grades(worksheet_others(roster, worksheet or []), missing, [team for team, _ in unknown_teams])
        blank += unknown_teams + not_covered
    rows, warnings = export_rows(fmt, gradebook, roster, assignment, grade, scale, now or datetime.now(UTC), worksheet, others)
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(rows)
    write_atomic(out, text.getvalue())
    return Exported(notes, warnings, blank)


def positive_points(text: str) -> float:
    """``--points``' value: a number above 0 (the LMS's maximum grade)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number: give the LMS assignment's maximum grade, e.g. 100") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text} points cannot hold a grade: give the LMS assignment's maximum grade, above 0")
    return value


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("gradebook", metavar="GRADEBOOK", help="the gradebook.csv that grade-class wrote")
    parser.add_argument("--to", dest="fmt", required=True, choices=FORMATS, help="the LMS's grade import format (csv: a plain table)")
    parser.add_argument("--roster", required=True, help="the roster.csv that collect wrote into the class folder")
    parser.add_argument("--out", required=True, metavar="FILE", help="the CSV file to write")
    parser.add_argument("--assignment", default=DEFAULT_ASSIGNMENT, help="the assignment's column name in Canvas (its title, or 'Title (id)')")
    parser.add_argument(
        "--missing", choices=("empty", "zero"), default="empty", help="grade of a roster student with no submission at all (default: empty)"
    )
    parser.add_argument(
        "--points", type=positive_points, metavar="N", help="rescale every total to N points, the LMS assignment's maximum (default: as graded)"
    )
    parser.add_argument(
        "--worksheet",
        metavar="WORKSHEET.csv",
        help="Moodle team assignments: the offline grading worksheet downloaded from Moodle, whose Group column names each team's members",
    )
    parser.add_argument(
        "--allow-missing", action="store_true", help=f"exit 0 even when some students have no grade (default: exit {MISSING_EXIT})"
    )


def main(args: argparse.Namespace, course: Course) -> int:
    """Run ``export`` under ``course``: 0 when the file is written with a grade for everyone (notes and warnings on
    stderr), 4 when it is written but some students have no grade (unless ``--allow-missing``), 2 with one line on
    stderr and nothing written otherwise."""
    try:
        check_output("out", args.out, folder=False, suffix=".csv")
        exported = export(
            Path(args.gradebook),
            args.fmt,
            Path(args.roster),
            Path(args.out),
            course,
            args.assignment,
            args.missing,
            course_given=bool(args.course_file),
            points=args.points,
            worksheet_path=Path(args.worksheet) if args.worksheet else None,
        )
    except (ExportError, InputError) as error:
        print(f"error: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error.filename or args.out}: {error.strerror or error}", file=sys.stderr)
        return 2
    except Exception as error:  # noqa: BLE001 - the last resort: one line, never a traceback
        print(f"error: export failed on {args.gradebook}: {type(error).__name__}: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    for line in exported.lines(Path(args.out)):
        print(line, file=sys.stderr)
    print(f"wrote {args.fmt} grades to {args.out}")
    return MISSING_EXIT if exported.blank and not args.allow_missing else 0
