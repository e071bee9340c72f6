"""Reports every consumer can parse (issue 24): JUnit XML, Gradescope's results.json, the CI files, Gradescope's scripts.

Each is checked the way its reader checks it, offline: the JUnit file with ElementTree and junitparser; results.json
with the JSON Schema written from Gradescope's specification (autograder/platforms/gradescope_results.schema.json);
the CI files, as ``release`` writes them into a student repository, with actionlint and with the published
GitHub-workflow and GitLab-CI schemas vendored in check-jsonschema's wheel; ``setup.sh``'s choice of Python with
stub commands on PATH; ``run_autograder``'s time limit for real, on a submission that sleeps.

Not run here: Gradescope itself (its base images, uv's download of CPython), GitHub's and GitLab's runners.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import check_jsonschema
import junitparser
import pytest

from autograder.judge import results as judged  # its TestResult, imported by name, would be collected as a test class
from autograder.judge.results import safe_text
from autograder.outputs import ResultsFile
from autograder.platforms import classroom, gradescope
from autograder.platforms.classroom50 import autograder as classroom50_entry
from tests.conftest import ROOT, check_gradescope, grade, run_cli

BIN = Path(sys.executable).parent
# No network at test time: any request through a proxy-aware client goes to a closed port and fails.
OFFLINE = {"https_proxy": "http://127.0.0.1:9", "http_proxy": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
# Every character XML 1.0 forbids (production Char), range by range, and the neighbours it allows.
FORBIDDEN = [
    *map(chr, range(0x00, 0x09)),
    "\x0b",
    "\x0c",
    *map(chr, range(0x0E, 0x20)),
    *map(chr, range(0xD800, 0xE000)),
    "\ufffe",
    "\uffff",
]
ALLOWED = ["\t", "\n", "\r", " ", "\ud7ff", "\ue000", "\ufffd", "\U00010000", "\U0010ffff", "é", "<&>\"'"]


# --- JUnit XML -------------------------------------------------------------------------------------------------


def test_safe_text_replaces_each_character_xml_forbids_and_keeps_the_rest():
    assert len(FORBIDDEN) == 9 + 2 + 18 + 2048 + 2
    cleaned = safe_text("".join(FORBIDDEN))
    assert cleaned == "\ufffd" * len(FORBIDDEN)
    assert safe_text("".join(ALLOWED)) == "".join(ALLOWED)
    # each forbidden character alone, inside text, and the result is XML (ElementTree refuses none of it once cleaned)
    for character in FORBIDDEN:
        text = safe_text(f"a{character}b")
        assert text == "a\ufffdb", repr(character)
    element = ElementTree.Element("failure", message=cleaned + "".join(ALLOWED))
    element.text = cleaned
    ElementTree.fromstring(ElementTree.tostring(element, encoding="unicode"))


def test_junit_xml_of_a_message_with_control_characters_parses():
    """The writer alone (before issue 24 ElementTree wrote ESC and NUL as they were: "not well-formed")."""
    report = judged.GradeReport([judged.TestResult("training_loop.train_step: one step", 0, 2, False, "boom" + chr(27) + chr(0) + "\nline 2")])
    suite = ElementTree.fromstring(judged.junit_xml(report))
    (failure,) = suite.iter("failure")
    assert failure.get("message") == "boom\ufffd\ufffd" and failure.text == "boom\ufffd\ufffd\nline 2"
    assert suite.get("tests") == "1" and suite.get("failures") == "1"


def hostile_submission(solution_copy) -> Path:
    """training_loop.py whose train_step prints bytes that are not UTF-8 and raises with control characters in its message."""
    submission = solution_copy()
    path = submission / "training_loop.py"
    hostile = (
        "    print('printed:', b'\\xff\\xfe \\xc3\\x28'.decode('utf-8', 'surrogateescape'))\n"
        "    raise ValueError('boom' + chr(27) + chr(0) + b'\\xff'.decode('utf-8', 'surrogateescape') + chr(0xFFFE))\n"
        "    optimizer.zero_grad()\n    y_hat"
    )
    source = path.read_text()
    assert "    optimizer.zero_grad()\n    y_hat" in source
    path.write_text(source.replace("    optimizer.zero_grad()\n    y_hat", hostile, 1))
    return path


def test_junit_of_a_student_message_with_control_characters_and_bad_bytes_is_xml(tmp_path, solution_copy):
    """Graded through the command line as CI does (``grade --junit``): the file parses, keeps every test and failure,
    and the message still reads "boom", with U+FFFD where the forbidden characters were."""
    junit = tmp_path / "junit.xml"
    results, process = grade(hostile_submission(solution_copy), tmp_path, "--junit", str(junit))
    check_gradescope(results)
    failed = [t for t in results["tests"] if t["status"] == "failed"]
    assert any("boom" in t["output"] for t in failed), [t["output"] for t in failed]

    raw = junit.read_bytes().decode("utf-8")  # strict: no surrogate could be written
    assert not [c for c in FORBIDDEN if c in raw]
    suite = ElementTree.parse(junit).getroot()
    assert suite.tag == "testsuite" and int(suite.get("tests")) == len(suite.findall("testcase")) == len(results["tests"])
    assert int(suite.get("failures")) == len(suite.findall("testcase/failure")) == len(failed)
    names = [case.get("name") for case in suite.findall("testcase")]
    assert all(name.startswith(test["name"]) for name, test in zip(names, results["tests"], strict=True))
    texts = [failure.text or "" for failure in suite.iter("failure")]
    assert any("ValueError: boom\ufffd\ufffd\ufffd\ufffd at training_loop.py" in text for text in texts), texts

    parsed = junitparser.JUnitXml.fromfile(str(junit))
    cases = [case for suite in ([parsed] if isinstance(parsed, junitparser.TestSuite) else parsed) for case in suite]
    assert [case.name for case in cases] == names
    assert sum(1 for case in cases if any(isinstance(r, junitparser.Failure) for r in case.result)) == len(failed)
    assert "boom" in process.stdout  # the table printed too (it crashed on the surrogate before)


# --- results.json -----------------------------------------------------------------------------------------------


def test_the_schema_is_shipped_and_refuses_unknown_keys():
    assert "platforms/*.schema.json" in (ROOT / "pyproject.toml").read_text()
    assert gradescope.RESULTS_SCHEMA.is_file()
    check_gradescope({"score": 1, "tests": [], "extra_data": {"needs_look": []}})
    check_gradescope({"tests": [{"score": 1, "max_score": 1, "status": "passed", "name": "x"}]})
    import jsonschema

    for wrong in (
        {"score": 1, "needs_look": []},  # ours, at the top: the specification's place is extra_data
        {"score": 1, "tests": [{"score": 1, "points": 2}]},
        {"score": 1, "visibility": "public"},
        {"tests": [{"name": "no score anywhere"}]},
        {"score": 1, "tests": [{"score": 1, "output_format": "markdown"}]},
    ):
        with pytest.raises(jsonschema.ValidationError):
            check_gradescope(wrong)


def test_results_json_of_a_solution_and_of_stubs_validate(tmp_path):
    solved, _ = grade(ROOT / "solutions", tmp_path)
    stubs, _ = grade(ROOT / "exercises", tmp_path)
    assert check_gradescope(solved)["score"] == 100 and check_gradescope(stubs)["score"] == 0
    # what stands while a grade runs (zero, and the "not finished" entry), as grade --results writes it first
    unfinished = tmp_path / "unfinished.json"
    ResultsFile(unfinished)
    assert check_gradescope(json.loads(unfinished.read_text()))["tests"][-1]["name"] == "grading: not finished"


# --- Gradescope's scripts ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory) -> Path:
    zip_path = tmp_path_factory.mktemp("gradescope") / "autograder.zip"
    process = run_cli("gradescope", str(zip_path), "--part", "training_loop")
    assert process.returncode == 0, process.stderr
    return zip_path


def gradescope_root(autograder_zip: Path, where: Path) -> Path:
    """A folder laid out as Gradescope's /autograder: the zip in source/, an empty submission/ and results/."""
    root = where / "autograder"
    for folder in ("source", "submission", "results"):
        (root / folder).mkdir(parents=True)
    with zipfile.ZipFile(autograder_zip) as bundle:
        bundle.extractall(root / "source")
        assert "autograder/platforms/gradescope_results.schema.json" in bundle.namelist()
    return root


def run_autograder(root: Path, **env: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable, **env)
    return subprocess.run(["bash", str(root / "source" / "run_autograder")], env=environment, capture_output=True, text=True, timeout=300)


def test_not_gradable_submission_gets_a_valid_zero(autograder_zip, tmp_path):
    root = gradescope_root(autograder_zip, tmp_path)
    (root / "submission" / "notes.txt").write_text("I could not do it")
    process = run_autograder(root)
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
    results = check_gradescope(json.loads((root / "results" / "results.json").read_text()))
    assert results["score"] == 0 and results["output"].startswith("Nothing was graded")


def test_relative_paths_are_the_callers_and_a_python_that_cannot_run_says_so(autograder_zip, tmp_path):
    """The docs' "Trying it locally" as typed: AUTOGRADER_ROOT and AUTOGRADER_PYTHON relative to the folder the command
    runs in (run_autograder cds into source/ first), and a bare command name looked up on PATH. A Python that is not
    there: one error line, and a results.json saying the autograder could not start, not "did not finish"."""
    root = gradescope_root(autograder_zip, tmp_path)
    (root / "submission" / "notes.txt").write_text("I could not do it")
    script = str(root / "source" / "run_autograder")

    def run_here(python: str) -> subprocess.CompletedProcess:
        environment = dict(os.environ, AUTOGRADER_ROOT=root.name, AUTOGRADER_PYTHON=python, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
        return subprocess.run(["bash", script], cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=300)

    for python in (os.path.relpath(sys.executable, tmp_path), Path(sys.executable).name):
        process = run_here(python)
        assert process.returncode == 0, python + process.stdout[-2000:] + process.stderr[-2000:]
        results = check_gradescope(json.loads((root / "results" / "results.json").read_text()))
        assert results["output"].startswith("Nothing was graded"), results["output"]
    process = run_here("venv/bin/python")  # a venv that was never made
    assert process.returncode == 1
    assert process.stderr.splitlines() == [
        f"error: the autograder could not start: cannot run {tmp_path}/venv/bin/python (set AUTOGRADER_PYTHON to a Python "
        f"that exists, or run setup.sh to make {root}/venv)"
    ], process.stderr
    results = check_gradescope(json.loads((root / "results" / "results.json").read_text()))
    assert results["score"] == 0 and results["output"] == gradescope.NOT_STARTED_OUTPUT


def test_the_docs_try_it_locally_commands_run_as_written(tmp_path):
    """docs/platforms/gradescope.md's "Trying it locally" block, line by line with bash, in a folder laid out as this
    project (its .venv, solutions/), with /tmp/gs moved into tmp_path: the solution's part gets its points."""
    from autograder.course.config import Course
    from autograder.graders.catalog import part_points

    page = (ROOT / "docs" / "platforms" / "gradescope.md").read_text().split("## Trying it locally", 1)[1]
    block = page.split("```sh\n", 1)[1].split("```", 1)[0].replace("/tmp/gs", str(tmp_path / "gs"))
    project = tmp_path / "project"
    project.mkdir()
    (project / ".venv").symlink_to(Path(sys.executable).parent.parent)
    (project / "solutions").symlink_to(ROOT / "solutions")
    environment = dict(os.environ, PYTHONPATH=str(ROOT))  # the first command imports this project, as from its folder
    process = subprocess.run(["bash", "-e", "-c", block], cwd=project, env=environment, capture_output=True, text=True, timeout=300)
    assert process.returncode == 0, process.stdout[-2000:] + process.stderr[-2000:]
    results = check_gradescope(json.loads((tmp_path / "gs" / "results" / "results.json").read_text()))
    assert results["score"] == part_points("training_loop", Course()), results["output"]


def test_a_hung_submission_is_stopped_under_gradescopes_limit_with_a_valid_zero(autograder_zip, tmp_path):
    """run_autograder's own limit fires (for real, here after 5 s) and results.json says why; the default is under
    Gradescope's default limit of 10 minutes."""
    assert gradescope.TIME_LIMIT_SECONDS < 10 * 60 and f":-{gradescope.TIME_LIMIT_SECONDS}}}" in gradescope.RUN_AUTOGRADER
    root = gradescope_root(autograder_zip, tmp_path)
    (root / "submission" / "training_loop.py").write_text("import time\n\ntime.sleep(3600)\n")
    started = time.monotonic()
    environment = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable, AUTOGRADER_TIMEOUT="5")
    running = subprocess.Popen(["bash", str(root / "source" / "run_autograder")], env=environment, stdout=subprocess.PIPE, text=True)
    while not (root / "results" / "results.json").exists() and running.poll() is None:
        time.sleep(0.01)
    check_gradescope(json.loads((root / "results" / "results.json").read_text()))  # the zero written before any student code
    stdout, _ = running.communicate(timeout=120)
    assert time.monotonic() - started < 60
    assert running.returncode == 0, stdout[-2000:]
    results = check_gradescope(json.loads((root / "results" / "results.json").read_text()))
    assert results["score"] == 0 and results["tests"] == []
    assert results["output"].startswith("Grading stopped after 5 seconds, the autograder's time limit")
    assert "grading stopped after 5 seconds" in stdout


def stub(folder: Path, name: str, body: str) -> None:
    """A command on the stub PATH: logs its name and arguments to $STUB_LOG, then runs ``body`` (bash)."""
    path = folder / name
    path.write_text(f'#!/bin/bash\nPATH=/usr/bin:/bin\necho "{name} $*" >> "$STUB_LOG"\n{body}\n')
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


UV_BODY = """\
echo "UV_PYTHON_PREFERENCE=$UV_PYTHON_PREFERENCE UV_PYTHON_INSTALL_DIR=$UV_PYTHON_INSTALL_DIR" >> "$STUB_LOG"
if [ "$1" = venv ]; then
  venv="${@: -1}"
  mkdir -p "$venv/bin"
  printf '#!/bin/bash\\necho "venv-python $*" >> "$STUB_LOG"\\n' > "$venv/bin/python"
  chmod +x "$venv/bin/python"
fi"""


@pytest.mark.parametrize("image", ["with pip (Ubuntu 24.04: python3 is 3.12)", "no pip (a bare image)", "uv on PATH"])
def test_setup_sh_takes_python_from_uv_never_from_apt(tmp_path, image):
    """setup.sh run by bash with stub commands on PATH (no python3.11 there, as on Ubuntu 24.04): what it decides to
    run, not the downloads. It never asks apt or the system for python3.11."""
    stubs, root = tmp_path / "bin", tmp_path / "autograder"
    stubs.mkdir()
    (root / "source").mkdir(parents=True)
    (root / "source" / "setup.sh").write_text(gradescope.SETUP_SH)
    log = tmp_path / "log"
    log.write_text("")
    pip_flag = tmp_path / "pip-installed"
    if image.startswith("with pip"):
        pip_flag.touch()
    uv_script = stubs / "uv"
    stub(stubs, "uv", UV_BODY)
    if image != "uv on PATH":
        uv_script.rename(tmp_path / "uv-stub")  # what `pip install --target ROOT/uv uv==...` brings
    stub(
        stubs,
        "python3",
        f"""if [ "$1 $2 $3" = "-m pip --version" ]; then [ -e "{pip_flag}" ]; exit; fi
if [ "$1 $2 $3" = "-m pip install" ]; then
  target=$(echo "$*" | sed -n 's/.*--target \\([^ ]*\\).*/\\1/p'); mkdir -p "$target/bin"; cp "{tmp_path / 'uv-stub'}" "$target/bin/uv"
fi""",
    )
    stub(stubs, "apt-get", f'if [ "$1" = install ]; then touch "{pip_flag}"; fi')
    env = {"PATH": str(stubs), "STUB_LOG": str(log), "AUTOGRADER_ROOT": str(root), "HOME": str(tmp_path)}
    process = subprocess.run(["/bin/bash", str(root / "source" / "setup.sh")], env=env, capture_output=True, text=True, timeout=60)
    assert process.returncode == 0, process.stderr
    calls = log.read_text().splitlines()
    assert not [call for call in calls if "python3.11" in call]  # neither apt's package nor a system interpreter
    assert f"uv python install {gradescope.PYTHON_VERSION}" in calls
    assert f"uv venv --seed --python {gradescope.PYTHON_VERSION} {root}/venv" in calls
    assert f"UV_PYTHON_PREFERENCE=only-managed UV_PYTHON_INSTALL_DIR={root}/python" in calls
    assert any(call.startswith("venv-python -m pip install --extra-index-url") and call.endswith("requirements.txt") for call in calls)
    bootstrap = f"python3 -m pip install --quiet --target {root}/uv {gradescope.UV_PIN}"
    apt = [call for call in calls if call.startswith("apt-get")]
    if image == "uv on PATH":
        assert bootstrap not in calls and not apt
    elif image.startswith("with pip"):
        assert bootstrap in calls and not apt
    else:
        assert apt == ["apt-get update", "apt-get install -y python3 python3-pip"] and bootstrap in calls


# --- the CI files -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """A student repository as ``release`` writes it, with its CI files."""
    repo = tmp_path_factory.mktemp("release") / "student-repo"
    process = run_cli("release", str(repo))
    assert process.returncode == 0, process.stderr
    return repo


def test_the_schemas_are_vendored_in_check_jsonschemas_wheel():
    vendor = Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor"
    assert (vendor / "github-workflows.json").is_file() and (vendor / "gitlab-ci.json").is_file()


def test_the_released_ci_files_pass_actionlint_and_the_published_schemas(released):
    workflow, gitlab = released / classroom.WORKFLOW_TARGET, released / classroom.GITLAB_CI_TARGET
    env = dict(os.environ, **OFFLINE)
    # shellcheck and pyflakes off: actionlint runs them only where they are installed, and the result must not depend on that
    command = [str(BIN / "actionlint"), "-no-color", "-shellcheck=", "-pyflakes=", str(workflow)]
    actionlint = subprocess.run(command, cwd=released, env=env, capture_output=True, text=True, timeout=120)
    assert actionlint.returncode == 0, actionlint.stdout + actionlint.stderr
    for schema, path in (("vendor.github-workflows", workflow), ("vendor.gitlab-ci", gitlab)):
        command = [str(BIN / "check-jsonschema"), "--builtin-schema", schema, str(path)]
        process = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        assert process.returncode == 0, (schema, process.stdout + process.stderr)


def test_actionlint_catches_an_action_on_node_20(tmp_path, released):
    """The check is real: the workflow as it was before issue 24 (checkout@v4 and the others on Node 20) fails it."""
    old = (released / classroom.WORKFLOW_TARGET).read_text().replace("actions/checkout@v7", "actions/checkout@v4")
    (tmp_path / "old.yml").write_text(old)
    process = subprocess.run([str(BIN / "actionlint"), "-no-color", str(tmp_path / "old.yml")], capture_output=True, text=True, timeout=120)
    assert process.returncode == 1 and 'runtime "node20" is deprecated' in process.stdout


def test_the_students_ci_installs_the_grading_pins(released):
    lines = (released / classroom.GRADING_REQUIREMENTS).read_text().splitlines()
    pins = [line for line in lines if line and not line.startswith("#")]
    assert pins == gradescope.pinned_requirements() and "torch==2.13.0" in pins and "junitparser==5.0.3" in pins
    requirement = f"-r {classroom.GRADING_REQUIREMENTS}"
    assert requirement in (released / classroom.WORKFLOW_TARGET).read_text()
    assert requirement in (released / classroom.GITLAB_CI_TARGET).read_text()
    assert "-r requirements.txt" not in (released / classroom.WORKFLOW_TARGET).read_text()
    assert classroom50_entry.GRADING_REQUIREMENTS == str(classroom.GRADING_REQUIREMENTS)  # the entry point runs alone


def test_no_workflow_file_is_left_unchecked():
    """Every CI file the project ships is among the ones checked above (Classroom 50 has none of ours: its runner's)."""
    shipped = sorted(p.name for p in (ROOT / "autograder" / "platforms").rglob("*.yml"))
    assert shipped == sorted(source.name for source, _ in classroom.CI_FILES)
    assert shutil.which("actionlint", path=str(BIN)) and shutil.which("check-jsonschema", path=str(BIN))
