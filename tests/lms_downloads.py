"""Build an LMS's "download all submissions" zip for given students, named as the LMS's own code names it.

For tests of ``collect`` (tests/test_lms.py) and whole-class acceptance tests: describe the students once, then
build the download of any LMS, odd names included (accents, underscores, re-uploads, late work, teams)::

    from tests.lms_downloads import Student, canvas_download, write_zip
    class_ = [Student("José Núñez", files=[("training_loop.py", b"x = 1\\n")], canvas_id="1001", late=True)]
    write_zip(tmp_path / "submissions.zip", canvas_download(class_))
    write_zip(tmp_path / "windows.zip", canvas_download(class_), encoding="cp850")  # Windows' zipper: no UTF-8 flag

Each ``*_download`` returns ``{name in the zip: bytes}``; :func:`write_zip` writes it with the UTF-8 flag (as
Canvas's rubyzip and Moodle's zip writer do) or, given ``encoding``, as raw bytes in that encoding with the flag
unset (what Windows' own zipper and Info-ZIP write). The naming is read in the platforms' code:

- Canvas, instructure/canvas-lms ``lib/content_zipper.rb``: ``add_upload_submission`` names an upload
  ``<get_filename>_<attachment id>_<display name>``; ``get_filename`` joins ``[sortable name, "LATE", user id]``
  (``anon_<anonymous id>`` instead of name and id when grading is anonymous) with ``_`` and keeps word characters
  (``sanitize_file_name``); ``sanitize_user_name`` lowercases. The display name is made unique in the student's
  submissions folder by ``app/models/attachment.rb`` ``handle_duplicates`` (always ``:rename`` there) with
  ``make_unique_filename``: ``<base>-1<ext>`` ... ``<base>-7<ext>``, then ``<base>-<SecureRandom.uuid><ext>``.
  Attachment ids come from the database's sequence: a later upload has a larger id.
- Moodle, moodle/moodle ``mod/assign/classes/downloader.php``: ``get_student_prefix`` is ``<full name>_<participant
  id>`` (``_`` in the name made a space), or for team submissions ``<group name>_<group id>`` (``Default group``
  without id for students in no group); ``load_submissionplugin_filelist`` adds ``_assignsubmission_file`` and
  then ``/<file>`` (download as folders, the default) or ``_<file>``; ``clean_filename`` (``clean_param`` with
  ``PARAM_FILE``) drops control characters and ``&<>"`|':\\/``.
- Blackboard (no public source; nbgrader's ``zipcollect.py`` example and vangef/BBGradebookOrganiser):
  ``<assignment>_<username>_attempt_<YYYY-MM-DD-HH-MM-SS>_<file>`` and the receipt ``..._attempt_<date>.txt`` with a
  ``Name: Full Name (username)`` line.
"""

from __future__ import annotations

import re
import struct
import uuid
import zlib
from dataclasses import dataclass, field
from pathlib import Path

WHEN = "2026-11-30-23-59-00"
FIRST_ATTACHMENT_ID = 9001


@dataclass
class Student:
    """One student (or, for Moodle teams, one group) and what they uploaded, in upload order.

    ``files`` are ``(file name as the student gave it, bytes)``; the same name twice is a re-upload. ``earlier``
    counts uploads of each name already in the student's Canvas submissions folder from earlier submissions
    (not in this download): 8 or more makes Canvas name the next one ``<base>-<uuid><ext>``. ``sortable`` is
    Canvas's sortable name (default ``"Last, First"`` from ``name``).
    """

    name: str
    files: list[tuple[str, bytes]] = field(default_factory=list)
    canvas_id: str = ""
    sortable: str = ""
    anonymous_id: str = ""
    late: bool = False
    earlier: int = 0
    moodle_id: str = ""
    username: str = ""
    receipt: bool = True

    def sortable_name(self) -> str:
        if self.sortable:
            return self.sortable
        *first, last = self.name.split()
        return f"{last}, {' '.join(first)}" if first else last


def make_unique_filename(name: str, existing: set[str], random: uuid.UUID | None = None) -> str:
    """Canvas's ``Attachment.make_unique_filename`` (app/models/attachment.rb): ``-1`` ... ``-7``, then ``-<uuid>``."""
    if name not in existing:
        return name
    ext = (re.search(r"(\.[A-Za-z][A-Za-z0-9]*)*(\.[A-Za-z0-9]*)$", name) or [""])[0]
    base = name[: len(name) - len(ext)]
    for addition in range(1, 8):
        candidate = f"{base}-{addition}{ext}"
        if candidate not in existing:
            return candidate
    return f"{base}-{random or uuid.uuid4()}{ext}"


def canvas_user_name(sortable: str) -> str:
    """``sanitize_user_name`` then ``sanitize_file_name``: ``_<digits>_`` joined, lowercased, word characters only."""
    name = re.sub(r"_(\d+)_", r"\1", sortable).lower()
    return re.sub(r"[^\w]", "", name)


def canvas_download(students: list[Student], anonymous: bool = False) -> dict[str, bytes]:
    """The Canvas zip's members: one flat file per upload, attachment ids increasing in upload order."""
    members, attachment = {}, FIRST_ATTACHMENT_ID
    for number, student in enumerate(students):
        if anonymous:
            who = f"{'LATE_' if student.late else ''}anon_{student.anonymous_id}"
        else:
            who = "_".join([canvas_user_name(student.sortable_name()), *(["LATE"] if student.late else []), student.canvas_id])
        folder: set[str] = set()  # the student's submissions folder: earlier uploads keep their names
        for own in dict.fromkeys(own for own, _ in student.files):
            for _ in range(student.earlier):
                folder.add(make_unique_filename(own, folder))
        for own, data in student.files:
            shown = make_unique_filename(own, folder, uuid.UUID(int=number * 1000 + attachment))
            folder.add(shown)
            members[f"{who}_{attachment}_{shown}"] = data
            attachment += 1
    return members


def moodle_prefix(name: str, ident: str) -> str:
    """``get_student_prefix``: ``_`` in the name made a space, then ``clean_filename``."""
    prefix = name.replace("_", " ") + (f"_{ident}" if ident else "")
    return re.sub(r"[\x00-\x1f\x7f&<>\"`|':\\/]", "", prefix)


def moodle_download(students: list[Student], folders: bool = True, teams: bool = False) -> dict[str, bytes]:
    """The Moodle zip's members; with ``teams`` each Student is a group (``moodle_id`` its group id, "" for Default group)."""
    members = {}
    for student in students:
        prefix = moodle_prefix(student.name, student.moodle_id) + "_assignsubmission_file"
        for own, data in student.files:
            members[f"{prefix}/{own}" if folders else f"{prefix}_{own}"] = data
    return members


def blackboard_download(students: list[Student], assignment: str = "HW3 Training") -> dict[str, bytes]:
    """The Blackboard zip's members: each file behind ``<assignment>_<username>_attempt_<date>_``, and the receipt."""
    members = {}
    for student in students:
        prefix = f"{assignment}_{student.username}_attempt_{WHEN}"
        if student.receipt:
            text = f"Name: {student.name} ({student.username})\nAssignment: {assignment}\nDate Submitted: Monday, 30 November 2026\n"
            members[f"{prefix}.txt"] = text.encode()
        for own, data in student.files:
            members[f"{prefix}_{own}"] = data
    return members


def write_zip(path: Path, members: dict[str, bytes], encoding: str | None = None) -> Path:
    """Write ``members`` as a stored zip; names in UTF-8 with bit 11 set, or in ``encoding`` with bit 11 unset.

    Written byte by byte (APPNOTE.TXT 4.3.7, 4.3.12, 4.3.16) because Python's zipfile sets bit 11 on every
    non-ASCII name, which is exactly what Windows' zipper and Info-ZIP do not do.
    """
    flag = 0x800 if encoding is None else 0
    body, central = bytearray(), bytearray()
    for name, data in members.items():
        raw = name.encode(encoding or "utf-8")
        crc, offset = zlib.crc32(data), len(body)
        # version, flags, method (stored), time, date (2026-11-30 23:59:00), crc, sizes, name length, extra length
        fixed = struct.pack("<HHHHHIIIHH", 20, flag, 0, (23 << 11) | (59 << 5), ((2026 - 1980) << 9) | (11 << 5) | 30,
                            crc, len(data), len(data), len(raw), 0)  # fmt: skip
        body += b"PK\x03\x04" + fixed + raw + data
        central += b"PK\x01\x02" + struct.pack("<H", 20) + fixed + struct.pack("<HHHII", 0, 0, 0, 0o644 << 16, offset) + raw
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central), len(body), 0)
    path.write_bytes(bytes(body + central + end))
    return path
