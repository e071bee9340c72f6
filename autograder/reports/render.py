"""Feedback a student would rather read: a self-contained HTML page and a Markdown file per submission.

A report shows the score per part; for each failed test its message (what
went wrong, the likely mistake, a hint and the chapter's section); and the
pictures the tests recorded: loss curves over the reference's with the
early-stopping epoch marked, the student's gradients beside autograd's, the
dropout figures. A hidden test shows only its name, points and message,
never its recorded data, unless the instructor publishes hidden tests
(``show_hidden``). Every piece of text is HTML-escaped: messages can quote
the student's own code and exceptions.
"""

from __future__ import annotations

import base64
import html
from collections import Counter
from pathlib import Path

from autograder.course.parts import NAMES, part
from autograder.judge.results import GradeReport, TestResult
from autograder.reports import plots


def part_title(module: str) -> str:
    """A part's numbered title from the course registry ("2. The training loop"); other names as they are."""
    return part(module).heading if module in NAMES else module


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.5rem 0; } td, th { padding: 0.25rem 0.6rem; border-bottom: 1px solid #eee; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #1a7f37; } .fail { color: #c62828; }
.test { margin: 0.8rem 0; padding: 0.6rem 0.8rem; border-left: 4px solid #c62828; background: #fff6f6; }
.test.pass { border-left-color: #1a7f37; background: #f5fbf6; }
.message { white-space: pre-wrap; margin: 0.3rem 0 0 0; }
img { max-width: 100%; display: block; margin: 0.5rem 0; }
.note { color: #555; font-size: 0.9rem; }
"""


def shown_details(test: TestResult, show_hidden: bool) -> list[dict]:
    """The recorded data a reader may see for this test."""
    return list(test.details) if (not test.hidden or show_hidden) else []


def pictures(test: TestResult, show_hidden: bool) -> list[tuple[str, bytes]]:
    """(caption, PNG bytes) for each picture this test's visible details call for."""
    images = []
    for detail in shown_details(test, show_hidden):
        if detail.get("kind") == "curves":
            images.append((detail.get("title", "loss curves"), plots.curves_png(detail)))
        elif detail.get("kind") == "dropout":
            images.append((f"dropout with p = {detail['p']}", plots.dropout_png(detail)))
    return images


def gradient_tables(test: TestResult, show_hidden: bool) -> list[dict]:
    return [d for d in shown_details(test, show_hidden) if d.get("kind") == "gradients"]


def _escape(text: str) -> str:
    return html.escape(str(text), quote=True)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _score_table_html(report: GradeReport) -> str:
    rows = []
    for module, (points, maximum) in report.by_module().items():
        if maximum:
            status = "pass" if points == maximum else "fail"
            rows.append(f'<tr><td>{_escape(part_title(module))}</td><td class="num {status}">{points:g} / {maximum:g}</td></tr>')
    rows.append(f'<tr><th>Total</th><th class="num">{report.score:g} / {report.max_score:g}</th></tr>')
    return "<table>" + "".join(rows) + "</table>"


def _test_html(test: TestResult, show_hidden: bool) -> str:
    status = "pass" if test.passed else "fail"
    label = "passed" if test.passed else "failed"
    parts = [f'<div class="test {status}" data-test="{_escape(test.name)}">']
    parts.append(f'<strong>{_escape(test.name)}</strong> <span class="{status}">{label}, {test.points:g} / {test.max_points:g}</span>')
    if test.hidden and not show_hidden:
        parts.append(' <span class="note">(hidden test: its inputs and expected values are not shown)</span>')
    if test.message:
        parts.append(f'<p class="message">{_escape(test.message)}</p>')
    for table in gradient_tables(test, show_hidden):
        parts.append(
            f'<table><tr><th>{_escape(table.get("title", "gradient"))}</th><th class="num">yours</th><th class="num">autograd</th></tr>'
        )
        for row in table["rows"]:
            mark = "pass" if row.get("right") else "fail"
            parts.append(
                f'<tr><td>{_escape(row["name"])}</td><td class="num {mark}">{_number(row["student"])}</td><td class="num">{_number(row["autograd"])}</td></tr>'
            )
        parts.append("</table>")
    for caption, png in pictures(test, show_hidden):
        parts.append(f'<img alt="{_escape(caption)}" src="{_data_uri(png)}">')
    parts.append("</div>")
    return "".join(parts)


def _number(value: object) -> str:
    return f"{value:.4f}" if isinstance(value, (int, float)) else _escape(str(value))


def html_report(report: GradeReport, student: str, show_hidden: bool = False, title: str = "Feedback") -> str:
    """A self-contained HTML page (inline CSS, images embedded as data URIs)."""
    body = [f"<h1>{_escape(title)} for {_escape(student)}: {report.score:g} / {report.max_score:g}</h1>", _score_table_html(report)]
    body.append('<p class="note">Hidden tests show their name, points and a hint, not their inputs or expected values.</p>')
    for module in [*NAMES, *sorted({t.module for t in report.tests} - set(NAMES))]:
        tests = [t for t in report.tests if t.module == module]
        if not tests:
            continue
        body.append(f"<h2>{_escape(part_title(module))}</h2>")
        failed, passed = [t for t in tests if not t.passed], [t for t in tests if t.passed]
        body += [_test_html(t, show_hidden) for t in failed]
        body += [_test_html(t, show_hidden) for t in passed if shown_details(t, show_hidden)]
        plain = [t for t in passed if not shown_details(t, show_hidden)]
        if plain:
            body.append(
                "<ul>" + "".join(f'<li class="pass">{_escape(t.name)} ({t.points:g} / {t.max_points:g})</li>' for t in plain) + "</ul>"
            )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_escape(title)}: {_escape(student)}</title><style>{STYLE}</style></head><body>" + "\n".join(body) + "</body></html>\n"
    )


def markdown_report(report: GradeReport, student: str, show_hidden: bool = False, title: str = "Feedback") -> tuple[str, dict[str, bytes]]:
    """Markdown text and the PNG files it refers to (name -> bytes), to be written beside it."""
    lines = [f"# {title} for {student}: {report.score:g} / {report.max_score:g}", "", "| part | points |", "| --- | ---: |"]
    for module, (points, maximum) in report.by_module().items():
        if maximum:
            lines.append(f"| {part_title(module)} | {points:g} / {maximum:g} |")
    lines += ["", "Hidden tests show their name, points and a hint, not their inputs or expected values.", ""]
    images: dict[str, bytes] = {}
    for module in NAMES:
        tests = [t for t in report.tests if t.module == module]
        if not tests:
            continue
        lines += [f"## {part_title(module)}", ""]
        for test in tests:
            mark = "passed" if test.passed else "**failed**"
            lines.append(f"- {mark} ({test.points:g} / {test.max_points:g}): {test.name}")
            if test.message:
                lines += ["", *(f"  > {line}" for line in test.message.splitlines()), ""]
            for table in gradient_tables(test, show_hidden):
                lines += ["", f"  | {table.get('title', 'gradient')} | yours | autograd |", "  | --- | ---: | ---: |"]
                lines += [f"  | {row['name']} | {_number(row['student'])} | {_number(row['autograd'])} |" for row in table["rows"]]
                lines.append("")
            for caption, png in pictures(test, show_hidden):
                name = f"figure-{len(images) + 1}.png"
                images[name] = png
                lines += ["", f"  ![{caption}]({name})", ""]
        lines.append("")
    return "\n".join(lines) + "\n", images


def report_files(report: GradeReport, student: str, show_hidden: bool = False, title: str = "Feedback") -> dict[str, bytes]:
    """File name -> contents of a student's feedback: ``report.html``, ``report.md`` and its figures."""
    markdown, images = markdown_report(report, student, show_hidden, title)
    return {"report.html": html_report(report, student, show_hidden, title).encode(), "report.md": markdown.encode(), **images}


def write_files(folder: Path, files: dict[str, bytes]) -> list[Path]:
    """Write report files into ``folder``, each atomically."""
    from autograder.judge.results import write_atomic_bytes

    written = []
    for name, data in files.items():
        write_atomic_bytes(folder / name, data)
        written.append(folder / name)
    return written


def diagnosis_counts(reports: dict[str, GradeReport]) -> Counter:
    """How many students each diagnosed mistake (or, without one, each failed test) was seen for."""
    counts: Counter = Counter()
    for report in reports.values():
        seen = set()
        for test in report.tests:
            if test.passed or not test.max_points:
                continue
            says = [d["says"] for d in test.details if d.get("kind") == "diagnosis"]
            seen.update(f"{test.module}: {s}" for s in says) if says else seen.add(f"failed: {test.name}")
        counts.update(seen)
    return counts


def class_overview_html(rows: list, reports: dict[str, GradeReport], top: int = 15) -> str:
    """The class at a glance: score histogram, mean per part, and the most common mistakes with their counts."""
    totals = [row.total for row in rows]
    body = [f"<h1>Class overview: {len(rows)} submissions</h1>"]
    if totals:
        body.append(f"<p>Mean {sum(totals) / len(totals):.1f}, lowest {min(totals):g}, highest {max(totals):g}.</p>")
        body.append(f'<img alt="score histogram" src="{_data_uri(plots.histogram_png(totals))}">')
    body.append("<h2>Mean points per part</h2><table>")
    for module in NAMES:
        values = [row.parts.get(module, 0.0) for row in rows]
        maximum = max((r.by_module().get(module, (0, 0))[1] for r in reports.values()), default=0)
        if values:
            body.append(
                f'<tr><td>{_escape(part_title(module))}</td><td class="num">{sum(values) / len(values):.1f} / {maximum:g}</td></tr>'
            )
    body.append('</table><h2>Most common mistakes</h2><table><tr><th>mistake or failed test</th><th class="num">students</th></tr>')
    for what, count in diagnosis_counts(reports).most_common(top):
        body.append(f'<tr><td>{_escape(what)}</td><td class="num">{count}</td></tr>')
    body.append('</table><h2>Students</h2><table><tr><th>student</th><th class="num">total</th><th>status</th></tr>')
    for row in rows:
        body.append(
            f'<tr><td><a href="{_escape(row.student)}/report.html">{_escape(row.student)}</a></td><td class="num">{row.total:g}</td>'
            f"<td>{_escape(row.status)}{'; needs a look: ' + _escape(row.needs_look) if row.needs_look else ''}</td></tr>"
        )
    body.append("</table>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Class overview</title>'
        f"<style>{STYLE}</style></head><body>" + "\n".join(body) + "</body></html>\n"
    )
