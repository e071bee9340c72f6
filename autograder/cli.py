"""The command line: ``python -m autograder <command>``.

Commands:
    build-exercises   write exercises/ from solutions/ (--check: only compare)
    grade PATH        grade one submission (folder, module file or notebook)
    references        check (or --write) the stored reference curves
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from autograder import EXERCISES_DIR, SOLUTIONS_DIR


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


def cmd_grade(args: argparse.Namespace) -> int:
    from autograder.grade import grade_submission
    from autograder.judge.client import ForkServer
    from autograder.judge.results import junit_xml, render_table, write_atomic, write_gradescope

    path = Path(args.path)
    if not path.exists():
        print(f"error: {path} does not exist", file=sys.stderr)
        return 2
    with ForkServer() as server:
        report = grade_submission(server, path, select=args.select)
    print(render_table(report, title=f"Grade for {path}"))
    if args.results:
        write_gradescope(report, Path(args.results))
    if args.junit:
        write_atomic(Path(args.junit), junit_xml(report))
    if args.json:
        write_atomic(Path(args.json), json.dumps(report.to_dict(), indent=2))
    for test in report.grader_errors:
        print(f"\nGRADER ERROR in {test.name}:\n{test.grader_error}", file=sys.stderr)
    return 3 if report.grader_errors else 0


def cmd_references(args: argparse.Namespace) -> int:
    from autograder import references
    from autograder.graders.scenarios import SCENARIOS

    if args.write:
        references.write(SCENARIOS)
        print(f"wrote {references.CURVES_PATH} ({len(SCENARIOS)} scenarios)")
        return 0
    stored = json.loads(references.CURVES_PATH.read_text())["results"] if references.CURVES_PATH.exists() else {}
    changed = references.differing(stored, references.compute(SCENARIOS))
    if changed:
        print(f"{len(changed)} scenario(s) do not reproduce here: {', '.join(changed)}")
        return 1
    print(f"all {len(SCENARIOS)} reference scenarios reproduce in this environment.")
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
    grade.set_defaults(run=cmd_grade)

    refs = commands.add_parser("references", help="check that the stored reference curves reproduce here")
    refs.add_argument("--write", action="store_true", help="regenerate references/curves.json from solutions/")
    refs.set_defaults(run=cmd_references)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)
