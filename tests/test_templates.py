"""The pages as Jinja2 templates (issue 21, point 5): escaping is the engine's, every student-controlled text on every
page arrives as text, a name a template lacks is an error, and the templates travel wherever the reports are drawn."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import jinja2
import pytest

from autograder import PACKAGE_DIR
from autograder.course.config import Course
from autograder.judge.results import GradeReport
from autograder.judge.results import TestResult as Result  # not "Test...": pytest would try to collect it
from autograder.release import bundle_pyproject, public_files
from autograder.reports import dashboard as d
from autograder.reports.dashboard_page import dashboard_html
from autograder.reports.render import html_report, markdown_report
from autograder.reports.templating import TEMPLATES_DIR, environment, render

EVIL = "<script>alert('x')</script>&\"<b>"
ESCAPED = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&#34;&lt;b&gt;"
REPORTS = PACKAGE_DIR / "reports"


def test_html_and_svg_templates_are_escaped_markdown_is_not_and_a_missing_name_is_an_error() -> None:
    env = environment()
    assert env.undefined is jinja2.StrictUndefined
    assert all(env.autoescape(name) for name in ("report.html.j2", "histogram.svg.j2", "dashboard.js", "new.txt", None))
    assert not env.autoescape("report.md.j2")
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()
    with pytest.raises(jinja2.UndefinedError):
        render("report.html.j2", title="Feedback", student="ann")  # the rest of the view is missing


def _evil_report() -> GradeReport:
    gradients = {"kind": "gradients", "title": EVIL, "rows": [{"name": EVIL, "student": EVIL, "autograd": 1.0, "right": False}]}
    tests = [
        Result(f"backprop.sigmoid: {EVIL}", 0.0, 2.0, False, message=f"raised {EVIL}", hidden=False, details=[gradients]),
        Result(f"backprop.forward_pass: {EVIL}", 1.0, 1.0, True, hidden=False),
        Result(f"{EVIL}.odd: a module of its own", 0.0, 1.0, False, message=EVIL, hidden=True),
    ]
    return GradeReport(tests, found={"backprop": f"repo/{EVIL}.py"})


def test_every_student_text_in_the_feedback_report_is_escaped() -> None:
    page = html_report(_evil_report(), f"student {EVIL}", title=f"Feedback {EVIL}")
    assert "<script" not in page and "<b>" not in page
    # student name (title and heading), test names (heading and data-test), message, gradient table, found file, module
    assert page.count(ESCAPED) >= 12, page
    markdown, _ = markdown_report(_evil_report(), f"student {EVIL}")
    assert f"student {EVIL}" in markdown and f"  > raised {EVIL}" in markdown  # Markdown is written as it is


def test_every_student_text_on_the_dashboard_is_escaped() -> None:
    step = "training_loop.train_step: gradients are zeroed before every step"
    test = {"name": step, "points": 0, "max_points": 2, "passed": False, "details": [{"kind": "diagnosis", "says": EVIL}]}
    reports = {
        f"ann {EVIL}": {"status": "graded", "tests": [test], "needs_look": [EVIL], "found": {"training_loop": f"hw/{EVIL}.py"}},
        "bob": {"status": f"not gradable: {EVIL}", "tests": [{**test, "details": []}]},
    }
    page = dashboard_html(d.class_data(reports))
    body = page.split("<body>", 1)[1].split("<script>", 1)[0]
    assert "<script" not in body and "<b>" not in body
    assert body.count(ESCAPED) >= 8, body  # names, needs-a-look reasons, the diagnosis, the grid's tooltips
    assert 'href="ann%20%3Cscript%3E' in body  # the link is quoted by the data, then escaped as an attribute


def test_nothing_is_escaped_or_marked_safe_by_hand() -> None:
    """Escaping stays the engine's: no html.escape, markupsafe or Markup in the reports' code, no |safe in the templates."""
    for path in REPORTS.glob("*.py"):
        tree = ast.parse(path.read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom) for alias in node.names}
        modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not {"html", "markupsafe", "Markup", "escape"} & (imported | modules), path.name
    for path in TEMPLATES_DIR.iterdir():
        assert not re.search(r"\|\s*safe\b|autoescape\s+false", path.read_text()), path.name


def test_the_templates_go_with_the_package_the_bundle_and_the_installed_bundle() -> None:
    names = {path.name for path in TEMPLATES_DIR.iterdir()}
    assert {"page.html.j2", "report.html.j2", "report.md.j2", "dashboard.html.j2", "histogram.svg.j2", "dashboard.js"} <= names
    bundled = {path.as_posix() for path in public_files(Course())}
    assert {f"autograder/reports/templates/{name}" for name in names} <= bundled
    pyproject = tomllib.loads((Path(PACKAGE_DIR).parent / "pyproject.toml").read_text())
    assert "reports/templates/*" in pyproject["tool"]["setuptools"]["package-data"]["autograder"]
    assert "reports/templates/*" in tomllib.loads(bundle_pyproject())["tool"]["setuptools"]["package-data"]["autograder"]
