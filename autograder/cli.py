"""The command line: ``python -m autograder <command>``.

Commands:
    check             run the public checks on your own exercises/ (students)
    grade PATH        grade one submission (folder, module file or notebook)
    grade-class DIR   grade every student's submission in DIR into a gradebook
    serve             keep a warm grader running, for fast `grade --server`
    release OUT       write the student bundle (no solutions, graders or references)
    demo              grade the bundled example students and compare with their expected grades
    build-exercises   write exercises/ from solutions/ (--check: only compare)
    references        check (or --write) the stored reference curves
    notebooks         write notebooks/ (plain, nbgrader, otter) from solutions/ (--check: only compare)
    plain OUT         write the plain student notebooks, one per part
    nbgrader COURSE   write an nbgrader course directory (source/<part>/<part>.ipynb, nbgrader_config.py)
    otter OUT         write otter-grader master notebooks and the files their autograder needs
    gradescope ZIP    build a Gradescope autograder zip that runs this grader
    classroom PATH    grade in GitHub Classroom's CI: score summary and the reporter's result
    collect ARCHIVE   turn an LMS's bulk download into a class folder and its roster (autograder/lms/collect.py)
    export GRADEBOOK  write a gradebook in an LMS's grade import format (autograder/lms/export.py)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from autograder import EXERCISES_DIR, SOLUTIONS_DIR
from autograder.api import GRADED_MODULES as GRADED_PARTS


def cmd_build_exercises(args: argparse.Namespace) -> int:
    from autograder.stubs import build_exercises

    changed = build_exercises(Path(args.solutions), Path(args.exercises), check=args.check)
    if args.check:
        if changed:
            print(f"exercises/ is out of date for: {', '.join(changed)}. Run: python -m autograder build-exercises")
            return 1
        print("exercises/ matches solutions/.")
        return 0
    print(f"wrote {len(changed)} file(s): {', '.join(changed) or 'nothing changed'}")
    return 0


BUNDLE_MESSAGE = "`{}` is not part of the student bundle: it needs the hidden graders. Use `python -m autograder check`."


def graders_missing(command: str) -> bool:
    """True (after saying so) when the hidden graders are absent, as in the student bundle."""
    from autograder import PACKAGE_DIR

    if (PACKAGE_DIR / "graders" / "pytest.ini").is_file():
        return False
    print(BUNDLE_MESSAGE.format(command), file=sys.stderr)
    return True


def cmd_grade(args: argparse.Namespace) -> int:
    if graders_missing("grade"):
        return 2
    from autograder.judge.results import GradeReport, junit_xml, render_table, write_atomic

    path = Path(args.path)
    if not path.exists():
        print(f"error: {path} does not exist", file=sys.stderr)
        return 2
    from autograder.grade import ResultsFile

    # Zero points on disk before any student code runs, then the judge's own results as tests finish.
    results = ResultsFile(Path(args.results)) if args.results else None
    if args.server:  # a warm service does the work: nothing heavy is imported here
        from autograder.service import request_grade

        report = GradeReport.from_dict(request_grade(Path(args.server), path, select=args.select)["report"])
    else:
        from autograder.grade import grade_submission, warm_judge
        from autograder.judge.client import ForkServer

        with ForkServer() as server:
            warm_judge()
            report = grade_submission(server, path, select=args.select, on_result=results.add if results else None)
    print(render_table(report, title=f"Grade for {path}: {report.score:g} / {report.max_score:g}"))
    if results:
        results.finish(report)
    if args.junit:
        write_atomic(Path(args.junit), junit_xml(report))
    if args.json:
        write_atomic(Path(args.json), json.dumps(report.to_dict(), indent=2))
    if args.report:
        from autograder.reports.render import report_files, write_files

        written = write_files(Path(args.report), report_files(report, path.stem if path.is_file() else path.name, args.show_hidden))
        print(f"feedback report: {written[0]}")
    for test in report.grader_errors:
        print(f"\nGRADER ERROR in {test.name}:\n{test.grader_error}", file=sys.stderr)
    return 3 if report.grader_errors else 0


def cmd_check(args: argparse.Namespace) -> int:
    from autograder import PACKAGE_DIR
    from autograder.grade import submission_modules
    from autograder.judge.client import ForkServer, Submission
    from autograder.judge.results import render_table
    from autograder.judge.runner import run_graders

    path = Path(args.path)
    with ForkServer() as server:
        submission = Submission(server, path, submission_modules(path))
        try:
            report = run_graders(submission, PACKAGE_DIR / "checks")
        finally:
            submission.close()
    passed = sum(t.passed for t in report.tests)
    print(render_table(report, title=f"Public checks on {path}: {passed} of {len(report.tests)} pass", points=False))
    if args.report:
        from autograder.reports.render import report_files, write_files

        files = report_files(report, path.name, show_hidden=True, title="Public checks")
        print(f"report: {write_files(Path(args.report), files)[0]}")
    print(
        "\nPassing these checks does not promise full marks: the grader's hidden tests try many more inputs "
        "and situations. Test your functions on examples of your own too."
    )
    return 0


def cmd_grade_class(args: argparse.Namespace) -> int:
    if graders_missing("grade-class"):
        return 2
    import time

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from autograder.gradebook import find_submissions, grade_class, summary

    class_dir = Path(args.class_dir)
    out = Path(args.out or class_dir.with_name(class_dir.name + "-graded"))
    console = Console()
    columns = (
        TextColumn("grading"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[last]}"),
    )
    started = time.monotonic()
    with Progress(*columns, console=console, disable=not console.is_terminal) as bar:
        task = bar.add_task("grading", total=len(find_submissions(class_dir)), last="")

        def progress(student: str, row, result: dict) -> None:
            bar.update(task, advance=1, last=f"{student}: {row.total:g}")
            if not console.is_terminal:
                print(f"{student:30s} {row.total:6g}  {row.status}", flush=True)

        rows = grade_class(
            class_dir,
            out,
            regrade=args.regrade,
            workers=args.workers,
            progress=progress,
            reports=not args.no_reports,
            show_hidden=args.show_hidden,
        )
    print("\n" + summary(rows, time.monotonic() - started))
    print(f"gradebook: {out / 'gradebook.csv'}")
    return 3 if any(row.status.startswith("grader error") for row in rows) else 0


def cmd_release(args: argparse.Namespace) -> int:
    from autograder.release import release

    files = release(Path(args.out))
    print(f"wrote the student bundle to {args.out} ({len(files)} files)")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from autograder.demo import run_demo

    return run_demo(Path(args.out))


def cmd_serve(args: argparse.Namespace) -> int:
    if graders_missing("serve"):
        return 2
    from autograder.service import serve

    serve(Path(args.socket), ready=lambda message: print(message, flush=True))
    return 0


def cmd_references(args: argparse.Namespace) -> int:
    from autograder import references
    from autograder.graders.scenarios import SCENARIOS

    if args.write:
        references.write(SCENARIOS)
        print(f"wrote {references.CURVES_PATH} ({len(SCENARIOS)} scenarios)")
        return 0
    stored = json.loads(references.CURVES_PATH.read_text())["results"] if references.CURVES_PATH.exists() else {}
    live = references.compute(SCENARIOS)
    changed = references.drifted(stored, live)
    if changed:
        print(f"{len(changed)} scenario(s) do not reproduce here: {', '.join(changed)}")
        return 1
    rounding = references.differing(stored, live)
    how = f"up to float rounding ({len(rounding)} differ in the last bits: another CPU or build)" if rounding else "bit for bit"
    print(f"all {len(SCENARIOS)} reference scenarios reproduce in this environment, {how}.")
    return 0


def cmd_notebooks(args: argparse.Namespace) -> int:
    from autograder.platforms.sync import NOTEBOOKS_DIR, sync

    changed = sync(Path(args.out or NOTEBOOKS_DIR), check=args.check)
    if args.check:
        if changed:
            print(f"notebooks/ is out of date for: {', '.join(changed)}. Run: python -m autograder notebooks")
            return 1
        print("notebooks/ matches solutions/ and the graders.")
        return 0
    print(f"wrote {len(changed)} file(s): {', '.join(changed) or 'nothing changed'}")
    return 0


def cmd_plain(args: argparse.Namespace) -> int:
    from autograder.platforms.notebook_builder import write_plain

    written = write_plain(Path(args.out))
    print(f"wrote {len(written)} plain notebooks to {args.out}")
    return 0


def cmd_nbgrader(args: argparse.Namespace) -> int:
    from autograder.platforms.nbgrader_export import write_course

    written = write_course(Path(args.course))
    print(f"wrote {len(written)} files to the nbgrader course {args.course}; then, there: nbgrader generate_assignment <part>")
    return 0


def cmd_otter(args: argparse.Namespace) -> int:
    if graders_missing("otter"):
        return 2
    from autograder.platforms.otter_export import write_masters

    written = write_masters(Path(args.out))
    print(f"wrote {len(written)} files to {args.out}; then, there: otter assign <part>.ipynb dist/<part> --no-pdfs")
    return 0


def cmd_gradescope(args: argparse.Namespace) -> int:
    if graders_missing("gradescope"):
        return 2
    from autograder.platforms.gradescope import build_zip

    out = build_zip(Path(args.out), args.part)
    print(f"wrote the Gradescope autograder {out} (parts: {', '.join(args.part or ['all'])})")
    return 0


def cmd_classroom(args: argparse.Namespace) -> int:
    from autograder.judge.results import render_table
    from autograder.platforms.classroom import grade, write_outputs

    path = Path(args.path)
    if not path.exists():
        print(f"error: {path} does not exist", file=sys.stderr)
        return 2
    report, hidden = grade(path)
    what = "hidden graders" if hidden else "public checks only"
    print(render_table(report, title=f"Autograding ({what}): {report.score:g} / {report.max_score:g}"))
    write_outputs(report, hidden, Path(args.github_output) if args.github_output else None, Path(args.summary) if args.summary else None)
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m autograder", description="Autograder for the chapter 'Training Neural Networks'.")
    commands = main.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build-exercises", help="write exercises/ from solutions/")
    build.add_argument("--check", action="store_true", help="only compare; exit 1 if exercises/ is out of date")
    build.add_argument("--solutions", default=str(SOLUTIONS_DIR))
    build.add_argument("--exercises", default=str(EXERCISES_DIR))
    build.set_defaults(run=cmd_build_exercises)

    grade = commands.add_parser("grade", help="grade one submission")
    grade.add_argument("path", help="a folder laid out like exercises/, one module file, or a notebook")
    grade.add_argument("--results", help="write Gradescope's results.json here")
    grade.add_argument("--junit", help="write JUnit XML here")
    grade.add_argument("--json", help="write the full report (with grader errors) here")
    grade.add_argument("-k", dest="select", help="only the grader tests matching this pytest expression")
    grade.add_argument("--report", help="write the feedback report (report.html, report.md, figures) into this folder")
    grade.add_argument("--show-hidden", action="store_true", help="show hidden tests' data (curves, values) in the report")
    grade.add_argument(
        "--server", default=os.environ.get("AUTOGRADER_SERVER"), help="use a running `serve` (its socket; or set AUTOGRADER_SERVER)"
    )
    grade.set_defaults(run=cmd_grade)

    check = commands.add_parser("check", help="run the public checks on your exercises")
    check.add_argument("path", nargs="?", default=str(EXERCISES_DIR), help="your exercises folder (default: exercises/)")
    check.add_argument("--report", help="also write a feedback report (report.html, report.md) into this folder")
    check.set_defaults(run=cmd_check)

    klass = commands.add_parser("grade-class", help="grade every submission in a folder")
    klass.add_argument("class_dir", help="one sub-folder (or notebook) per student")
    klass.add_argument("--out", help="where the gradebook and each student's results go (default: DIR-graded)")
    klass.add_argument("--regrade", action="store_true", help="grade again students already graded")
    klass.add_argument("--workers", type=int, default=None, help="parallel warm workers (default: one per core)")
    klass.add_argument("--no-reports", action="store_true", help="skip the HTML/Markdown feedback reports and the class overview")
    klass.add_argument("--show-hidden", action="store_true", help="show hidden tests' data (curves, values) in the reports")
    klass.set_defaults(run=cmd_grade_class)

    service = commands.add_parser("serve", help="keep a warm grader running for `grade --server`")
    service.add_argument("--socket", default=f"/tmp/autograder-{os.getuid()}.sock", help="the Unix socket to listen on")
    service.set_defaults(run=cmd_serve)

    rel = commands.add_parser("release", help="write the student bundle")
    rel.add_argument("out", help="a new folder")
    rel.set_defaults(run=cmd_release)

    demo = commands.add_parser("demo", help="grade the example students in examples/submissions")
    demo.add_argument("--out", default="build/demo", help="where to write the gradebook")
    demo.set_defaults(run=cmd_demo)

    refs = commands.add_parser("references", help="check that the stored reference curves reproduce here")
    refs.add_argument("--write", action="store_true", help="regenerate references/curves.json from solutions/")
    refs.set_defaults(run=cmd_references)

    nbs = commands.add_parser("notebooks", help="write notebooks/ (plain, nbgrader, otter) from solutions/")
    nbs.add_argument("--check", action="store_true", help="only compare; exit 1 if notebooks/ is out of date")
    nbs.add_argument("--out", help="another folder than notebooks/")
    nbs.set_defaults(run=cmd_notebooks)

    plain = commands.add_parser("plain", help="write the plain student notebooks (no grading dependency)")
    plain.add_argument("out", help="the folder to write <part>.ipynb into")
    plain.set_defaults(run=cmd_plain)

    nbgrader = commands.add_parser("nbgrader", help="write an nbgrader course directory")
    nbgrader.add_argument("course", help="the course directory (source/<part>/ is written there)")
    nbgrader.set_defaults(run=cmd_nbgrader)

    otter = commands.add_parser("otter", help="write otter-grader master notebooks and their support files")
    otter.add_argument("out", help="the folder for <part>.ipynb, autograder/ and solutions/")
    otter.set_defaults(run=cmd_otter)

    gradescope = commands.add_parser("gradescope", help="build a Gradescope autograder zip that runs this grader")
    gradescope.add_argument("out", help="the zip to write")
    gradescope.add_argument("--part", action="append", choices=GRADED_PARTS, help="grade only this part (repeatable; default: all)")
    gradescope.set_defaults(run=cmd_gradescope)

    classroom = commands.add_parser("classroom", help="grade in GitHub Classroom's CI and report the score")
    classroom.add_argument("path", nargs="?", default=str(EXERCISES_DIR), help="exercises/, a folder of notebooks, or one file")
    classroom.add_argument("--github-output", help="append result=<base64> here ($GITHUB_OUTPUT)")
    classroom.add_argument("--summary", help="append a Markdown score summary here ($GITHUB_STEP_SUMMARY)")
    classroom.set_defaults(run=cmd_classroom)

    try:  # standard library only, cheap to import; instructors' tools, absent from the student bundle
        from autograder.lms import collect as lms_collect
        from autograder.lms import export as lms_export
    except ModuleNotFoundError as error:
        if error.name != "autograder.lms":
            raise
        return main

    collect = commands.add_parser("collect", help="turn an LMS's bulk download into a class folder and roster.csv")
    lms_collect.add_arguments(collect)
    collect.set_defaults(run=lms_collect.main)

    export = commands.add_parser("export", help="write a gradebook in an LMS's grade import format")
    lms_export.add_arguments(export)
    export.set_defaults(run=lms_export.main)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith(("autograder.graders", "autograder.references", "autograder.demo")):
            print(BUNDLE_MESSAGE.format(args.command), file=sys.stderr)
            return 2
        raise
