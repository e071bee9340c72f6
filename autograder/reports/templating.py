"""The reports' one Jinja2 environment: templates from ``reports/templates/``, escaped by the engine, strict about names.

Every page the package writes (the feedback report, the class dashboard) is a template under
``templates/`` drawn from plain data. Escaping is the engine's job, never the caller's: HTML and SVG
templates (``*.html.j2``, ``*.svg.j2``) are autoescaped, and so is any template this module does not
know, so student text (names, messages, file names) can only reach a page as text. Markdown
(``*.md.j2``) is not HTML and is written as it is. A name a template uses but the data lacks is an
error (:class:`jinja2.StrictUndefined`), not an empty string.

Example::

    render("report.html.j2", title="Feedback", student="ann <b>", ...)   # "ann &lt;b&gt;" in the page
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

TEMPLATES_DIR = Path(__file__).parent / "templates"


@functools.cache
def environment() -> jinja2.Environment:
    """The environment every report template is rendered in (built once per process)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        # Escaped unless a template is Markdown: an unknown kind of template is escaped too (default=True).
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2", "svg.j2"), disabled_extensions=("md.j2",), default=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates are package files: no stat() per page in a class of 200
    )


def render(name: str, **data: object) -> str:
    """The template ``name`` (a file under ``templates/``) drawn with ``data``.

    Example:
        >>> render("page.html.j2").startswith("<!DOCTYPE html>")
        True
    """
    return environment().get_template(name).render(**data)
