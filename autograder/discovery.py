"""What a submission holds: which parts, where each was found, and how the sandboxed child loads it.

The one place that looks at a submission's files before grading: ``grade``,
``check``, ``grade-class``'s workers, the CI command and the Gradescope runner
all call :func:`discover`. Nothing is run here; notebooks are read as JSON.

Where the work is looked for (a folder ``S``; "depth" counts the folders between ``S`` and the file):

- a ``.py`` file named after a part, at depth 0, 1 or 2 (``S/backprop.py``,
  ``S/exercises/backprop.py``, ``S/repo-main/backprop.py``), or at depth 3 in a
  folder called ``exercises`` (``S/student/repo-main/exercises/backprop.py``: a
  whole repository or student bundle inside, one or two levels down);
- "named after a part" also takes a name that differs only by case
  (``Backprop.py``) or by a download's copy number (``backprop (1).py``,
  ``backprop(2).py``, ``backprop-2.py``); nothing looser: ``backprop_v2.py`` or
  ``my_backprop.py`` are not taken;
- notebooks (``.ipynb``, depth 0 to 4: ``S/student/repo-main/notebooks/plain/``) fill the parts still missing, matched by
  their metadata, their file name, or the functions their cells define
  (:func:`autograder.notebooks.notebook_modules`);
- hidden folders, ``__pycache__``, ``.ipynb_checkpoints``, ``__MACOSX``, virtual
  environments and the bundle's own ``autograder/`` package are not looked in.

When several files could be one part, the nearest to the top wins, then one in
``exercises/`` (``notebooks/`` for notebooks), then the exact name over a case
variant over a download copy, then the highest copy number (the latest
download); each such choice is one note. Files still tied after that (two
copies of the repository side by side) are refused: the part is not graded, and
one note names both. A file that cannot be Python source (binary data, not
UTF-8, empty, unreadable, over :data:`MAX_SOURCE_BYTES`) or that is a symbolic
link is skipped with one note when another file gives its part; when none does,
the part is handed in but ``unloadable``: its tests score 0 and the reason is one
load error, for the instructor's look. A folder with more than :data:`MAX_FILES`
entries, or in which nothing is found, is an :class:`InputError` (one line, exit
code 2). :func:`content_digest` fingerprints the files looked at, for a rerun.

Example:
    >>> found = discover(Path("solutions"))
    >>> sorted(found.modules)[:2], found.where["backprop"]
    (['backprop', 'early_stopping'], 'backprop.py')
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tokenize
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from autograder.course.parts import NAMES
from autograder.errors import InputError
from autograder.notebooks import notebook_modules

Modules = dict[str, tuple[str, object]]

ARCHIVES = (".zip", ".7z", ".rar", ".tar", ".gz", ".tgz")  # what students upload instead of their files; never opened here
MAX_ARCHIVE_BYTES = 50 * 1024 * 1024  # a zip looked into (its directory only) to see whether it was extracted
MAX_FILES = 2000  # entries looked at in one submission: a class folder or a home folder is not a submission
MAX_SOURCE_BYTES = 1024 * 1024  # an exercise file is a few kB; a bigger one is data or an accident
PY_DEPTH = 2  # folders between the submission and a .py file; one more when the last one is exercises/
NOTEBOOK_DEPTH = 4  # folders between the submission and a notebook (S/student/repo/notebooks/plain/x.ipynb)
NOT_LOOKED_IN = {"__pycache__", ".ipynb_checkpoints", "__MACOSX", "node_modules", "site-packages", "venv", "env", "autograder"}
# A download's copy number: "backprop (1)" and "backprop(1)" (browsers), "backprop-1" (Canvas's re-upload).
_COPY = re.compile(r"^(?P<base>.+?)(?:\s?\((?P<paren>\d{1,3})\)|-(?P<dash>\d{1,3}))$")
EXACT, CASE, COPY = 0, 1, 2  # how a file's name matches its part, best first
HOW = {EXACT: "its exact name", CASE: "a name that differs only by case", COPY: "a download's copy of the name"}


@dataclass
class Found:
    """A submission's parts and where they came from.

    ``modules``: part -> how the child loads it (see :class:`autograder.judge.client.Submission`):
    ``("file", None)`` for ``S/<part>.py``, ``("file", "relative/path.py")`` for a file found
    elsewhere or under another name, ``("notebook", [cell sources])``. ``where``: part -> the path,
    relative to the submission, it was taken from. ``notes``: one line per choice made or file skipped.
    ``unloadable``: part -> why its file cannot be Python source (:func:`source_problem`), for a part whose only
    files are such: it was handed in, but is not in ``modules``; ``where`` names the file. Its tests score 0 and
    the reason is said once, as a load error (:func:`autograder.judge.loading.unloadable`). ``archives``: the
    archives (``.zip``...) beside the files, never opened: work in one is not graded until someone extracts it.
    """

    modules: Modules
    notes: list[str] = field(default_factory=list)
    where: dict[str, str] = field(default_factory=dict)
    unloadable: dict[str, str] = field(default_factory=dict)
    archives: list[str] = field(default_factory=list)

    def unopened(self) -> list[str]:
        """One "needs a look" reason per archive beside the graded files: it may hold parts graded as missing."""
        return [f"{name} was not opened: if it holds work, extract it into the submission and grade again" for name in self.archives]


def part_for_name(filename: str) -> tuple[str, int, int] | None:
    """(part, how the name matches, copy number) for a file name taken as a part's ``.py``, else None.

    Example:
        >>> part_for_name("Backprop.py"), part_for_name("backprop (2).py"), part_for_name("backprop_v2.py")
        (('backprop', 1, 0), ('backprop', 2, 2), None)
    """
    stem, dot, suffix = filename.rpartition(".")
    if not dot or suffix.lower() != "py":
        return None
    if stem in NAMES:
        return stem, EXACT, 0
    if stem.lower() in NAMES:
        return stem.lower(), CASE, 0
    copy = _COPY.match(stem)
    if copy and copy["base"].lower() in NAMES:
        return copy["base"].lower(), COPY, int(copy["paren"] or copy["dash"])
    return None


# The first bytes of binary files a student may hand in under a .py name, for a reason they recognise.
_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a zip archive",
    b"\x7fELF": "a program",
}


def _binary_kind(data: bytes) -> str:
    """What a binary file looks like: ``"a PNG image"``, ``"compiled Python (a .pyc file)"``, or ``"binary data"``."""
    for signature, kind in _SIGNATURES.items():
        if data.startswith(signature):
            return kind
    if data[2:4] == b"\r\n" and len(data) >= 16:  # a .pyc: two bytes of Python's version, then \r\n (PEP 552)
        return "compiled Python (a .pyc file)"
    return "binary data"


def source_problem(path: Path) -> str | None:
    """Why the file at ``path`` cannot be a Python module (in the student's terms), or None when it can.

    Example: a file saved as cp1252, ``b"# \\x93quote\\x94\\n"``, gives "it is not UTF-8 text (byte 0x93 at line 1), and
    Python refuses to import such a file on any computer: save it as UTF-8 (...) and try again"; an empty file, "it is
    empty: ...".
    """
    if path.is_symlink():
        return "it is a symbolic link, and only files themselves are graded: hand in the file itself"
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            return (
                f"it is {size / 2**20:.1f} MB, more than the {MAX_SOURCE_BYTES // 2**20} MB an exercise file may be: hand in only your code"
            )
        data = path.read_bytes()
    except OSError as error:
        return f"it cannot be read ({(error.strerror or str(error)).lower()}): make it readable (chmod a+r) and grade again"
    if b"\0" in data:
        return f"it is a binary file ({_binary_kind(data)}), not Python source: hand in the .py file your editor saved"
    try:  # Python reads UTF-8 (a BOM allowed) unless the file declares another encoding (PEP 263): do the same
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:  # a first or second line that is not UTF-8, or an encoding Python does not know: the child says which
        encoding = "utf-8"
    try:
        data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return (
            f"it is not UTF-8 text (byte 0x{data[error.start]:02x} at line {line}), and Python refuses to import such a file "
            "on any computer: save it as UTF-8 (the editor's 'save with encoding') and try again"
        )
    if not data.strip():
        return "it is empty: hand in the file with your code"
    return None


def _walk(folder: Path) -> list[Path]:
    """Every file (and link) a submission may hold where work is looked for, relative to ``folder``."""
    files: list[Path] = []
    seen = 0
    for top, dirs, names in os.walk(folder, followlinks=False):
        relative = Path(top).relative_to(folder)
        depth = len(relative.parts)
        seen += len(dirs) + len(names)
        if seen > MAX_FILES:
            raise InputError(
                f"{folder} holds more than {MAX_FILES} files: a submission holds the exercise files; "
                "grade the student's own folder, or remove what is not theirs (a virtual environment, a data set)"
            )
        dirs[:] = sorted(d for d in dirs if depth < NOTEBOOK_DEPTH and not d.startswith(".") and d not in NOT_LOOKED_IN)
        files += [relative / name for name in sorted(names) if not name.startswith(".")]
    return files


def _extracted(folder: Path, archive: Path) -> bool:
    """Whether every .py and .ipynb of the zip ``archive`` is already beside it, the same bytes (its own folder, or
    that folder without the zip's top folder): then it holds nothing still to extract. Read from the zip's
    directory (sizes and CRCs): nothing is decompressed. Another archive, a zip that cannot be read, one with no
    .py or .ipynb, over :data:`MAX_FILES` entries or a member named outside its folder (absolute, ``..``): False,
    so it stays a look."""
    if archive.suffix.lower() != ".zip" or (folder / archive).is_symlink():
        return False
    try:
        if (folder / archive).stat().st_size > MAX_ARCHIVE_BYTES:
            return False
        with zipfile.ZipFile(folder / archive) as opened:
            if len(opened.filelist) > MAX_FILES:
                return False
            members = [info for info in opened.infolist() if Path(info.filename).suffix.lower() in (".py", ".ipynb")]
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    root = folder.resolve()
    here = (folder / archive).parent

    def beside(info: zipfile.ZipInfo) -> bool:
        inner = Path(info.filename)
        if inner.is_absolute() or ".." in inner.parts or info.file_size > MAX_SOURCE_BYTES:
            return False  # never a file outside the submission, never a big read
        for candidate in {here / inner, here / Path(*inner.parts[1:]) if len(inner.parts) > 1 else here / inner}:
            try:
                if not candidate.resolve().is_relative_to(root) or candidate.is_symlink() or not candidate.is_file():
                    continue
                if candidate.stat().st_size == info.file_size and zlib.crc32(candidate.read_bytes()) == info.CRC:
                    return True
            except OSError:
                continue
        return False

    return bool(members) and all(beside(info) for info in members)


def _rank(relative: Path, favoured: str, how: int = EXACT, copy: int = 0) -> tuple:
    """Smaller is better: nearer the top, in the favoured folder, a better name, a later copy."""
    return (len(relative.parts), relative.parent.name != favoured, how, -copy)


def _choose(part: str, candidates: list[tuple[tuple, Path]], found: Found) -> Path | None:
    """The candidate to take for ``part`` (a note says why when there was a choice), or None when tied."""
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], str(c[1])))
    best_rank, best = candidates[0]
    tied = [path for rank, path in candidates if rank == best_rank]
    if len(tied) > 1:
        found.notes.append(
            f"{part}: not graded, {len(tied)} files could be it ({', '.join(p.as_posix() for p in tied)}): keep only one and grade again"
        )
        return None
    if len(candidates) > 1:
        others = ", ".join(p.as_posix() for _, p in candidates[1:])
        found.notes.append(f"{part}: took {best.as_posix()} (nearest the top, then the best name), not {others}")
    return best


def _folder(folder: Path) -> Found:
    found = Found({})
    files = _walk(folder)
    sources: dict[str, list[tuple[tuple, Path]]] = {}
    skipped: dict[str, list[tuple[tuple, Path, str]]] = {}  # part -> its files that cannot be source, and why
    for relative in files:
        if relative.suffix.lower() != ".py":
            continue
        match = part_for_name(relative.name)
        depth = len(relative.parts) - 1
        if match is None or depth > PY_DEPTH + (relative.parent.name == "exercises"):
            continue
        part, how, copy = match
        problem = source_problem(folder / relative)
        if problem:
            skipped.setdefault(part, []).append((_rank(relative, "exercises", how, copy), relative, problem))
            continue
        sources.setdefault(part, []).append((_rank(relative, "exercises", how, copy), relative))
    for part in NAMES:
        chosen = _choose(part, sources.get(part, []), found)
        if chosen is not None:
            found.modules[part] = ("file", None if chosen.as_posix() == f"{part}.py" else chosen.as_posix())
            found.where[part] = chosen.as_posix()
    refused = {part for part in sources if part not in found.modules}
    for part, bad in skipped.items():
        bad.sort(key=lambda b: (b[0], str(b[1])))
        for index, (_, relative, problem) in enumerate(bad):
            if index == 0 and part not in sources:  # handed in, but nothing of it can be loaded: a load error, not a note
                found.unloadable[part], found.where[part] = problem, relative.as_posix()
            else:
                found.notes.append(f"skipped {relative.as_posix()}: {problem}")
    notebooks: dict[str, list[tuple[tuple, Path]]] = {}
    loaded: dict[Path, Modules] = {}
    for relative in files:
        if relative.suffix.lower() != ".ipynb":
            continue
        if (folder / relative).is_symlink():
            found.notes.append(f"skipped {relative.as_posix()}: it is a symbolic link, and only files themselves are graded")
            continue
        try:
            loaded[relative] = notebook_modules(folder / relative)
        except (ValueError, OSError) as error:
            found.notes.append(f"skipped {relative.as_posix()}: {error}")
            continue
        for part in loaded[relative]:
            if part not in found.modules and part not in refused:
                how = EXACT if relative.stem == part else CASE
                notebooks.setdefault(part, []).append((_rank(relative, "notebooks", how), relative))
    for part in NAMES:
        chosen = _choose(part, notebooks.get(part, []), found)
        if chosen is not None:
            found.modules[part] = loaded[chosen][part]
            if part in found.unloadable:  # the notebook is graded instead: the file that cannot be source is a note
                found.notes.append(f"skipped {found.where[part]}: {found.unloadable.pop(part)}")
            found.where[part] = chosen.as_posix()
    found.archives = [
        relative.as_posix() for relative in files if relative.suffix.lower() in ARCHIVES and not _extracted(folder, relative)
    ]
    if not found.modules and not found.unloadable:
        skipped = f" ({'; '.join(found.notes)})" if found.notes else ""
        if found.archives:  # an LMS keeps a zip the student uploaded as it is: say what to do with it
            raise InputError(
                f"{folder} holds {', '.join(found.archives)} but no exercise file{skipped}: extract it into {folder.name}/ "
                "and grade again (grade-class regrades just the submissions whose files changed)"
            )
        raise InputError(
            f"{folder} holds no exercise file{skipped}: a submission holds {', '.join(m + '.py' for m in NAMES)} "
            "(or some of them), at its top or in exercises/, or their notebooks"
        )
    return found


def _file(path: Path) -> Found:
    if path.suffix.lower() == ".ipynb":
        try:
            modules = notebook_modules(path)
        except (ValueError, OSError) as error:
            raise InputError(str(error)) from None
        return Found(modules, where={part: path.name for part in modules})
    if path.suffix.lower() == ".zip":
        raise InputError(f"{path.name} is a zip file: zips are not graded as they are; extract it, then grade the folder")
    match = part_for_name(path.name)
    if match is None:
        raise InputError(
            f"{path.name} is not a submission: give a folder with {', '.join(m + '.py' for m in NAMES)} "
            "(or some of them), one of those files, or a notebook"
        )
    problem = source_problem(path)
    if problem:
        raise InputError(f"{path.name} cannot be graded: {problem}")
    part = match[0]
    return Found({part: ("file", None if path.name == f"{part}.py" else path.name)}, where={part: path.name})


def looked_at(folder: Path) -> list[Path]:
    """The files of the submission folder ``folder`` that discovery reads or names, relative to it: each ``.py`` and
    ``.ipynb`` where work is looked for, and each archive (an archive added or removed is a "needs a look"); links
    included, never followed. Raises :class:`InputError` for a folder of more than :data:`MAX_FILES` entries.

    Example: ``looked_at(Path("solutions"))[0]`` is ``Path("backprop.py")``.
    """
    return [relative for relative in _walk(folder) if relative.suffix.lower() in (".py", ".ipynb", *ARCHIVES)]


def content_digest(path: Path) -> str:
    """A fingerprint of what grading reads from the submission at ``path``: each ``.py`` and ``.ipynb`` file that
    discovery looks at, and each archive (its "needs a look"), in the same folders, depths and hidden names, by its
    path and its bytes, never its dates. A
    rerun of ``grade-class`` regrades a student whose fingerprint moved (a file changed, a zip extracted).

    Example: ``content_digest(Path("class/ann"))`` gives a SHA-256 in hex; touching a file leaves it as it was.
    """
    path = Path(path)
    digest = hashlib.sha256()
    try:
        files = [Path(path.name)] if path.is_file() else looked_at(path)
    except (InputError, OSError) as error:  # more than MAX_FILES, or not a folder any more: grading says so
        return hashlib.sha256(f"not walked: {error}".encode()).hexdigest()
    base = path.parent if path.is_file() else path
    for relative in files:
        file = base / relative
        digest.update(relative.as_posix().encode() + b"\0")
        try:  # a link by where it points (discovery does not follow it), a file by its bytes
            if file.is_symlink():
                digest.update(b"link " + os.readlink(file).encode())
            else:
                with file.open("rb") as stream:
                    digest.update(hashlib.file_digest(stream, "sha256").digest())
        except OSError as error:  # unreadable now: when it is readable again, the fingerprint moves
            digest.update(f"unreadable: {error.strerror}".encode())
        digest.update(b"\0")
    return digest.hexdigest()


def discover(path: Path) -> Found:
    """The parts the submission at ``path`` provides; raises :class:`InputError` (one line) for a path that is no submission."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist: give a student's folder, one exercise file or a notebook")
    if path.is_dir():
        return _folder(path)
    return _file(path)


def source_cells(path: Path, name: str, how: tuple[str, object]) -> list[str] | None:
    """The code of part ``name`` as discovery found it at ``path``: a file's text as one item, or a notebook's code cells
    (IPython's ``%`` and ``!`` lines left out); None when the file cannot be read. Nothing is run.

    Example:
        >>> source_cells(Path("x.ipynb"), "backprop", ("notebook", ["%matplotlib inline\\nx = 1", "y = 2"]))
        ['x = 1', 'y = 2']
    """
    kind, payload = how
    if kind == "file":
        file = path if path.is_file() else path / str(payload or f"{name}.py")
        try:
            return [file.read_text(encoding="utf-8", errors="replace")]
        except OSError:
            return None
    return ["\n".join(line for line in str(cell).splitlines() if not line.lstrip().startswith(("%", "!"))) for cell in payload or []]
