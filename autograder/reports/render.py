"""Feedback a student would rather read: a self-contained HTML page and a Markdown file per submission.

A report shows the score per part; for each failed test its message (what
went wrong, the likely mistake, a hint and the chapter's section); and the
pictures the tests recorded: loss curves over the reference's with the
early-stopping epoch marked, the student's gradients beside autograd's, the
dropout figures. A hidden test shows only its name, points and message,
never its recorded data, unless the instructor publishes hidden tests
(``show_hidden``).

:func:`report_view` turns a :class:`GradeReport` into plain data (numbers formatted, pictures drawn);
``templates/report.html.j2`` and ``templates/report.md.j2`` lay it out. The HTML template's engine
escapes every piece of text (messages can quote the student's own code and exceptions); Markdown is
written as it is.

Example::

    files = report_files(report, "ann")   # {"report.html": ..., "report.md": ..., "figure-1.png": ...}
"""

from __future__ import annotations

import base64
from pathlib import Path

from autograder.course.parts import NAMES, part
from autograder.judge.results import NOT_HANDED_IN, GradeReport, TestResult, safe_text, write_atomic_bytes
from autograder.reports import plots
from autograder.reports.templating import render


def part_title(module: str) -> str:
    """A part's numbered title from the course registry ("2. The training loop"); other names as they are."""
    return part(module).heading if module in NAMES else module


def shown_details(test: TestResult, show_hidden: bool) -> list[dict]:
    """The recorded data a reader may see for this test."""
    return list(test.details) if (not test.hidden or show_hidden) else []


def pictures(test: TestResult, show_hidden: bool) -> list[tuple[str, bytes]]:
    """(caption, PNG bytes) for each picture this test's visible details call for."""
    images = []
    for detail in shown_details(test, show_hidden):
        # The numbers come from the student's code: a picture they cannot be drawn from is left out, never the report.
        try:
            if detail.get("kind") == "curves":
                images.append((detail.get("title", "loss curves"), plots.curves_png(detail)))
            elif detail.get("kind") == "dropout":
                images.append((f"dropout with p = {detail['p']}", plots.dropout_png(detail)))
        except (ValueError, TypeError, KeyError, OverflowError):
            continue
    return images


def gradient_tables(test: TestResult, show_hidden: bool) -> list[dict]:
    return [d for d in shown_details(test, show_hidden) if d.get("kind") == "gradients"]


def found_lines(report: GradeReport) -> list[str]:
    """Where each part's code was taken from, when not from ``<part>.py`` at the submission's top (one line each).

    Example:
        >>> found_lines(GradeReport([], found={"backprop": "repo-main/exercises/backprop.py", "validation": "validation.py"}))
        ['backprop: graded from repo-main/exercises/backprop.py']
    """
    return [f"{part}: graded from {where}" for part, where in report.found.items() if where != f"{part}.py"]


def _number(value: object) -> str:
    return f"{value:.4f}" if isinstance(value, (int, float)) else str(value)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _test_view(test: TestResult, show_hidden: bool) -> dict:
    tables = [
        {
            "title": table.get("title", "gradient"),
            "rows": [
                {
                    "name": row["name"],
                    "status": "pass" if row.get("right") else "fail",
                    "student": _number(row["student"]),
                    "autograd": _number(row["autograd"]),
                }
                for row in table["rows"]
            ],
        }
        for table in gradient_tables(test, show_hidden)
    ]
    return {
        "name": test.name,
        "passed": test.passed,
        "status": "pass" if test.passed else "fail",
        "verdict": "passed" if test.passed else "failed",
        "points": f"{test.points:g}",
        "max_points": f"{test.max_points:g}",
        "hidden_note": test.hidden and not show_hidden,
        "message": test.message,
        "message_lines": test.message.splitlines(),
        "shown": bool(shown_details(test, show_hidden)),
        "tables": tables,
        "pictures": [{"caption": caption, "png": png, "uri": _data_uri(png), "file": None} for caption, png in pictures(test, show_hidden)],
    }


def report_view(report: GradeReport, student: str, show_hidden: bool = False, title: str = "Feedback") -> dict:
    """Everything the report templates draw, as plain data; each Markdown picture's ``file`` is its figure's name.

    ``sections``: one per part with tests (the chapter's parts first, in order), each with its ``load_errors`` (the
    files or cells of it that could not be loaded, each once) and its ``tests`` in the report's order; ``figures``: file name -> PNG bytes, numbered as Markdown shows them.
    """
    missing = set(report.not_handed_in)
    score_rows = [
        {
            "title": part_title(module),
            "status": "pass" if points == maximum else "fail",
            "said": f"{NOT_HANDED_IN}, 0" if module in missing else f"{points:g}",
            "max": f"{maximum:g}",
        }
        for module, (points, maximum) in report.by_module().items()
        if maximum
    ]
    sections = []
    for module in [*NAMES, *sorted({t.module for t in report.tests} - set(NAMES))]:
        tests = [_test_view(t, show_hidden) for t in report.tests if t.module == module]
        if tests:
            sections.append(
                {
                    "module": module,
                    "title": part_title(module),
                    "in_chapter": module in NAMES,
                    "not_handed_in": module in missing,
                    "load_errors": list(report.load_errors.get(module, [])),  # said once, above the tests that refer to it
                    "tests": tests,
                }
            )
    figures: dict[str, bytes] = {}
    for section in sections:
        if section["in_chapter"] and not section["not_handed_in"]:
            for test in section["tests"]:
                for picture in test["pictures"]:
                    picture["file"] = f"figure-{len(figures) + 1}.png"
                    figures[picture["file"]] = picture["png"]
    return {
        "title": title,
        "student": student,
        "score": f"{report.score:g}",
        "max_score": f"{report.max_score:g}",
        "score_rows": score_rows,
        "found": found_lines(report),
        "not_handed_in": NOT_HANDED_IN,
        "sections": sections,
        "figures": figures,
    }


def html_report(report: GradeReport, student: str, show_hidden: bool = False, title: str = "Feedback") -> str:
    """A self-contained HTML page (inline CSS, images embedded as data URIs)."""
    return render("report.html.j2", **report_view(report, student, show_hidden, title))


def markdown_report(report: GradeReport, student: str, show_hidden: bool = False, title: str = "Feedback") -> tuple[str, dict[str, bytes]]:
    """Markdown text and the PNG files it refers to (name -> bytes), to be written beside it."""
    view = report_view(report, student, show_hidden, title)
    return render("report.md.j2", **view), view["figures"]


def report_files(report: GradeReport, student: str, show_hidden: bool = False, title: str = "Feedback") -> dict[str, bytes]:
    """File name -> contents of a student's feedback: ``report.html``, ``report.md`` and its figures."""
    view = report_view(report, student, show_hidden, title)
    html, markdown = render("report.html.j2", **view), render("report.md.j2", **view)
    # safe_text: a student's message may carry bytes that were not UTF-8 (surrogates, which cannot be encoded) or controls
    return {"report.html": safe_text(html).encode(), "report.md": safe_text(markdown).encode(), **view["figures"]}


def write_files(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write report files into ``folder``, each atomically."""
    written = []
    for name, data in files.items():
        write_atomic_bytes(folder / name, data)
        written.append(folder / name)
    return written
