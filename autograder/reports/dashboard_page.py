"""The class dashboard as one self-contained HTML page (inline CSS, SVG and a little JavaScript; no network).

It draws the plain data of :func:`autograder.reports.dashboard.class_data`: who needs a look, the
misconceptions ranked by students, parts not handed in, failed tests without a diagnosis, each test's
pass rate and discrimination, the students x tests grid (sortable by clicking a heading), the per-part
means and the score histogram. Every piece of text is HTML-escaped: student names are folder names and
diagnoses may quote code.

Example::

    html = dashboard_html(class_data(read_reports(out_dir, students)))
"""

from __future__ import annotations

import html

from autograder.reports import dashboard as d

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem auto; padding: 0 1rem; max-width: 80rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 1.8rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.4rem 0; } td, th { padding: 0.2rem 0.5rem; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: #555; font-size: 0.9rem; } .flag { color: #b45309; } .look { color: #b91c1c; }
a { color: #1d4ed8; } th.sort { cursor: pointer; user-select: none; } th.sort:hover { background: #eef2ff; }
.grid td.c { text-align: center; padding: 0.1rem 0.2rem; min-width: 1.1rem; font-size: 0.85rem; }
.grid th.t { font-size: 0.7rem; padding: 0.1rem 0.2rem; text-align: center; }
.c-passed { background: #dcfce7; color: #166534; } .c-failed { background: #fee2e2; color: #991b1b; }
.c-diagnosed { background: #fed7aa; color: #9a3412; font-weight: bold; } .c-missing { background: #f3f4f6; color: #9ca3af; }
.c-error { background: #e9d5ff; color: #6b21a8; } .c-none { background: #fff; color: #9ca3af; }
.legend span { display: inline-block; padding: 0 0.4rem; margin-right: 0.4rem; }
.bar { fill: #1f77b4; } .axis { stroke: #444; } svg text { font-size: 11px; fill: #333; }
"""

# Each cell state's CSS class and the one character drawn in it.
CELL_LOOK = {
    d.PASSED: ("c-passed", "✓"),
    d.DIAGNOSED: ("c-diagnosed", "●"),
    d.FAILED: ("c-failed", "✗"),
    d.NOT_HANDED_IN: ("c-missing", "–"),
    d.GRADER_ERROR: ("c-error", "!"),
    d.NOT_GRADED: ("c-none", "·"),
}
# Sorting a test's column puts the students who need attention there first.
FOLD_AFTER = 10  # failed tests without a diagnosis listed openly; more are folded
CELL_RANK = {d.GRADER_ERROR: 0, d.DIAGNOSED: 1, d.FAILED: 2, d.NOT_HANDED_IN: 3, d.NOT_GRADED: 4, d.PASSED: 5}

# Click a heading of a table.sortable to sort its rows by that column (again: the other way). Each cell's
# data-v is its sort key (numbers compare as numbers). The two buttons reorder the grid's test columns.
SCRIPT = """
function sortRows(th) {
  const table = th.closest('table'), body = table.tBodies[0], index = [...th.parentNode.children].indexOf(th);
  const up = th.dataset.dir !== 'up'; th.dataset.dir = up ? 'up' : 'down';
  const key = row => { const c = row.children[index]; const v = c.dataset.v ?? c.textContent; return isNaN(parseFloat(v)) ? v : parseFloat(v); };
  const rows = [...body.rows].sort((a, b) => { const x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (up ? 1 : -1); });
  rows.forEach(r => body.appendChild(r));
}
function orderTests(by) {
  const table = document.getElementById('grid'), head = table.tHead.rows[0], fixed = 2;
  const order = [...head.children].slice(fixed).map((th, i) => ({i: i + fixed, k: parseFloat(th.dataset[by])}));
  order.sort((a, b) => a.k - b.k);
  for (const row of [head, ...table.tBodies[0].rows]) {
    const cells = [...row.children];
    order.forEach(o => row.appendChild(cells[o.i]));
  }
}
document.querySelectorAll('th.sort').forEach(th => th.addEventListener('click', () => sortRows(th)));
document.getElementById('hardest').addEventListener('click', () => orderTests('rate'));
document.getElementById('chapter').addEventListener('click', () => orderTests('chapter'));
document.body.dataset.ready = 'yes';
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _student_links(names: list[str], links: dict[str, str]) -> str:
    return ", ".join(f'<a href="{_e(links[n])}">{_e(n)}</a>' for n in names)


def _needs_look_html(data: dict) -> str:
    if not data["needs_look"]:
        return '<p class="note">Nobody: every submission was graded, none scored 0 with files in it, none was flagged.</p>'
    rows = [
        f'<tr><td><a href="{_e(e["link"])}">{_e(e["student"])}</a></td><td class="look">{"<br>".join(_e(r) for r in e["reasons"])}</td></tr>'
        for e in data["needs_look"]
    ]
    return "<table><tr><th>student</th><th>why</th></tr>" + "".join(rows) + "</table>"


def _misconceptions_html(data: dict, links: dict[str, str]) -> str:
    size = len(data["students"])
    if not data["misconceptions"]:
        return '<p class="note">No failed test matched a known mistake.</p>'
    rows = []
    for rank, entry in enumerate(data["misconceptions"], 1):
        rows.append(
            f'<tr class="misconception"><td class="num">{rank}</td><td>{_e(entry["says"])}</td>'
            f'<td>{_e(", ".join(entry["parts"]))}</td><td class="num">{len(entry["students"])} of {size}</td>'
            f"<td>{_student_links(entry['students'], links)}</td></tr>"
        )
    head = '<tr><th class="num">#</th><th>diagnosis</th><th>part</th><th class="num">students</th><th>who</th></tr>'
    return '<table id="misconceptions">' + head + "".join(rows) + "</table>"


def _not_handed_in_html(data: dict, links: dict[str, str]) -> str:
    if not data["not_handed_in"]:
        return '<p class="note">Every student handed in every part.</p>'
    rows = [
        f'<tr><td>{_e(e["title"])}</td><td class="num">{len(e["students"])}</td><td>{_student_links(e["students"], links)}</td></tr>'
        for e in data["not_handed_in"]
    ]
    return '<table id="not-handed-in"><tr><th>part</th><th class="num">students</th><th>who</th></tr>' + "".join(rows) + "</table>"


def _undiagnosed_html(data: dict, links: dict[str, str]) -> str:
    if not data["undiagnosed"]:
        return '<p class="note">Every failed test was diagnosed.</p>'
    rows = [
        f'<tr><td>{_e(e["test"])}</td><td class="num">{len(e["students"])}</td><td>{_student_links(e["students"], links)}</td></tr>'
        for e in data["undiagnosed"]
    ]
    table = '<table id="undiagnosed"><tr><th>test</th><th class="num">students</th><th>who</th></tr>' + "".join(rows) + "</table>"
    # Folded when long (an untouched stub fails every test of its part): the misconceptions stay in view above.
    return table if len(rows) <= FOLD_AFTER else f"<details><summary>{len(rows)} tests (show)</summary>{table}</details>"


def _number(value: float | None, digits: int = 2) -> tuple[str, str]:
    """(text shown, sort key) of a figure that may be undefined."""
    return ("n/a", "-9") if value is None else (f"{value:.{digits}f}", f"{value:.6f}")


def _tests_html(data: dict) -> str:
    head = (
        '<thead><tr><th class="sort">#</th><th class="sort">test</th><th class="sort num">points</th><th class="sort num">counted</th>'
        '<th class="sort num">pass rate</th><th class="sort num">discrimination</th><th class="sort">flag</th></tr></thead>'
    )
    rows = []
    for index, test in enumerate(data["tests"], 1):
        rate = None if test["pass_rate"] is None else 100 * test["pass_rate"]
        rate_text, rate_key = _number(rate, 0)
        r_text, r_key = _number(test["discrimination"])
        rows.append(
            f'<tr><td class="num">{index}</td><td>{_e(test["name"])}</td><td class="num">{test["max_points"]:g}</td>'
            f'<td class="num">{test["counted"]}</td><td class="num" data-v="{rate_key}">{rate_text}{" %" if rate is not None else ""}</td>'
            f'<td class="num" data-v="{r_key}">{r_text}</td><td class="flag">{_e("; ".join(test["flags"]))}</td></tr>'
        )
    return '<table id="tests" class="sortable">' + head + "<tbody>" + "".join(rows) + "</tbody></table>"


def _grid_html(data: dict) -> str:
    tests = data["tests"]
    head = ['<th class="sort">student</th><th class="sort num">total</th>']
    for index, test in enumerate(tests, 1):
        rate = -1 if test["pass_rate"] is None else test["pass_rate"]
        head.append(f'<th class="sort t" title="{_e(test["name"])}" data-chapter="{index}" data-rate="{rate:.6f}">{index}</th>')
    rows = []
    for student in data["students"]:
        name = student["name"]
        cells = [f'<td><a href="{_e(student["link"])}">{_e(name)}</a></td><td class="num">{student["total"]:g}</td>']
        for test in tests:
            state = data["grid"][name].get(test["name"], d.NOT_GRADED)
            css, mark = CELL_LOOK[state]
            tip = f"{name}, {test['name']}: {state}" + "".join(f"\n{s}" for s in data["says"][name].get(test["name"], []))
            cells.append(f'<td class="c {css}" data-v="{CELL_RANK[state]}" data-state="{_e(state)}" title="{_e(tip)}">{mark}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    legend = " ".join(f'<span class="{css}">{mark} {_e(state)}</span>' for state, (css, mark) in CELL_LOOK.items())
    buttons = (
        '<button id="chapter" type="button">tests in chapter order</button> <button id="hardest" type="button">hardest tests first</button>'
    )
    return (
        f'<p class="legend">{legend}</p><p>{buttons} <span class="note">Click a heading to sort the students by it; '
        "a test's number is its row in the table above (hover for its name).</span></p>"
        '<div style="overflow-x:auto"><table id="grid" class="grid sortable"><thead><tr>'
        + "".join(head)
        + "</tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )


def _parts_html(data: dict) -> str:
    rows = []
    for entry in data["parts"]:
        handed = "n/a" if entry["mean_handed_in"] is None else f"{entry['mean_handed_in']:.1f}"
        rows.append(
            f'<tr><td>{_e(entry["title"])}</td><td class="num">{entry["mean"]:.1f} / {entry["max"]:g}</td>'
            f'<td class="num">{entry["handed_in"]} of {len(data["students"])}</td><td class="num">{handed}</td></tr>'
        )
    head = '<tr><th>part</th><th class="num">mean</th><th class="num">handed in</th><th class="num">mean of those who did</th></tr>'
    return '<table id="parts">' + head + "".join(rows) + "</table>"


def histogram_svg(bins: list[dict], width: int = 640, height: int = 240) -> str:
    """Bars of whole students per bin, the y axis in whole students (integer ticks only)."""
    left, bottom, top = 40, 40, 15
    peak = max((b["count"] for b in bins), default=0) or 1
    step = max(1, -(-peak // 6))  # at most about 6 ticks, each a whole number of students
    ticks = list(range(0, peak + step, step))
    scale = (height - bottom - top) / ticks[-1]
    slot = (width - left - 10) / max(len(bins), 1)
    parts = [f'<svg id="histogram" width="{width}" height="{height}" role="img" aria-label="score histogram">']
    for tick in ticks:
        y = height - bottom - tick * scale
        parts.append(f'<line class="axis" x1="{left - 4}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke-opacity="0.15"/>')
        parts.append(f'<text class="ytick" x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    for index, entry in enumerate(bins):
        x, h = left + index * slot, entry["count"] * scale
        parts.append(
            f'<rect class="bar" data-count="{entry["count"]}" x="{x + 2:.1f}" y="{height - bottom - h:.1f}" width="{slot - 4:.1f}" height="{h:.1f}">'
            f"<title>{_e(entry['label'])}: {entry['count']} student(s)</title></rect>"
        )
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle">{_e(entry["label"].replace(" %", ""))}</text>'
        )
    parts.append(f'<line class="axis" x1="{left}" x2="{left}" y1="{top}" y2="{height - bottom}"/>')
    parts.append(f'<text x="{width / 2:.0f}" y="{height - 6}" text-anchor="middle">score, % of the maximum</text>')
    parts.append(f'<text x="12" y="{height / 2:.0f}" text-anchor="middle" transform="rotate(-90 12 {height / 2:.0f})">students</text>')
    return "".join(parts) + "</svg>"


def dashboard_html(data: dict) -> str:
    """The whole page for :func:`~autograder.reports.dashboard.class_data`'s ``data``."""
    links = {s["name"]: s["link"] for s in data["students"]}
    totals = sorted(s["total"] for s in data["students"])
    middle = len(totals) // 2
    median = (totals[middle] if len(totals) % 2 else (totals[middle - 1] + totals[middle]) / 2) if totals else 0.0
    mean = sum(totals) / len(totals) if totals else 0.0
    body = [
        f"<h1>Class dashboard: {len(totals)} students</h1>",
        f'<p>Mean {mean:.1f}, median {median:g}. <a href="gradebook.csv">gradebook.csv</a>. '
        '<span class="note">Sections: <a href="#look">needs a look</a>, <a href="#mistakes">misconceptions</a>, '
        '<a href="#missing">not handed in</a>, <a href="#other">failed without a diagnosis</a>, <a href="#tests-h">tests</a>, '
        '<a href="#grid-h">students × tests</a>, <a href="#scores">scores</a>.</span></p>',
        f'<h2 id="look">Needs a look ({len(data["needs_look"])})</h2>',
        _needs_look_html(data),
        '<h2 id="mistakes">Misconceptions, most students first</h2>',
        '<p class="note">Each failed test that matched a known mistake, by the diagnosis\' own words; a student counts once '
        "per diagnosis, however many tests it failed.</p>",
        _misconceptions_html(data, links),
        '<h2 id="missing">Not handed in</h2><p class="note">Counted apart: a part not handed in is not a mistake.</p>',
        _not_handed_in_html(data, links),
        '<h2 id="other">Failed tests without a diagnosis</h2>',
        '<p class="note">No known mistake matched: read these students\' reports (an unwritten function lands here too).</p>',
        _undiagnosed_html(data, links),
        '<h2 id="tests-h">Tests: pass rate and discrimination</h2>',
        f'<p class="note">Counted: students who handed the part in and whose grading did not break. Discrimination: the '
        f"correlation of the test's points with the rest of the student's total (their total minus this test); a good test "
        f"has it clearly positive. Flags need at least {d.MIN_STUDENTS} counted students.</p>",
        _tests_html(data),
        '<h2 id="grid-h">Students × tests</h2>',
        _grid_html(data),
        '<h2 id="scores">Scores</h2>',
        _parts_html(data),
        histogram_svg(data["histogram"]),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Class dashboard</title>'
        f"<style>{STYLE}</style></head><body>" + "\n".join(body) + f"<script>{SCRIPT}</script></body></html>\n"
    )
