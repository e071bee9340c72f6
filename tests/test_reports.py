"""Feedback reports: rendered for real in headless Chromium, and never leaking a hidden test's data."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import markupsafe
import pytest

from autograder.graders.material import scenarios
from autograder.judge.results import GradeReport, TestResult
from autograder.reports import plots
from autograder.reports.render import pictures
from tests.conftest import ROOT, run_cli

CLEO = ROOT / "examples" / "submissions" / "cleo_typical_mistakes"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]
IMAGE_CHECK = """
<pre id="image-check">pending</pre>
<script>
window.addEventListener('load', () => {
  const found = [];
  for (const img of document.images) {
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d');
    context.drawImage(img, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = 0, colours = new Set();
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i] < 235 || pixels[i + 1] < 235 || pixels[i + 2] < 235) ink++;
      if (i % 64 === 0) colours.add(pixels[i] * 65536 + pixels[i + 1] * 256 + pixels[i + 2]);
    }
    found.push({alt: img.alt, width: img.naturalWidth, height: img.naturalHeight, ink: ink / (canvas.width * canvas.height), colours: colours.size});
  }
  document.getElementById('image-check').textContent = JSON.stringify(found);
});
</script>
"""


@pytest.fixture(scope="module")
def cleo_reports(tmp_path_factory) -> dict[str, Path]:
    """Cleo's report as a student gets it, and as the instructor sees it with hidden tests published."""
    base = tmp_path_factory.mktemp("reports")
    folders = {"student": base / "student", "published": base / "published"}
    results = base / "report.json"
    process = run_cli("grade", str(CLEO), "--report", str(folders["student"]), "--json", str(results))
    assert process.returncode == 0, process.stderr[-2000:]
    assert run_cli("grade", str(CLEO), "--report", str(folders["published"]), "--show-hidden").returncode == 0
    folders["json"] = results
    return folders


def chromium(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed here (.ci/run installs Debian's chromium before make test)")
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, *args], capture_output=True, text=True, timeout=timeout)


def test_report_images_render_in_a_real_browser(cleo_reports, tmp_path):
    page = tmp_path / "checked.html"
    page.write_text((cleo_reports["student"] / "report.html").read_text().replace("</body>", IMAGE_CHECK + "</body>"))
    process = chromium(f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000", "--dump-dom", page.as_uri())
    found = re.search(r'<pre id="image-check">([^<]*)</pre>', process.stdout)
    assert found and found.group(1) != "pending", process.stderr[-2000:]
    images = json.loads(found.group(1))
    assert len(images) >= 5
    expected_size = [int(plots.SIZE[0] * plots.DPI), int(plots.SIZE[1] * plots.DPI)]
    for image in images:
        assert [image["width"], image["height"]] == expected_size, image
        assert 0.02 < image["ink"] < 0.9 and image["colours"] >= 4, image  # drawn on, not blank, not a solid block


def test_report_screenshot_is_not_blank(cleo_reports, tmp_path):
    from matplotlib import image as mpimg

    shot = tmp_path / "report.png"
    process = chromium(
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}",
        "--window-size=1000,1400",
        (cleo_reports["student"] / "report.html").as_uri(),
    )
    assert shot.exists(), process.stderr[-2000:]
    pixels = mpimg.imread(shot)
    assert pixels.shape[:2] == (1400, 1000)
    ink = (pixels[:, :, :3] < 0.9).any(axis=2).mean()
    assert 0.02 < ink < 0.8


def hidden_scenarios(report: GradeReport) -> set[str]:
    """Scenario keys whose data only hidden tests record (visible tests draw some scenarios too)."""
    visible = {d.get("scenario") for t in report.tests if not t.hidden for d in t.details}
    hidden = {d.get("scenario") for t in report.tests if t.hidden for d in t.details}
    return {key for key in hidden - visible if key in scenarios()}


def numbers_of(values: list[float]) -> set[str]:
    return {f"{v:.{digits}f}" for v in values for digits in (3, 4, 6)} | {repr(v) for v in values}


def test_student_report_shows_no_hidden_data(cleo_reports):
    report = GradeReport.from_dict(json.loads(cleo_reports["json"].read_text()))
    hidden = hidden_scenarios(report)
    assert hidden, "cleo fails hidden trainer tests: their curves must have been recorded"
    reference = json.loads((ROOT / "autograder" / "references" / "curves.json").read_text())["results"]
    secrets = set()
    for key in hidden:
        returned = reference[key]["returned"]
        if isinstance(returned, dict):
            lists = returned["$tuple"] if "$tuple" in returned else list(returned.values())
        else:
            lists = [returned]
        for values in lists:
            # Only numbers with real digits: 0.5 or 1.0 appear in any report for other reasons.
            secrets |= numbers_of([v for v in values if isinstance(v, float) and abs(v * 100 - round(v * 100)) > 1e-6])
    assert len(secrets) > 20
    for name in ("report.html", "report.md"):
        text = (cleo_reports["student"] / name).read_text()
        assert not {s for s in secrets if s in text}, name
        assert not any(key in text for key in hidden), name
    published = (cleo_reports["published"] / "report.md").read_text()
    assert any(key in published for key in hidden)  # the same data is there once the instructor publishes
    student_images = len(list(cleo_reports["student"].glob("figure-*.png")))
    assert len(list(cleo_reports["published"].glob("figure-*.png"))) > student_images


def test_every_failed_test_says_what_went_wrong_and_where_to_look(cleo_reports):
    report = GradeReport.from_dict(json.loads(cleo_reports["json"].read_text()))
    failed = [t for t in report.tests if not t.passed]
    assert failed
    html = (cleo_reports["student"] / "report.html").read_text()
    for test in failed:
        assert "See the chapter, section" in test.message, test.name
        assert str(markupsafe.escape(test.name)) in html  # escaped by the template engine, as every student-facing text


def test_student_text_is_escaped_in_html(tmp_path, solution_copy):
    submission = solution_copy()
    path = submission / "backprop.py"
    path.write_text(path.read_text().replace("    return 1.0 / (1.0 + np.exp(-z))", "    raise ValueError('<script>alert(1)</script>')"))
    folder = tmp_path / "report"
    assert run_cli("grade", str(submission), "--report", str(folder), "-k", "sigmoid").returncode == 0
    html = (folder / "report.html").read_text()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_check_report_draws_the_students_own_curves(tmp_path):
    folder = tmp_path / "check"
    process = run_cli("check", "solutions", "--report", str(folder))
    assert process.returncode == 0, process.stderr[-2000:]
    assert len(list(folder.glob("figure-*.png"))) >= 4
    assert "Public checks" in (folder / "report.html").read_text()


def test_curves_that_are_not_finite_numbers_still_give_a_report():
    """A trainer that returns inf or NaN losses (found by the odd_values attack) once took the worker and the
    whole grade-class run down with it: the picture leaves gaps, and a picture that cannot be drawn is left out."""
    inf, nan = float("inf"), float("nan")
    detail = {"kind": "curves", "student": {"train_loss": [inf, nan, 1.0], "valid_loss": [inf] * 3}, "reference": None, "title": "t"}
    assert plots.curves_png(detail).startswith(b"\x89PNG")
    test = TestResult("early_stopping.trainer: x", 0.0, 1.0, False, "wrong", details=[detail, {"kind": "dropout", "p": 0.5}])
    drawn = pictures(test, show_hidden=True)
    assert [caption for caption, _ in drawn] == ["t"]  # the dropout detail lacks its numbers: left out, not a crash
