"""The notebooks' text and layout: each part's ``autograder/parts/<part>/narrative.md``.

A narrative is Markdown with a few directives, each alone on its line, that say where code goes:

- ``<!-- solution: sigmoid, forward_pass -->``: the student's functions, from ``solutions/<part>.py``
  (the solution for instructors, the stub for students);
- ``<!-- provided: imports, CHAPTER_PARAMS -->``: provided code from ``solutions/<part>.py`` (``imports``
  means its import lines);
- ``<!-- chapter: Network, loader -->``: provided helpers from ``solutions/chapter.py``, with their imports;
- ``<!-- break -->``: start a new Markdown cell;
- a fenced block opened with ```` ```python check ````: a quick check on the chapter's example (a public
  otter test; a read-only cell elsewhere);
- a fenced block opened with ```` ```python demo ````: a demonstration, often a plot.

Everything else is Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from autograder.course.parts import part as part_record

NARRATIVE_NAME = "narrative.md"
CODE_DIRECTIVES = ("solution", "provided", "chapter")
_DIRECTIVE = re.compile(r"^<!--\s*(?P<kind>solution|provided|chapter|break)\s*:?\s*(?P<names>[\w ,]*?)\s*-->\s*$")
_FENCE = re.compile(r"^```python\s+(?P<kind>check|demo)\s*$")


class NarrativeError(ValueError):
    """A narrative file that cannot be read."""


@dataclass(frozen=True)
class Block:
    """One piece of a narrative: ``kind`` is "markdown", "solution", "provided", "chapter", "check" or "demo";
    ``text`` holds Markdown or code, ``names`` the definitions a code directive places."""

    kind: str
    text: str = ""
    names: tuple[str, ...] = ()


def parse(text: str, filename: str = "<narrative>") -> list[Block]:
    """Split a narrative into blocks.

    Example:
        >>> parse("# Title\\n<!-- solution: f -->\\nMore.\\n")
        [Block(kind='markdown', text='# Title', names=()), Block(kind='solution', text='', names=('f',)), Block(kind='markdown', text='More.', names=())]
    """
    blocks: list[Block] = []
    markdown: list[str] = []

    def flush() -> None:
        body = "\n".join(markdown).strip("\n")
        if body.strip():
            blocks.append(Block("markdown", body))
        markdown.clear()

    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        directive = _DIRECTIVE.match(line)
        fence = _FENCE.match(line)
        if directive:
            flush()
            kind = directive.group("kind")
            names = tuple(name.strip() for name in directive.group("names").split(",") if name.strip())
            if kind in CODE_DIRECTIVES and not names:
                raise NarrativeError(f"{filename}:{index + 1}: <!-- {kind}: ... --> names nothing")
            if kind != "break":
                blocks.append(Block(kind, names=names))
        elif fence:
            flush()
            end = next((i for i in range(index + 1, len(lines)) if lines[i].strip() == "```"), None)
            if end is None:
                raise NarrativeError(f"{filename}:{index + 1}: the ```python {fence.group('kind')} block is never closed")
            blocks.append(Block(fence.group("kind"), "\n".join(lines[index + 1 : end]).strip("\n")))
            index = end
        elif line.lstrip().startswith("<!--") and any(word in line for word in (*CODE_DIRECTIVES, "break")):
            raise NarrativeError(f"{filename}:{index + 1}: unreadable directive {line.strip()!r}")
        else:
            markdown.append(line)
        index += 1
    flush()
    return blocks


def load(part: str, narratives: Path | None = None) -> list[Block]:
    """The blocks of one part's narrative: its folder's ``narrative.md``, or ``narratives/<part>.md`` when given."""
    path = narratives / f"{part}.md" if narratives is not None else part_record(part).folder / NARRATIVE_NAME
    return parse(path.read_text(), str(path))
