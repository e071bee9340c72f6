"""The README and the documentation site (issue 21, point 6): a short README that points into ``docs/``.

``make test`` builds the site with ``mkdocs build --strict``, which checks every link and anchor
between the pages. What it cannot see is checked here: the README (not part of the site) stays at
most 150 lines, names the commands that matter, and its links resolve; and no page types a dated
measurement, since those are rendered from ``benchmarks/RESULTS.json`` onto the Performance page
(``tests/test_benchmark.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT

README = ROOT / "README.md"
DOCS = ROOT / "docs"
MAX_README_LINES = 150
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
ISO_DATE = re.compile(r"\b20\d\d-\d\d-\d\d\b")
# Dates that are events or a screenshot's day, not measurements; every other date lives in RESULTS.json.
DATES_ALLOWED = {
    "platforms/ci.md": {"2026-07-14", "2026-08-28"},  # GitHub Classroom's sunset notice and last day
    "instructors/reports.md": {"2026-12-01"},  # the day the dashboard screenshot was taken
}
GENERATED = {"performance.md"}  # rendered by benchmarks/report.py


def slug(heading: str) -> str:
    """The anchor GitHub and MkDocs give a Markdown heading (lowercase, punctuation dropped, spaces to hyphens)."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return re.sub(r"\s", "-", text.strip())


def anchors(page: Path) -> set[str]:
    """The anchors of every heading of a Markdown page, outside fenced code."""
    found, fenced = set(), False
    for line in page.read_text().splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"#{1,6} (.+)", line)):
            found.add(slug(match.group(1)))
    return found


def test_the_readme_is_at_most_150_lines():
    lines = README.read_text().splitlines()
    assert len(lines) <= MAX_README_LINES, f"README.md has {len(lines)} lines: move the detail into docs/"


def test_the_readme_names_the_commands_that_matter():
    text = README.read_text()
    for command in ("python -m autograder check", "python -m autograder grade-class CLASS_DIR", "make test"):
        assert command in text, command
    assert "docs/dashboard-screenshot.png" in text
    assert "make test" in (ROOT / ".ci" / "run").read_text()  # what CI runs is what the README documents


def test_every_link_of_the_readme_resolves():
    text = README.read_text()
    links = [target for target in LINK.findall(text) if not target.startswith(("http://", "https://", "mailto:"))]
    assert links, "the README should point into docs/"
    for target in links:
        path, _, anchor = target.partition("#")
        page = (ROOT / path) if path else README
        assert page.exists(), f"README.md links to {path}, which does not exist"
        if anchor:
            assert anchor in anchors(page), f"README.md links to {target}: no such heading"
    linked = {(ROOT / target.partition("#")[0]).resolve() for target in links}
    for page in ("students.md", "instructors/index.md", "security.md", "proving.md", "maintainers/writing-a-part.md", "performance.md"):
        assert (DOCS / page).resolve() in linked, f"the README does not point to docs/{page}"


def test_every_page_is_in_the_site_navigation():
    nav = (ROOT / "mkdocs.yml").read_text()
    for page in DOCS.rglob("*.md"):
        name = page.relative_to(DOCS).as_posix()
        assert re.search(rf":\s+{re.escape(name)}\s*$", nav, re.M), f"docs/{name} is not in mkdocs.yml's nav"


def test_no_page_types_a_dated_figure():
    """Measured figures and their dates live in benchmarks/RESULTS.json, rendered onto the Performance page."""
    assert not ISO_DATE.findall(README.read_text()), "README.md: a dated figure belongs on the Performance page"
    for page in DOCS.rglob("*.md"):
        name = page.relative_to(DOCS).as_posix()
        if name in GENERATED:
            continue
        dates = set(ISO_DATE.findall(page.read_text()))
        assert dates <= DATES_ALLOWED.get(name, set()), f"docs/{name} types {sorted(dates)}: put measurements in RESULTS.json"


# Where the documentation states how many public checks there are: (page, the phrase with {n} for the count).
PUBLIC_CHECK_COUNTS = (
    ("students.md", "`check` runs {n} public checks"),
    ("proving.md", "solutions pass {n} of {n} checks and the untouched exercises fail {n} of {n}"),
    ("platforms/ci.md", "| empty student, bundle alone | 0 / {n} public checks"),
    ("platforms/ci.md", "| right student, bundle alone | {n} / {n}, coverage"),
    ("platforms/ci.md", "| right student, `--public-only` | {n} / {n}"),
)


def test_the_docs_state_the_real_number_of_public_checks():
    """The count the docs give is the count the parts' tables hold (``ci`` in the bundle alone prints ``0 / N``)."""
    from autograder.judge.table import tables

    count = len(tables("public"))
    for page, phrase in PUBLIC_CHECK_COUNTS:
        assert phrase.format(n=count) in (DOCS / page).read_text(), f"docs/{page} should say: {phrase.format(n=count)}"
    for page in DOCS.rglob("*.md"):  # any other "N public checks" too
        stated = {int(n) for n in re.findall(r"\b(\d+) public checks", page.read_text())}
        assert stated <= {count}, f"docs/{page.relative_to(DOCS).as_posix()} gives {sorted(stated)} public checks; there are {count}"
