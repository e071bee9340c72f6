"""The class dashboard (issue 15, point 4): its data on hand-made classes, and the page on a class graded for real,
opened in headless Chromium."""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import numpy as np
import pytest

from autograder.course.parts import NAMES
from autograder.platforms.notebook_builder import plain_notebook
from autograder.reports import dashboard as d
from autograder.reports.dashboard_page import dashboard_html, histogram_svg
from tests.conftest import ROOT, run_cli
from tests.notebook_work import fill, write
from tests.test_reports import chromium

ZERO_GRAD = "no optimizer.zero_grad(): loss.backward() adds to .grad, so the gradients of earlier batches pile up"
NO_X = "dL/dw1 and dL/dw2 lack the factor x"
STEP = "training_loop.train_step: gradients are zeroed before every step"
LOOP = "training_loop.trainer: loss per epoch matches the reference"
DROPOUT = "regularization.dropout: scales the survivors by exactly 1 / (1 - p)"
BACKWARD = "backprop.backward_pass: random points and parameters, x other than 1"


def result(name: str, max_points: float, passed: bool, says: str | None = None, **extra) -> dict:
    """One test as report.json holds it (a diagnosis detail when ``says``)."""
    details = [{"kind": "diagnosis", "says": says}] if says else []
    points = max_points if passed else 0.0
    return {
        "name": name,
        "points": points,
        "max_points": max_points,
        "passed": passed,
        "message": "",
        "hidden": True,
        "grader_error": "",
        "details": details,
        **extra,
    }


def report(*tests: dict, status: str = "graded", **extra) -> dict:
    return {"status": status, "tests": list(tests), "notes": [], **extra}


# --- the data, on hand-made classes -----------------------------------------------------------------------------


def test_misconceptions_are_ranked_by_students_once_each_and_not_handed_in_is_apart():
    reports = {
        # Two tests fail with the same diagnosis: one student, counted once.
        "ann": report(result(STEP, 2, False, ZERO_GRAD), result(LOOP, 3, False, ZERO_GRAD), result(DROPOUT, 2, True)),
        "bob": report(result(STEP, 2, False, ZERO_GRAD), result(LOOP, 3, True), result(BACKWARD, 6, False, NO_X)),
        # Dropout not handed in, by the test's own flag and by the report's list: never a mistake.
        "cat": report(result(STEP, 2, True), result(LOOP, 3, True), {**result(DROPOUT, 2, False), "handed_in": False}),
        "dov": report(result(STEP, 2, True), result(LOOP, 3, False), result(DROPOUT, 2, False), not_handed_in=["regularization"]),
        "eli": report(result(STEP, 2, True), result(LOOP, 3, True), result(DROPOUT, 2, False)),  # a real failure, undiagnosed
    }
    data = d.class_data(reports)
    ranking = [(m["says"], m["students"]) for m in data["misconceptions"]]
    assert ranking == [(ZERO_GRAD, ["ann", "bob"]), (NO_X, ["bob"])]
    assert data["misconceptions"][0]["tests"] == [STEP, LOOP] and data["misconceptions"][0]["parts"] == ["training_loop"]
    assert data["not_handed_in"] == [{"part": "regularization", "title": "5. Dropout and L2 regularisation", "students": ["cat", "dov"]}]
    assert {e["test"]: e["students"] for e in data["undiagnosed"]} == {DROPOUT: ["eli"], LOOP: ["dov"]}
    assert data["grid"]["cat"][DROPOUT] == d.NOT_HANDED_IN and data["grid"]["ann"][STEP] == d.DIAGNOSED
    assert data["grid"]["eli"][DROPOUT] == d.FAILED and data["grid"]["eli"][STEP] == d.PASSED
    # The dropout test's pass rate counts only ann and eli: cat and dov did not hand it in, bob has no result for it.
    dropout = next(t for t in data["tests"] if t["name"] == DROPOUT)
    assert (dropout["counted"], dropout["passed"]) == (2, 1) and data["grid"]["bob"].get(DROPOUT) is None


def test_todays_reports_without_the_new_keys_are_read_as_none_of_them():
    old = {"status": "graded", "tests": [result(STEP, 2, False, ZERO_GRAD)], "notes": [], "seconds": 1.0, "course": "default"}
    data = d.class_data({"ann": old, "gone": None})
    assert data["not_handed_in"] == [] and data["misconceptions"][0]["students"] == ["ann"]
    assert [e["student"] for e in data["needs_look"]] == ["gone"]  # its results are missing: grade it again
    assert data["grid"]["gone"] == {}


def test_discrimination_is_the_correlation_with_the_rest_of_the_total():
    # Five students, four tests; "good" tracks the rest, "odd" is passed by the weakest only.
    good, odd, easy, other = (f"backprop.{n}: t" for n in ("good", "odd", "easy", "other"))
    passes = {
        "s1": (True, False, True, True),
        "s2": (True, False, True, True),
        "s3": (True, False, True, True),
        "s4": (False, True, True, False),
        "s5": (False, True, True, False),
    }
    points = (3.0, 2.0, 1.0, 5.0)
    reports = {s: report(*(result(n, p, ok) for n, p, ok in zip((good, odd, easy, other), points, row))) for s, row in passes.items()}
    data = d.class_data(reports)
    tests = {t["name"]: t for t in data["tests"]}
    totals = np.array([sum(p for p, ok in zip(points, row) if ok) for row in passes.values()])
    for index, name in ((0, good), (1, odd), (3, other)):
        x = np.array([points[index] if row[index] else 0.0 for row in passes.values()])
        expected = np.corrcoef(x, totals - x)[0, 1]
        assert tests[name]["discrimination"] == pytest.approx(expected), name
    assert tests[good]["discrimination"] > 0.5 and tests[good]["flags"] == []
    assert tests[odd]["discrimination"] < 0 and tests[odd]["flags"][0].startswith("may be wrong: negative discrimination")
    assert tests[easy]["discrimination"] is None and tests[easy]["flags"] == ["too easy: every student who handed it in passes"]
    assert tests[easy]["pass_rate"] == 1.0 and tests[good]["pass_rate"] == pytest.approx(0.6)
    # With fewer than MIN_STUDENTS counted, no flag: four students say too little.
    fewer = d.class_data(dict(list(reports.items())[: d.MIN_STUDENTS - 1]))
    assert all(t["flags"] == [] for t in fewer["tests"])


def test_needs_a_look_names_each_reason_and_nobody_else():
    broken = {**result(STEP, 2, False), "grader_error": "Traceback ..."}
    reports = {
        "fine": report(result(STEP, 2, True)),
        "grader": report(broken, status="grader error in 1 test(s)"),
        "unreadable": report({**result("submission: could not be graded", 0, False)}, status="not gradable: invalid notebook JSON"),
        "zero": report(result(STEP, 2, False)),  # 0 points with 3 files handed in
        "empty": report(result(STEP, 2, False)),  # 0 points, nothing handed in: not worth a look
        "nested": report(result(STEP, 2, True), found={"training_loop": "exercises/training_loop.py", "backprop": "backprop.py"}),
        "renamed": report(result(STEP, 2, True), found={"training_loop": "Training_Loop (1).py"}),
        "tampered": report(result(STEP, 2, True), needs_look=["tampering: the grader's own code was modified"]),
    }
    data = d.class_data(reports, files={"zero": 3, "empty": 0, "fine": 6})
    why = {e["student"]: e["reasons"] for e in data["needs_look"]}
    assert set(why) == {"grader", "unreadable", "zero", "nested", "renamed", "tampered"}
    assert why["grader"] == [f"the grader broke on 1 test(s): {STEP}"]
    assert why["unreadable"] == ["not gradable: invalid notebook JSON"]
    assert why["zero"] == ["scored 0 although 3 file(s) were handed in"]
    assert why["nested"] == ["files taken from unexpected places: training_loop from exercises/training_loop.py"]
    assert why["renamed"] == ["files taken from unexpected places: training_loop from Training_Loop (1).py"]
    assert why["tampered"] == ["tampering: the grader's own code was modified"]
    assert data["grid"]["grader"][STEP] == d.GRADER_ERROR and "submission: could not be graded" not in data["grid"]["unreadable"]
    assert next(t for t in data["tests"] if t["name"] == STEP)["counted"] == 6  # the grader's failure is not the student's


def test_a_file_that_could_not_be_loaded_is_one_look_not_a_wall_of_undiagnosed_failures():
    """Its tests are "not loaded" (not failures to diagnose, not counted in the pass rates); the load error is a reason to look."""
    said = "training_loop.py could not be loaded: running it raised SyntaxError: '(' was never closed (training_loop.py, line 50)."
    unloaded = {**result(STEP, 2, False), "message": "not graded: training_loop.py could not be loaded (see above)."}
    reports = {
        "broken": report(unloaded, {**unloaded, "name": LOOP}, load_errors={"training_loop": [said + "\nRun it to see the full error."]}),
        "wrong": report(result(STEP, 2, False), result(LOOP, 4, False)),
    }
    data = d.class_data(reports)
    assert data["grid"]["broken"] == {STEP: d.NOT_LOADED, LOOP: d.NOT_LOADED}
    assert {e["student"]: e["reasons"] for e in data["needs_look"]} == {"broken": [f"training_loop: {said}"]}
    assert all(row["students"] == ["wrong"] for row in data["undiagnosed"])
    assert next(t for t in data["tests"] if t["name"] == STEP)["counted"] == 1


def test_histogram_counts_whole_students_and_draws_integer_ticks():
    totals = [0, 4, 55, 59.5, 81, 100, 100]
    reports = {f"s{i}": report({**result(STEP, 100, False), "points": t}) for i, t in enumerate(totals)}
    bins = d.class_data(reports)["histogram"]
    assert [b["count"] for b in bins] == [2, 0, 0, 0, 0, 2, 0, 0, 1, 0, 2]
    assert all(isinstance(b["count"], int) for b in bins)
    svg = histogram_svg(bins)
    ticks = [int(t) for t in re.findall(r'<text class="ytick"[^>]*>([^<]*)</text>', svg)]
    assert ticks == [0, 1, 2]
    assert [int(c) for c in re.findall(r'data-count="([^"]*)"', svg)] == [b["count"] for b in bins]
    many = histogram_svg(d.histogram([50.0] * 23, 100))
    ticks = [t for t in re.findall(r'<text class="ytick"[^>]*>([^<]*)</text>', many)]
    assert all(t.isdigit() for t in ticks) and int(ticks[-1]) >= 23 and len(ticks) <= 8


def test_the_page_from_report_files_with_every_new_key(tmp_path):
    """report.json files as the other branches will write them: the page reads them from disk and shows each."""
    reports = {
        "ann <b>": report(result(STEP, 2, False, ZERO_GRAD), found={"training_loop": "hw/training_loop.py"}),
        "bob": report(result(STEP, 2, True), {**result(DROPOUT, 2, False), "handed_in": False}, not_handed_in=["regularization"]),
        "cat": report(result(STEP, 2, True), needs_look=["tampering: torch.allclose was replaced"]),
    }
    for student, data in reports.items():
        (tmp_path / student).mkdir()
        (tmp_path / student / "report.json").write_text(json.dumps(data))
    page = dashboard_html(d.class_data(d.read_reports(tmp_path, list(reports))))
    assert "ann &lt;b&gt;" in page and "ann <b>" not in page and 'href="ann%20%3Cb%3E/report.html"' in page
    ranking = page[page.index('id="misconceptions"') : page.index('id="missing"')]
    assert ZERO_GRAD in ranking and "not handed in" not in ranking
    missing = page[page.index('id="not-handed-in"') : page.index('id="other"')]
    assert "5. Dropout and L2 regularisation" in missing and "bob" in missing
    look = page[page.index('id="look"') : page.index('id="mistakes"')]
    assert "tampering: torch.allclose was replaced" in look and "training_loop from hw/training_loop.py" in look
    assert "http://" not in page and "https://" not in page


# --- the page, on a class graded for real ------------------------------------------------------------------------

CLASS = ("ada_all_right", "ben_partly_done", "cleo_typical_mistakes", "dan_untouched")
CORPUS = ROOT / "tests" / "corpus" / "mistakes" / "tl_no_zero_grad"

PAGE_CHECK = """
<pre id="page-check">pending</pre>
<script>
window.addEventListener('load', () => {
  const grid = document.getElementById('grid');
  const column = i => [...grid.tBodies[0].rows].map(r => r.children[i].textContent);
  const header = grid.tHead.rows[0];
  header.children[1].click();                        // total, ascending
  const byTotal = column(1).map(Number);
  header.children[0].click();                        // student, ascending
  const byName = column(0);
  const zeroGrad = [...header.children].findIndex(th => (th.title || '').includes('gradients are zeroed'));
  header.children[zeroGrad].click();                 // that test: failures first
  const byTest = [...grid.tBodies[0].rows].map(r => r.children[zeroGrad].dataset.state);
  document.getElementById('hardest').click();
  const rates = [...header.children].slice(2).map(th => parseFloat(th.dataset.rate));
  const misconceptions = [...document.querySelectorAll('#misconceptions tr.misconception')].map(tr =>
    ({says: tr.children[1].textContent, count: parseInt(tr.children[3].textContent), who: [...tr.querySelectorAll('a')].map(a => a.getAttribute('href'))}));
  const links = [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'));
  const sources = [...document.querySelectorAll('[src]')].map(e => e.getAttribute('src'));
  const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
  document.getElementById('page-check').textContent = JSON.stringify({ready: document.body.dataset.ready, byTotal, byName, byTest,
    rates, misconceptions, links, sources, ids, text: document.body.innerText.length, bars: document.querySelectorAll('#histogram rect').length});
});
</script>
"""


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory) -> Path:
    """Four example students and one who handed in only a training loop without zero_grad, graded by grade-class."""
    base = tmp_path_factory.mktemp("dashboard")
    klass = base / "class"
    for name in CLASS:
        shutil.copytree(ROOT / "examples" / "submissions" / name, klass / name)
    (klass / "fay_no_zero_grad").mkdir()
    shutil.copy2(CORPUS / "training_loop.py", klass / "fay_no_zero_grad" / "training_loop.py")
    nested = klass / "gus_nested" / "repo-main" / "exercises"  # the whole repository, downloaded as a zip and unpacked
    nested.mkdir(parents=True)
    for part in ("backprop", "validation"):
        shutil.copy2(ROOT / "solutions" / f"{part}.py", nested / f"{part}.py")
    write(klass / "hal_notebook" / "training_loop.ipynb", fill(plain_notebook("training_loop"), "training_loop", "mistake"))
    out = base / "out"
    process = run_cli("grade-class", str(klass), "--out", str(out))
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
    return out


def test_a_mixed_class_has_its_statuses_and_its_parts_not_handed_in_kept_apart(graded_class):
    """Full, partial (a folder and a notebook) and nested submissions: the gradebook's statuses and the dashboard's
    "not handed in" counts, never a mistake."""
    rows = {row["student"]: row for row in csv.DictReader((graded_class / "gradebook.csv").open())}
    others = ", ".join(p for p in NAMES if p != "training_loop")
    assert rows["fay_no_zero_grad"]["status"] == rows["hal_notebook"]["status"] == f"graded, not handed in: {others}"
    assert rows["gus_nested"]["status"] == "graded, not handed in: " + ", ".join(p for p in NAMES if p not in ("backprop", "validation"))
    assert rows["ada_all_right"]["status"] == "graded"
    students = [*CLASS, "fay_no_zero_grad", "gus_nested", "hal_notebook"]
    data = d.class_data(d.read_reports(graded_class, students))
    missing = {row["part"]: row["students"] for row in data["not_handed_in"]}
    assert missing["backprop"] == ["fay_no_zero_grad", "hal_notebook"] and missing["training_loop"] == ["gus_nested"]
    diagnosed = {student for m in data["misconceptions"] for student in m["students"]}
    assert "gus_nested" not in diagnosed  # right code in unexpected places: no mistake, but a look
    assert any(e["student"] == "gus_nested" and "repo-main/exercises" in " ".join(e["reasons"]) for e in data["needs_look"]), data[
        "needs_look"
    ]
    zero_grad = next(m for m in data["misconceptions"] if ZERO_GRAD in m["says"])
    assert "hal_notebook" in zero_grad["students"]  # the notebook's missing zero_grad, named like the file's


def test_the_dashboard_of_a_real_class_ranks_the_corpus_diagnosis(graded_class):
    students = [*CLASS, "fay_no_zero_grad"]
    files = {student: d.count_files(graded_class.parent / "class" / student) for student in students}
    data = d.class_data(d.read_reports(graded_class, students), files)
    feedback = json.loads((CORPUS / "expected.json").read_text())["feedback"]
    zero_grad = [m for m in data["misconceptions"] if feedback in m["says"]]
    assert len(zero_grad) == 1 and zero_grad[0]["students"] == ["cleo_typical_mistakes", "fay_no_zero_grad"]
    assert data["misconceptions"][0] is zero_grad[0]  # two students: the top of the ranking
    assert [len(m["students"]) for m in data["misconceptions"]] == sorted(
        (len(m["students"]) for m in data["misconceptions"]), reverse=True
    )
    assert {e["student"] for e in data["needs_look"]} == {"dan_untouched"}  # 0 with its files handed in
    look = (graded_class / "index.html").read_text().split('id="look"')[1].split('id="mistakes"')[0]
    assert "dan_untouched" in look and "scored 0 although files were found for backprop, early_stopping" in look
    for student in students:  # each student's feedback beside the page, and the totals are the gradebook's
        assert (graded_class / student / "report.html").is_file() and (graded_class / student / "report.md").is_file()
        assert next(s for s in data["students"] if s["name"] == student)["total"] == sum(
            t["points"] for t in json.loads((graded_class / student / "report.json").read_text())["tests"]
        )


def test_the_dashboard_renders_in_chromium_and_every_link_resolves(graded_class, tmp_path):
    page = graded_class / "checked.html"  # beside index.html, so its relative links resolve as the real page's do
    page.write_text((graded_class / "index.html").read_text().replace("</body>", PAGE_CHECK + "</body>"))
    try:
        process = chromium(f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000", "--dump-dom", page.as_uri())
    finally:
        page.unlink()
    found = re.search(r'<pre id="page-check">([^<]*)</pre>', process.stdout)
    assert found and found.group(1) != "pending", process.stderr[-2000:]
    seen = json.loads(html.unescape(found.group(1)))
    assert seen["ready"] == "yes" and seen["text"] > 2000 and seen["bars"] == 11
    # Misconceptions: the zero_grad diagnosis, linked to the three students who made it (one of them in a notebook).
    first = seen["misconceptions"][0]
    assert "no optimizer.zero_grad()" in first["says"] and first["count"] == 3
    assert first["who"] == ["cleo_typical_mistakes/report.html", "fay_no_zero_grad/report.html", "hal_notebook/report.html"]
    # Every link is a file beside the page or an anchor on it; nothing is fetched from the network.
    assert seen["links"] and not seen["sources"]
    for link in seen["links"]:
        parsed = urlparse(link)
        assert not parsed.scheme and not parsed.netloc, link
        if link.startswith("#"):
            assert link[1:] in seen["ids"], link
        else:
            assert (graded_class / unquote(parsed.path)).is_file(), link
    # Sorting: by total, by student, by a test (its failures first), and the hardest tests first.
    assert seen["byTotal"] == sorted(seen["byTotal"]) and seen["byName"] == sorted(seen["byName"])
    assert seen["byTest"][:2] == [d.DIAGNOSED, d.DIAGNOSED] and seen["byTest"][-1] in (d.PASSED, d.FAILED)
    assert seen["rates"] == sorted(seen["rates"])


def test_the_dashboard_screenshot_is_not_blank(graded_class, tmp_path):
    from matplotlib import image as mpimg

    shot = tmp_path / "dashboard.png"
    process = chromium(
        f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1200,1600", (graded_class / "index.html").as_uri()
    )
    assert shot.exists(), process.stderr[-2000:]
    pixels = mpimg.imread(shot)
    ink = (pixels[:, :, :3] < 0.9).any(axis=2).mean()
    assert pixels.shape[:2] == (1600, 1200) and 0.02 < ink < 0.8
