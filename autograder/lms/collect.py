"""Turn an LMS's bulk download into the class folder that ``grade-class`` reads.

    python -m autograder collect ARCHIVE_OR_FOLDER --from canvas|moodle|blackboard|gradescope|folders --out CLASS_DIR
        [--pattern REGEX] [--teams]

The input is the .zip an LMS gives for "download all submissions", or that zip already extracted.
The output is one entry per student, ``CLASS_DIR/<student>/<files>`` (or ``CLASS_DIR/<student>.ipynb``
when the whole submission is one notebook, because ``grade-class`` grades the ``.py`` files of a folder
and notebooks only at the top level), and ``CLASS_DIR/roster.csv`` with one row per student::

    student,path,name,lms,lms_id,submission_id,email,sis_id,late,submitted_at,files,team,team_id
    doejane-1001,doejane-1001/,doejane,canvas,1001,,,,no,,doejane_1001_9001_backprop.py;...,,

``student`` is the name ``grade-class`` gives the entry (the gradebook's ``student`` column), ``late`` is
``yes``/``no`` where the download marks late work and empty where it does not say, ``files`` the original
names in the download (``;``-separated; a dropped Canvas re-upload is not among them), ``team`` and ``team_id`` a Moodle group's name
and id for a team submission (``collect --teams``; ``lms_id`` is then empty). Student entries are a slug of the student's name plus the LMS's id
(``jane-doe-1001``), so two students with the same name stay apart. Files keep the name the student gave
them once the LMS's prefix is stripped (``training_loop.py``); zips a student uploaded are left as they are.

The layouts, and where each was read (see docs/instructors/lms.md, "From the LMS and back"):

- canvas: ``<sortable name, lowercased, non-word characters removed>[_LATE]_<user id>_<attachment id>_<file>``
  (and ``..._<user id>_text.html`` / ``_link.html`` for text and URL entries; ``anon_<id>`` instead of name
  and user id when grading is anonymous). Read in Canvas's own code: instructure/canvas-lms
  ``lib/content_zipper.rb`` (``get_filename``, ``add_upload_submission``, ``sanitize_user_name``). The second
  number is the attachment (file) id, not the submission id. ``LATE`` is what ``get_filename`` writes;
  ``late`` is accepted too. A file name that clashes in the student's submissions folder is renamed by
  ``app/models/attachment.rb`` (``handle_duplicates``, always ``:rename`` there; ``make_unique_filename``):
  ``<base>-1<ext>`` ... ``<base>-7<ext>``, then ``<base>-<uuid><ext>``. Both suffixes are removed when what
  remains is one of the graded files (``canvas_file_name``). Two files of one student that then have the same
  name are a re-upload: the later is kept, by attachment id (one database sequence: a later upload has a larger
  id), then by rename number (the uuid after ``-7``); one ``warning:`` line names the kept and the dropped file.
  Anonymous downloads (``anon_<id>``) and late ones are treated alike.
- moodle: ``<Full name>_<participant id>_assignsubmission_<plugin>[_]/<file>`` (one folder per student and
  plugin, Moodle >= 3.1's default; Moodle 4 drops the trailing ``_``) or, with "download submissions in
  folders" off, ``<Full name>_<participant id>_assignsubmission_<plugin>_<file>``. Read in moodle/moodle
  ``mod/assign/classes/downloader.php`` (``get_student_prefix``, ``load_submissionplugin_filelist``). The id
  is the assignment's participant id (``get_uniqueid_for_user``), not the user id. No late marker. Team
  submissions (``--teams``; the assignment's "Students submit in groups") are named by the group in the same
  shape, ``<group name>_<group id>`` (``_`` in the name made a space), or ``Default group`` with no id for
  students in no group (``get_student_prefix``): each is one entry with ``team``/``team_id`` set and no
  participant id, and ``export --to moodle --worksheet`` gives its grade to the members (export.py
  ``team_members``). Without ``--teams`` a ``Default group`` folder is refused with that hint; a team whose
  group has an id looks like a student, which is why the option exists.
- blackboard: ``<assignment>_<username>_attempt_<YYYY-MM-DD-HH-MM-SS>_<file>`` plus the receipt
  ``<assignment>_<username>_attempt_<date>.txt`` whose ``Name: Full Name (username)`` line gives the name.
  From nbgrader's ``FileNameCollectorPlugin`` example (jupyter/nbgrader ``nbgrader/plugins/zipcollect.py``)
  and vangef/BBGradebookOrganiser ``utils/organiser.py``; no Blackboard source or manual was available, and
  no late marker is known. The assignment and the username may both contain ``_`` (``HW_3_j_doe_attempt_...``):
  a receipt's ``Name:`` line says where the username starts; without receipts, the assignment is assumed to be
  the longest ``_``-separated prefix shared by every attempt of the download (one download is one column), so
  usernames that all begin with the same ``x_`` would lose it; a lone attempt without receipt splits at the
  last ``_`` (``blackboard_assignment``).
- gradescope: ``submission_metadata.yml`` mapping each ``submission_<id>`` folder to ``:submitters:``
  (``:name:``, ``:sid:``, ``:email:``) and ``:created_at:``, read as otter-grader does
  (ucbds-infra/otter-grader ``otter/grade/metadata.py`` ``GradescopeParser``, and its test export
  ``test/test-grade/gradescope-export/submission_metadata.yml``). A group submission gives every member the
  same files. No late marker.
- folders: one folder per student (its name is the student), or one notebook per student at the top level.

``--pattern`` replaces the built-in layout: a Python regular expression, matched against each file's path in
the download, with named groups as in nbgrader's collector: ``student`` (required), and optionally ``id``,
``late`` (late when it matched something) and ``file`` (the name to keep; default: the path's last part).

Names in a zip without the UTF-8 flag (bit 11; Info-ZIP, Windows' own zipper) are read as the zipper wrote
them, not as cp437 as Python's zipfile does: UTF-8 when the bytes are valid UTF-8, otherwise the most plausible
of cp850, cp1252 and cp437 (``zip_name``); ``José Núñez`` gives the same entry either way.

Nothing is written outside CLASS_DIR: archives with absolute paths, ``..`` or symbolic links are refused,
and so are zip bombs (over 500 MB declared in total, or a file over 1 MB that expands more than 100 times).
Any problem (corrupt zip, a file that fits no layout, two submissions for the same student entry but a Canvas
re-upload) is one line on stderr and exit code 2, and nothing is written: the class folder is built in a temporary folder
beside CLASS_DIR and renamed into place at the end. Collecting the same download twice gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import os
import re
import shutil
import stat
import sys
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from autograder.api import GRADED_MODULES
from autograder.discovery import ARCHIVES
from autograder.judge.results import write_atomic

LMS_CHOICES = ("canvas", "moodle", "blackboard", "gradescope", "folders")
ROSTER_NAME = "roster.csv"
ROSTER_COLUMNS = (
    "student",
    "path",
    "name",
    "lms",
    "lms_id",
    "submission_id",
    "email",
    "sis_id",
    "late",
    "submitted_at",
    "files",
    "team",
    "team_id",
)
MAX_TOTAL_BYTES = 500 * 2**20  # declared uncompressed size of the whole download
MAX_RATIO = 100  # expansion of one member ...
RATIO_FLOOR = 2**20  # ... checked from this size up (small text files legitimately compress very well)
MAX_MEMBERS = 50_000
IGNORED = re.compile(r"(^|/)(__MACOSX(/|$)|\.DS_Store$|Thumbs\.db$)")  # what macOS and Windows add when re-zipping
GRADED_FILES = {f"{module}{suffix}" for module in GRADED_MODULES for suffix in (".py", ".ipynb")}

CANVAS_ANONYMOUS = re.compile(
    r"(?:(?P<late>LATE|late)_)?(?P<id>anon_[0-9A-Za-z]+)_(?:(?P<attachment>\d+)_(?P<file>.+)|(?P<entry>text|link)\.html)"
)
CANVAS_NAMED = re.compile(
    r"(?P<student>.+?)_(?:(?P<late>LATE|late)_)?(?P<id>\d+)_(?:(?P<attachment>\d+)_(?P<file>.+)|(?P<entry>text|link)\.html)"
)
# Attachment.make_unique_filename: "<base>-<n><ext>" for n = 1..7, then "<base>-<SecureRandom.uuid><ext>"
CANVAS_RENAMED = re.compile(
    r"(?P<base>.+?)-(?:(?P<n>\d+)|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?P<ext>\.py|\.ipynb)"
)
MOODLE_FOLDER = re.compile(r"(?P<student>[^_/]+)(?:_(?P<id>\d+))?_assignsubmission_(?P<plugin>[a-z0-9]+)_?")
MOODLE_FLAT = re.compile(r"(?P<student>[^_/]+)(?:_(?P<id>\d+))?_assignsubmission_(?P<plugin>[a-z0-9]+)_(?P<file>.+)")
BLACKBOARD_FILE = re.compile(r"(?P<head>[^/]+?)_attempt_(?P<when>\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)(?:_(?P<file>.+)|(?P<receipt>\.txt))")
BLACKBOARD_NAME = re.compile(r"^Name:\s*(?P<name>.*?)\s*\((?P<user>[^()]*)\)\s*$", re.MULTILINE)
GRADESCOPE_METADATA = "submission_metadata.yml"
MOODLE_DEFAULT_TEAM = "Default group"  # mod/assign/lang/en/assign.php 'defaultteam': students in no group, without an id
ZIP_UTF8_FLAG = 0x800  # general purpose bit 11 (APPNOTE 4.4.4): the name is UTF-8
# What a zipper that does not set bit 11 wrote, tried in this order when the bytes are not UTF-8: Windows' own
# zipper writes the console (OEM) code page, cp850 in Western Europe, cp437 in the US; a few write the ANSI one.
LEGACY_NAME_ENCODINGS = ("cp850", "cp1252", "cp437")

SHAPES = {
    "canvas": "<name>[_LATE]_<user id>_<file id>_<file>",
    "moodle": "<Full name>_<participant id>_assignsubmission_<plugin>/<file>",
    "blackboard": "<assignment>_<username>_attempt_<YYYY-MM-DD-HH-MM-SS>_<file>",
    "gradescope": "submission_<id>/<file> with submission_metadata.yml",
    "folders": "<student>/<file>",
}


class CollectError(Exception):
    """A download we cannot collect; the message is one line in the reader's terms, with what to try."""


@dataclass
class Student:
    """One student's submission: who (as the LMS names them) and which files go where."""

    name: str
    lms_id: str = ""
    submission_id: str = ""
    email: str = ""
    sis_id: str = ""
    late: str = ""  # "yes", "no", or "" when the download does not say
    submitted_at: str = ""
    team: str = ""  # a team (Moodle group) submission: the group's name ...
    team_id: str = ""  # ... and id; lms_id is then empty (a group id is not a participant id)
    files: dict[str, str] = field(default_factory=dict)  # destination (relative, posix) -> path in the download
    originals: list[str] = field(default_factory=list)

    @property
    def entry(self) -> str:
        """The folder (or notebook stem) in CLASS_DIR: a slug of the name plus the LMS id, e.g. ``doe-jane-1001``."""
        name, ident = slug(self.name), slug(self.lms_id or self.team_id)
        if not name and self.name.strip():  # a name with no Latin letters: a stable stand-in
            name = "student-" + hashlib.sha256(self.name.strip().encode()).hexdigest()[:8]
        if not ident or ident == name:
            return name
        return f"{name}-{ident}"


def slug(text: str) -> str:
    """A safe, stable folder name: ASCII lowercase letters, digits and dashes (``"Doe, Jané"`` -> ``"doe-jane"``)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-")


# --------------------------------------------------------------------------- reading the download safely


class Download:
    """The regular files of a bulk download (a .zip or a folder), after the safety checks.

    ``paths`` are relative posix paths, sorted; ``read(path)`` returns a file's bytes. Refuses absolute paths,
    ``..``, symbolic links, encrypted members and zip bombs with a :class:`CollectError`.
    Example: ``Download(Path("submissions.zip")).paths == ["doejane_1001_9001_backprop.py", ...]``.
    """

    def __init__(self, location: Path):
        self.location = location
        self._zip: zipfile.ZipFile | None = None
        self._members: dict[str, object] = {}
        if not location.exists():
            raise CollectError(f"{location} does not exist: give the .zip you downloaded or the folder you extracted it to")
        try:
            if location.is_dir():
                self._scan_folder()
            else:
                self._scan_zip()
        except BaseException:
            self.close()
            raise
        self.paths = sorted(self._members)

    def _add(self, raw: str, member: object) -> None:
        path = safe_path(raw, self.location)
        if path is None or IGNORED.search(path):
            return
        if path in self._members:
            raise CollectError(f"{self.location}: the file {path!r} appears twice in the archive; download it again")
        self._members[path] = member

    def _scan_zip(self) -> None:
        try:
            archive = zipfile.ZipFile(self.location)
            infos = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as error:
            raise CollectError(
                f"{self.location} is not a readable zip archive ({one_line(error)}): download it again, or extract it and give the folder"
            ) from None
        self._zip = archive
        if len(infos) > MAX_MEMBERS:
            raise CollectError(f"{self.location} holds {len(infos)} files, more than {MAX_MEMBERS}: refused as a possible zip bomb")
        total = 0
        for info in infos:
            name = zip_name(info)
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise CollectError(
                    f"{self.location} declares more than {MAX_TOTAL_BYTES // 2**20} MB once extracted: refused as a possible zip bomb"
                    " (extract it yourself and give the folder if it is genuine)"
                )
            if info.file_size >= RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise CollectError(
                    f"{self.location}: {name!r} expands {info.file_size // max(info.compress_size, 1)} times"
                    f" ({info.file_size // 2**20} MB): refused as a possible zip bomb"
                )
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise CollectError(f"{self.location}: {name!r} is a symbolic link: refused (it could point outside the class folder)")
            if info.flag_bits & 0x1:
                raise CollectError(f"{self.location}: {name!r} is password-protected: download the submissions again without a password")
            if info.is_dir():
                safe_path(name, self.location)
                continue
            self._add(name, info)

    def _scan_folder(self) -> None:
        total = 0
        for root, dirs, files in os.walk(self.location):
            for name in sorted(dirs + files):
                full = Path(root, name)
                if full.is_symlink():
                    raise CollectError(
                        f"{full} is a symbolic link: refused (it could point outside the class folder); copy the real file there"
                    )
            for name in files:
                full = Path(root, name)
                info = full.lstat()
                if not stat.S_ISREG(info.st_mode):
                    raise CollectError(f"{full} is not a regular file: remove it from the download folder")
                total += info.st_size
                if total > MAX_TOTAL_BYTES:
                    raise CollectError(
                        f"{self.location} holds more than {MAX_TOTAL_BYTES // 2**20} MB: refused; collect a smaller download"
                    )
                self._add(full.relative_to(self.location).as_posix(), full)

    def read(self, path: str) -> bytes:
        """The bytes of one file; a corrupt member is a :class:`CollectError`."""
        member = self._members[path]
        if isinstance(member, Path):  # no following a link that replaced the file since the scan
            handle = os.open(member, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(handle, "rb") as stream:
                return stream.read()
        assert self._zip is not None
        try:
            return self._zip.read(member)  # zipfile stops at the declared size and checks the CRC
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as error:
            raise CollectError(
                f"{self.location}: {path!r} cannot be extracted ({one_line(error)}): the archive is corrupt; download it again"
            ) from None

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()


def zip_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its zipper wrote it (NFC), although ``zipfile`` reads every name without bit 11 as cp437.

    Without the UTF-8 flag the raw bytes are recovered (cp437 maps every byte) and read as UTF-8 when they are valid
    UTF-8 (Info-ZIP on Linux and macOS writes UTF-8 without the flag; other code pages' accented names are almost
    never valid UTF-8), otherwise in the least :func:`implausible` of :data:`LEGACY_NAME_ENCODINGS` (the first on a
    tie). Example: the cp850 bytes ``Jos\x82 N\xa3\xa4ez`` and the cp1252 bytes ``Jos\xe9 N\xfa\xf1ez`` both come
    back as ``José Núñez`` (zipfile shows the second as ``JosΘ N·±ez``), and so do its UTF-8 bytes.
    """
    name = info.filename
    if not info.flag_bits & ZIP_UTF8_FLAG:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:  # zipfile was given another metadata_encoding: keep its reading
            raw = b""
        if raw and not raw.isascii():
            try:
                name = raw.decode("utf-8")
            except UnicodeDecodeError:
                name = min((raw.decode(encoding, "replace") for encoding in LEGACY_NAME_ENCODINGS), key=implausible)
    return unicodedata.normalize("NFC", name)


def implausible(text: str) -> int:
    """How unlike a person's or a file's name ``text`` is: its non-ASCII characters that are not letters, marks,
    digits or spaces, or are capitals right after a small letter (``JosÚ`` is cp1252's ``José`` read as cp850)."""
    score = 0
    for before, character in zip(" " + text, text):
        if character.isascii():
            continue
        category = unicodedata.category(character)
        score += category[0] not in "LMNZ" or (category == "Lu" and unicodedata.category(before) == "Ll")
    return score


def safe_path(raw: str, where: Path) -> str | None:
    """``raw`` as a clean relative posix path, or a :class:`CollectError` for one that could leave the folder."""
    if "\x00" in raw:
        raise CollectError(f"{where}: a file name contains a NUL character: refused")
    if raw.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", raw):
        raise CollectError(f"{where}: {raw!r} is an absolute path: refused (it would be written outside the class folder)")
    parts = [part for part in re.split(r"[\\/]+", raw) if part not in ("", ".")]
    if ".." in parts:
        raise CollectError(f"{where}: {raw!r} climbs out with '..' (zip slip): refused (it would be written outside the class folder)")
    return "/".join(parts) or None


def one_line(error: BaseException) -> str:
    """An exception's message on one line (whitespace collapsed), or its type's name when it has none."""
    return " ".join(str(error).split()) or type(error).__name__


# --------------------------------------------------------------------------- the layouts


class Roster:
    """Students gathered from a download; refuses two submissions for one student entry and two files for one name."""

    def __init__(self, lms: str, location: Path):
        self.lms = lms
        self.location = location
        self.students: dict[tuple[str, str], Student] = {}  # (name, id) -> student
        self.warnings: list[str] = []  # "warning: ..." lines: what was collected, but not as it came

    def student(self, name: str, lms_id: str = "", **details: str) -> Student:
        key = (name, lms_id)
        if key not in self.students:
            self.students[key] = Student(name=name, lms_id=lms_id, **details)
        student = self.students[key]
        for attribute, value in details.items():
            if value and getattr(student, attribute) and getattr(student, attribute) != value:
                raise CollectError(
                    f"{self.location}: two submissions for {student.entry} ({attribute} {getattr(student, attribute)!r} and {value!r}):"
                    " keep only the last one in the download"
                )
            if value:
                setattr(student, attribute, value)
        return student

    def add_file(self, student: Student, destination: str, original: str) -> None:
        destination = safe_path(destination, self.location) or ""
        if not destination:
            raise CollectError(f"{self.location}: {original!r} leaves no file name once the {self.lms} prefix is removed")
        if destination in student.files:
            raise CollectError(
                f"{self.location}: {student.files[destination]!r} and {original!r} would both be {student.entry}/{destination}:"
                " two submissions for one student; keep only one of them"
            )
        student.files[destination] = original
        student.originals.append(original)

    def finished(self) -> list[Student]:
        """The students sorted by entry; refuses two students whose entries coincide."""
        by_entry: dict[str, Student] = {}
        by_id: dict[str, Student] = {}
        for student in self.students.values():
            if student.lms_id and student.lms_id in by_id:
                raise CollectError(
                    f"{self.location}: two submissions for the {self.lms} id {student.lms_id}"
                    f" ({by_id[student.lms_id].originals[0]} and {student.originals[0]}): keep only one of them"
                )
            by_id[student.lms_id] = student
            if not student.entry:
                raise CollectError(f"{self.location}: a submission has no student name or id ({', '.join(student.originals[:2])})")
            if student.entry in by_entry:
                raise CollectError(
                    f"{self.location}: two submissions map to the student folder {student.entry}"
                    f" ({by_entry[student.entry].originals[0]} and {student.originals[0]}): keep only one of them"
                )
            by_entry[student.entry] = student
        if not by_entry:
            raise CollectError(f"{self.location} holds no submissions: check that it is the bulk download of the assignment")
        return [by_entry[entry] for entry in sorted(by_entry)]


def unwrap(paths: list[str], fits: Callable[[str], bool]) -> tuple[list[str], str]:
    """Strip one folder that wraps the whole download (a zip re-made from an extracted folder), when that makes it fit.

    Returns the paths and the prefix removed: ``unwrap(["hw3/a_1_2_x.py"], fits)`` gives ``(["a_1_2_x.py"], "hw3/")``
    when ``fits`` accepts the stripped name and not the wrapped one; otherwise the paths unchanged and ``""``.
    """
    if all(fits(path) for path in paths):
        return paths, ""
    tops = {path.split("/", 1)[0] for path in paths}
    if len(tops) == 1 and all("/" in path for path in paths):
        top = tops.pop()
        stripped = [path.split("/", 1)[1] for path in paths]
        if all(fits(path) for path in stripped):
            return stripped, top + "/"
    return paths, ""


def unknown(location: Path, lms: str, path: str, hint: str = "") -> CollectError:
    """The error for a file that fits no pattern of the chosen LMS, naming the file and the expected shape."""
    return CollectError(
        f"{location}: {path!r} is not laid out like a {lms} download ({SHAPES[lms]}){hint}: check --from, or describe the names with --pattern"
    )


def canvas_file_name(name: str) -> tuple[str, int]:
    """The student's own file name and Canvas's rename number: ``training_loop-2.py`` -> ``("training_loop.py", 2)``.

    Canvas renames a file that clashes with one already in the student's submissions folder (``Attachment#
    handle_duplicates`` always renames there) with ``Attachment.make_unique_filename``: ``<base>-<n><ext>`` for n
    = 1 to 7, then ``<base>-<uuid><ext>`` (number 8 here: after all the numbered ones). The suffix is removed only
    when a graded file name remains; any other name is kept as it is, with number 0.
    """
    match = CANVAS_RENAMED.fullmatch(name)
    if match and match["base"] + match["ext"] in GRADED_FILES:
        return match["base"] + match["ext"], int(match["n"]) if match["n"] else 8
    return name, 0


def parse_canvas(download: Download, roster: Roster) -> None:
    """Canvas: ``doejane_LATE_1003_9015_backprop.py`` -> student ``doejane`` (id 1003, late), file ``backprop.py``.

    Two files of one student that are the same graded file (``training_loop.py`` and ``training_loop-1.py``, or the
    same name under two attachment ids) are a re-upload: the later one is kept, by attachment id (ids come from one
    database sequence, so a later upload has a larger one), then by the rename number; a warning names both.
    """

    def match(path: str):
        if "/" in path:
            return None
        return CANVAS_ANONYMOUS.fullmatch(path) or CANVAS_NAMED.fullmatch(path)

    paths, top = unwrap(download.paths, lambda path: match(path) is not None)
    uploads: dict[tuple[str, str, str], list[tuple[int, int, str]]] = {}  # (name, id, file) -> (attachment id, rename n, path)
    for path in paths:
        found = match(path)
        if found is None:
            raise unknown(download.location, "canvas", top + path)
        groups = found.groupdict()
        lms_id = groups["id"]
        name = groups.get("student") or lms_id
        student = roster.student(name, lms_id)
        student.late = "yes" if groups["late"] or student.late == "yes" else "no"
        if groups["file"]:
            destination, number = canvas_file_name(groups["file"])
            uploads.setdefault((name, lms_id, destination), []).append((int(groups["attachment"]), number, top + path))
        else:
            roster.add_file(student, f"{groups['entry']}.html", top + path)
    for (name, lms_id, destination), found in uploads.items():
        student = roster.students[(name, lms_id)]
        *dropped, (_, _, kept) = sorted(found)
        for _, _, path in dropped:
            roster.warnings.append(
                f"warning: {student.entry} uploaded {destination} more than once: kept the later {kept!r}, dropped {path!r}"
            )
        roster.add_file(student, destination, kept)


def parse_moodle(download: Download, roster: Roster, teams: bool = False) -> None:
    """Moodle: ``Jane Doe_2001_assignsubmission_file/backprop.py`` -> student ``Jane Doe`` (participant 2001), ``backprop.py``.

    With ``teams`` (the assignment's "Students submit in groups"), the same shape names a group:
    ``Team Red_42_assignsubmission_file/backprop.py`` -> team ``Team Red`` (group 42), and ``Default group_...``
    the students in no group (no id). Without ``teams``, a ``Default group`` folder is refused with that hint.
    """

    def fits(path: str) -> bool:
        first, _, rest = path.partition("/")
        return bool(MOODLE_FOLDER.fullmatch(first) and rest) if rest else bool(MOODLE_FLAT.fullmatch(path))

    paths, top = unwrap(download.paths, fits)
    for path in paths:
        first, _, rest = path.partition("/")
        found = MOODLE_FOLDER.fullmatch(first) if rest else MOODLE_FLAT.fullmatch(path)
        if found is None or not fits(path):
            raise unknown(download.location, "moodle", top + path)
        name, ident = found["student"].strip(), found["id"] or ""
        if teams:
            student = roster.student(name, "", team=name, team_id=ident)
        elif name == MOODLE_DEFAULT_TEAM and not ident:
            raise CollectError(
                f"{download.location}: {top + path!r} is a team submission ({MOODLE_DEFAULT_TEAM}, no participant id):"
                " for an assignment where students submit in groups, add --teams"
            )
        else:
            student = roster.student(name, ident)
        roster.add_file(student, rest or found["file"], top + path)


def blackboard_assignment(heads: set[str], receipts: dict[str, str]) -> str | None:
    """The assignment's name in a Blackboard download, where ``<assignment>_<username>`` may have ``_`` on both sides.

    ``heads`` are the ``<assignment>_<username>`` parts of the names, ``receipts`` a head's receipt text. A receipt's
    ``Name: Jane Doe (j_doe)`` line says where the username starts; without a receipt, the assignment is taken to be
    the longest ``_``-separated prefix that every head shares while leaving each a username (one download is one
    assignment). None when nothing decides (one head without a receipt). Example: ``{"HW_3_j_doe", "HW_3_k_lee"}``
    and no receipts give ``"HW_3"``.
    """
    from_receipts = set()
    for head, text in receipts.items():
        for line in BLACKBOARD_NAME.finditer(text):
            user = line["user"].strip()
            if user and head.endswith("_" + user) and len(head) > len(user) + 1:
                from_receipts.add(head[: -len(user) - 1])
    if len(from_receipts) == 1:
        return from_receipts.pop()
    if len(heads) < 2:
        return None
    parts = [head.split("_") for head in heads]
    shared = 0
    while all(len(p) > shared + 1 for p in parts) and len({p[shared] for p in parts}) == 1:
        shared += 1
    return "_".join(parts[0][:shared]) if shared else None


def parse_blackboard(download: Download, roster: Roster) -> None:
    """Blackboard: ``HW3_jdoe_attempt_2026-11-30-23-59-00_backprop.py`` -> ``jdoe``'s ``backprop.py``; the receipt names them.

    Both the assignment and the username may contain ``_`` (``HW_3_j_doe_attempt_...``): see
    :func:`blackboard_assignment` for how they are told apart. A head that does not start with the assignment so
    found, or a download with one student and no receipt, splits at the last ``_`` (username ``doe``).
    """

    def fits(path: str) -> bool:
        return "/" not in path and BLACKBOARD_FILE.fullmatch(path) is not None

    paths, top = unwrap(download.paths, fits)
    found_paths, receipts = [], {}
    for path in paths:
        found = BLACKBOARD_FILE.fullmatch(path) if "/" not in path else None
        if found is None or "_" not in found["head"]:
            raise unknown(download.location, "blackboard", top + path)
        found_paths.append((path, found))
        if found["receipt"]:
            receipts[found["head"]] = download.read(top + path).decode("utf-8", "replace")
    assignment = blackboard_assignment({found["head"] for _, found in found_paths}, receipts)
    usernames: dict[str, str] = {}
    for path, found in found_paths:
        head = found["head"]
        if assignment and head.startswith(assignment + "_") and len(head) > len(assignment) + 1:
            username = head[len(assignment) + 1 :]
        else:
            username = head.rsplit("_", 1)[1]
        usernames[head] = username
        student = roster.student(username, username, submitted_at=found["when"])
        if found["receipt"]:
            student.originals.append(top + path)
        else:
            roster.add_file(student, found["file"], top + path)
    for head, text in receipts.items():
        student = roster.students[(usernames[head], usernames[head])]
        for line in BLACKBOARD_NAME.finditer(text):
            if line["user"].strip() == usernames[head] and line["name"]:
                student.name = line["name"]


def gradescope_value(record: dict, key: str) -> object:
    """A value of Gradescope's metadata, whose keys are Ruby symbols (``:name``); plain keys are accepted too."""
    return record.get(f":{key}", record.get(key))


def parse_gradescope(download: Download, roster: Roster) -> None:
    """Gradescope: ``submission_3001/backprop.py`` -> the submitters that ``submission_metadata.yml`` lists for ``submission_3001``."""
    metadata_paths = [path for path in download.paths if path.rsplit("/", 1)[-1] == GRADESCOPE_METADATA and path.count("/") <= 1]
    if len(metadata_paths) != 1:
        found = "none" if not metadata_paths else ", ".join(metadata_paths)
        raise CollectError(
            f"{download.location}: expected one {GRADESCOPE_METADATA} at the top of a Gradescope export, found {found}:"
            " use Gradescope's Export Submissions, or --from folders"
        )
    metadata_path = metadata_paths[0]
    top = metadata_path[: -len(GRADESCOPE_METADATA)]
    try:
        import yaml  # PyYAML, from the platforms extra: only Gradescope needs it
    except ImportError:
        raise CollectError("reading a Gradescope export needs PyYAML: pip install -e '.[platforms]'") from None
    try:
        metadata = yaml.safe_load(download.read(metadata_path).decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        raise CollectError(f"{download.location}: {metadata_path} is not readable YAML ({one_line(error)})") from None
    if not isinstance(metadata, dict):
        raise CollectError(f"{download.location}: {metadata_path} does not map submission folders to submitters")
    folders: dict[str, list[str]] = {}
    for path in download.paths:
        if path == metadata_path:
            continue
        if not path.startswith(top) or "/" not in path[len(top) :]:
            raise unknown(download.location, "gradescope", path, " (a file outside the submission folders)")
        folder, rest = path[len(top) :].split("/", 1)
        if folder not in metadata:
            raise unknown(download.location, "gradescope", path, f" ({folder} is not in {GRADESCOPE_METADATA})")
        folders.setdefault(folder, []).append(rest)
    for folder in sorted(metadata, key=str):
        record = metadata[folder]
        submitters = gradescope_value(record, "submitters") if isinstance(record, dict) else None
        if not isinstance(submitters, list) or not submitters:
            raise CollectError(f"{download.location}: {metadata_path} lists no submitters for {folder}")
        submission_id = re.sub(r"^submission_", "", str(folder))
        created = gradescope_value(record, "created_at")
        for submitter in submitters:
            if not isinstance(submitter, dict):
                raise CollectError(f"{download.location}: {metadata_path}: a submitter of {folder} is not a record with a name")
            name = str(gradescope_value(submitter, "name") or "").strip()
            sid = str(gradescope_value(submitter, "sid") or "").strip()
            email = str(gradescope_value(submitter, "email") or "").strip()
            lms_id = sid or (email.split("@", 1)[0] if email else submission_id)
            key = (name or lms_id, lms_id)
            if key in roster.students:
                raise CollectError(
                    f"{download.location}: {name or lms_id} has two submissions in {metadata_path}"
                    f" ({roster.students[key].submission_id} and {submission_id}): keep only the active one"
                )
            student = roster.student(name or lms_id, lms_id, submission_id=submission_id, email=email, sis_id=sid)
            student.submitted_at = str(created or "")
            for rest in sorted(folders.get(str(folder), [])):
                roster.add_file(student, rest, f"{top}{folder}/{rest}")


def parse_folders(download: Download, roster: Roster) -> None:
    """One folder per student: ``Jane Doe/backprop.py`` -> student ``Jane Doe``; a top-level ``ed.ipynb`` -> student ``ed``."""
    for path in download.paths:
        first, _, rest = path.partition("/")
        if rest:
            roster.add_file(roster.student(first), rest, path)
        elif path.endswith(".ipynb"):
            roster.add_file(roster.student(path[: -len(".ipynb")]), path, path)
        else:
            raise unknown(download.location, "folders", path, " (a loose file at the top; only notebooks may be there)")


def parse_pattern(download: Download, roster: Roster, pattern: re.Pattern) -> None:
    """``--pattern``: each file's path must match; its ``student``, ``id``, ``late`` and ``file`` groups say whose and where."""
    for path in download.paths:
        found = pattern.fullmatch(path)
        if found is None or not (found.groupdict().get("student") or "").strip():
            raise CollectError(f"{download.location}: {path!r} does not match --pattern {pattern.pattern!r}: adjust the pattern")
        groups = found.groupdict()
        student = roster.student(groups["student"].strip(), (groups.get("id") or "").strip())
        if "late" in pattern.groupindex:
            student.late = "yes" if groups.get("late") or student.late == "yes" else "no"
        roster.add_file(student, groups.get("file") or path.rsplit("/", 1)[-1], path)


def compile_pattern(text: str) -> re.Pattern:
    """``--pattern``, checked: a valid regular expression with a ``student`` group (and only known groups)."""
    try:
        pattern = re.compile(text)
    except re.error as error:
        raise CollectError(f"--pattern is not a valid regular expression ({one_line(error)})") from None
    if "student" not in pattern.groupindex:
        raise CollectError("--pattern needs a named group for the student, e.g. (?P<student>[^_]+)_(?P<id>\\d+)_(?P<file>.+)")
    extra = set(pattern.groupindex) - {"student", "id", "late", "file"}
    if extra:
        raise CollectError(f"--pattern has groups collect does not know: {', '.join(sorted(extra))} (use student, id, late, file)")
    return pattern


PARSERS = {
    "canvas": parse_canvas,
    "moodle": parse_moodle,
    "blackboard": parse_blackboard,
    "gradescope": parse_gradescope,
    "folders": parse_folders,
}


# --------------------------------------------------------------------------- writing the class folder


def entry_path(student: Student) -> str:
    """Where the student goes in CLASS_DIR: a folder, ``<entry>.ipynb`` when the whole submission is one notebook, "" when no file."""
    if not student.files:
        return ""
    if len(student.files) == 1 and next(iter(student.files)).endswith(".ipynb") and "/" not in next(iter(student.files)):
        return f"{student.entry}.ipynb"
    return f"{student.entry}/"


def roster_csv(students: list[Student], lms: str) -> str:
    """``roster.csv``'s text: the header :data:`ROSTER_COLUMNS`, then one row per student in entry order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ROSTER_COLUMNS)
    for s in students:
        writer.writerow(
            [
                s.entry,
                entry_path(s),
                s.name,
                lms,
                s.lms_id,
                s.submission_id,
                s.email,
                s.sis_id,
                s.late,
                s.submitted_at,
                ";".join(sorted(s.originals)),
                s.team,
                s.team_id,
            ]
        )
    return out.getvalue()


def check_out(out: Path) -> None:
    """CLASS_DIR may be new, empty, or an earlier collect's output (it is then replaced); nothing else is overwritten."""
    if not out.parent.is_dir():
        raise CollectError(f"the folder that would hold {out.name}, {out.parent}, does not exist: create it first")
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise CollectError(f"{out} exists and is not a folder: choose another --out")
    if out.is_dir() and any(out.iterdir()) and not (out / ROSTER_NAME).is_file():
        raise CollectError(f"{out} exists and was not made by collect (no {ROSTER_NAME}): choose a new --out, or remove it")


def write_class(out: Path, download: Download, students: list[Student], lms: str) -> None:
    """Build the class folder beside ``out`` and rename it into place; on any error, nothing is left behind."""
    umask = os.umask(0)
    os.umask(umask)
    building = Path(tempfile.mkdtemp(prefix=f".{out.name}.collecting-", dir=out.parent))
    try:
        for student in students:
            where = entry_path(student)
            for destination, original in sorted(student.files.items()):
                target = building / (where if where.endswith(".ipynb") else where + destination)
                if building.resolve() not in target.resolve().parents:
                    raise CollectError(f"{download.location}: {original!r} would be written outside the class folder: refused")
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "xb") as stream:
                    stream.write(download.read(original))
        write_atomic(building / ROSTER_NAME, roster_csv(students, lms))
        for folder in [building, *(p for p in building.rglob("*") if p.is_dir())]:
            folder.chmod(0o777 & ~umask)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.replaced-", dir=out.parent))
            os.replace(out, old / out.name)
            os.replace(building, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(building, out)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def collect(source: Path, lms: str, out: Path, pattern: str | None = None, teams: bool = False) -> tuple[list[Student], list[str]]:
    """Collect the download at ``source`` (a .zip or a folder) laid out as ``lms`` into the class folder ``out``.

    ``teams``: a Moodle download of team submissions (one folder per group). Returns the students, sorted by entry,
    and the warnings (``warning: ...`` lines: a re-upload of which only the later file was kept). Raises
    :class:`CollectError` (and writes nothing) for any problem.
    Example: ``collect(Path("submissions.zip"), "canvas", Path("class"))`` writes ``class/doejane-1001/backprop.py``
    and ``class/roster.csv``.
    """
    if lms not in PARSERS:
        raise CollectError(f"unknown --from {lms!r}: choose one of {', '.join(LMS_CHOICES)}")
    regex = compile_pattern(pattern) if pattern else None
    if regex is not None and lms == "gradescope":
        raise CollectError("--pattern does not apply to a Gradescope export: its submission_metadata.yml names the students")
    if teams and (lms != "moodle" or regex is not None):
        raise CollectError("--teams is for a Moodle download of team submissions (--from moodle, without --pattern)")
    out = Path(os.path.abspath(out))
    source = Path(os.path.abspath(source))
    if out == source or out in source.parents or source in out.parents:
        raise CollectError(f"--out {out} must be outside the download {source}")
    check_out(out)
    download = Download(source)
    try:
        roster = Roster(lms, source)
        if regex is not None:
            parse_pattern(download, roster, regex)
        elif teams:
            parse_moodle(download, roster, teams=True)
        else:
            PARSERS[lms](download, roster)
        students = roster.finished()
        write_class(out, download, students, lms)
    finally:
        download.close()
    return students, roster.warnings


def notes(students: list[Student]) -> list[str]:
    """One line for each student ``grade-class`` would grade as empty: notebooks beside other files, or a zip they uploaded."""
    lines = []
    for student in students:
        names = [Path(d).name for d in student.files]
        if (
            entry_path(student).endswith("/")
            and any(n.endswith(".ipynb") for n in names)
            and not any(n in GRADED_FILES and n.endswith(".py") for n in names)
        ):
            lines.append(
                f"note: {student.entry} submitted notebooks among other files; grade-class grades a folder's .py files,"
                " so grade that notebook on its own (grade PATH)"
            )
        if any(name.lower().endswith(ARCHIVES) for name in names):
            lines.append(f"note: {student.entry} uploaded an archive, left as it is: extract it into {student.entry}/ before grading")
    return lines


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="ARCHIVE_OR_FOLDER", help="the LMS's bulk download: the .zip, or the folder it was extracted to")
    parser.add_argument(
        "--from", dest="lms", required=True, choices=LMS_CHOICES, help="which LMS made the download (folders: one folder per student)"
    )
    parser.add_argument("--out", required=True, metavar="CLASS_DIR", help="the class folder to write (new, or an earlier collect's output)")
    parser.add_argument(
        "--pattern", help="a Python regex for each file's path in the download, with named groups student (required), id, late, file"
    )
    parser.add_argument(
        "--teams", action="store_true", help="a Moodle assignment where students submit in groups: each folder is a team (group)"
    )


def main(args: argparse.Namespace) -> int:
    """Run ``collect``: 0 when the class folder is written, 2 (one line on stderr, nothing written) otherwise."""
    try:
        replaced = Path(args.out).is_dir() and any(Path(args.out).iterdir())
        students, warnings = collect(Path(args.source), args.lms, Path(args.out), args.pattern, args.teams)
    except CollectError as error:
        print(f"error: {one_line(error)}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error.filename or args.source}: {error.strerror or one_line(error)}", file=sys.stderr)
        return 2
    except Exception as error:  # noqa: BLE001 - the last resort: one line, never a traceback
        print(f"error: collect failed on {args.source}: {type(error).__name__}: {one_line(error)}", file=sys.stderr)
        return 2
    if replaced:  # collecting again (late submissions) starts from the download: say what that undid
        warnings.append(
            f"note: {args.out} was replaced by what the download holds: what was changed in it since the last collect "
            "(archives extracted, files fixed) is undone; do it again before grading"
        )
    for line in [*warnings, *notes(students)]:
        print(line, file=sys.stderr)
    late = sum(s.late == "yes" for s in students)
    print(f"collected {len(students)} student{'' if len(students) == 1 else 's'} ({late} late) from the {args.lms} download {args.source} into {args.out}")
    print(f"roster: {Path(args.out) / ROSTER_NAME}; next: python -m autograder grade-class {args.out} --out GRADED")
    return 0
