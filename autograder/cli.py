"""``autograder``: release, grade, feedback and export for an nbgrader course directory."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from autograder import image
from autograder.course import Course, CourseError
from autograder.records import Status, SubmissionResult
from autograder.runners import RunnerError, make_runner
from autograder.runners.base import use_kernel_tensorflow_settings

console = Console(stderr=True)


def _course(args: argparse.Namespace) -> Course:
    return Course.find(Path(args.course)) if args.course else Course.find()


def cmd_release(args: argparse.Namespace) -> int:
    from autograder.release import release

    course = _course(args)
    assignment = course.assignment(args.assignment)
    found = release(course, assignment)
    if found:
        for leak in found:
            console.print(f"[red]LEAK[/red] {leak.file}: {leak.what}")
        return 1
    console.print(f"[green]Released {assignment.release_dir}: no solution, hidden test or answer key leaks.[/green]")
    return 0


def grade(course: Course, assignment_name: str, runner_name: str, workers: int, lang: str | None,
          students: list[str] | None = None, gpus: str | None = None) -> list[SubmissionResult]:
    """Grade every submission (or ``students``) and record each result as soon as it is ready."""
    from autograder import gradebook
    from autograder.pipeline import grade_batch, runner_config, save_result, submitted_students
    from autograder.release import generate

    assignment = course.assignment(assignment_name)
    overrides = {"DockerRunner": {"gpus": gpus}} if gpus else None
    for warning in make_runner(runner_name, runner_config(course, overrides)).prepare():
        console.print(f"[bold red]WARNING: {warning}[/bold red]")
    if not gradebook.has_assignment(course, assignment_name):
        generate(course, assignment)
    todo = students or submitted_students(course, assignment_name)
    if not todo:
        console.print(f"No submissions for {assignment_name!r} under {course.root / 'submitted'}/<student>/"
                      f"{assignment_name}/ (collect them with `nbgrader collect {assignment_name}` or copy them there).")
    results: list[SubmissionResult] = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as progress:
        task = progress.add_task(f"grading {assignment_name}", total=len(todo))

        def on_result(result: SubmissionResult) -> None:
            save_result(course, result)
            gradebook.record(course, result, assignment.notebooks)
            progress.advance(task)

        results = grade_batch(course, assignment_name, todo, runner_name, workers, lang, on_result, overrides)
    if students is None:
        max_score = results[0].max_score if results else 0.0
        for student in sorted(set(gradebook.registered_students(course)) - set(todo)):
            results.append(SubmissionResult(student, assignment_name, Status.MISSING, 0.0, max_score))
    return sorted(results, key=lambda r: r.student)


def cmd_grade(args: argparse.Namespace) -> int:
    from autograder.reports import summary_table

    course = _course(args)
    lang = args.lang or course.settings().lang
    results = grade(course, args.assignment, args.runner, args.workers, lang, args.student or None, args.gpus)
    Console().print(summary_table(results, lang))
    return 0


def _load_results(course: Course, assignment: str) -> list[SubmissionResult]:
    from autograder.pipeline import load_result, submitted_students

    course.assignment(assignment)
    results = [r for s in submitted_students(course, assignment) if (r := load_result(course, s, assignment))]
    if not results:
        raise CourseError(f"no graded submissions for {assignment!r}: run `autograder grade {assignment}` first")
    return results


def cmd_feedback(args: argparse.Namespace) -> int:
    from autograder.feedback import write_feedback

    course = _course(args)
    lang = args.lang or course.settings().lang
    paths = write_feedback(course, _load_results(course, args.assignment), lang)
    console.print(f"Wrote {len(paths)} feedback reports under {course.root / 'feedback'}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from autograder.reports import to_csv, to_json

    course = _course(args)
    results = _load_results(course, args.assignment)
    text = to_json(results) if args.format == "json" else to_csv(results)
    if args.output:
        Path(args.output).write_text(text)
        console.print(f"Wrote {args.output}")
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from autograder.demo import build_class
    from autograder.feedback import write_feedback
    from autograder.reports import summary_table

    course = _course(args)
    lang = args.lang or course.settings().lang
    demo = build_class(course, args.assignment, Path(args.dir).resolve())
    console.print(f"Demo class for {args.assignment!r} in {demo.root}")
    results = grade(demo, args.assignment, args.runner, args.workers, lang, gpus=args.gpus)
    write_feedback(demo, [r for r in results if r.status is not Status.MISSING], lang)
    Console().print(summary_table(results, lang))
    console.print(f"Feedback: {demo.root / 'feedback'}/<student>/{args.assignment}/feedback.html")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__)
    parser.add_argument("--course", help="course directory (default: the one containing the current directory)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("release", help="generate the student version and check it for leaks")
    p.add_argument("assignment")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("grade", help="grade every submission of an assignment")
    p.add_argument("assignment")
    p.add_argument("--runner", default="local", choices=["local", "docker"])
    p.add_argument("--workers", type=int, default=1, help="submissions graded in parallel")
    p.add_argument("--lang", choices=["es", "en"], help="feedback language (default: course setting)")
    p.add_argument("--student", action="append", help="grade only this student (repeatable)")
    p.add_argument("--gpus", help="docker runner: GPUs for each container: all, a count, or none")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("feedback", help="write one HTML report per student")
    p.add_argument("assignment")
    p.add_argument("--lang", choices=["es", "en"])
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("export", help="export grades as CSV or JSON")
    p.add_argument("assignment")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--output", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("demo", help="build, grade and report a demo class in a scratch course")
    p.add_argument("assignment", nargs="?", default="rnn")
    p.add_argument("--dir", default="build/demo")
    p.add_argument("--runner", default="local", choices=["local", "docker"])
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--lang", choices=["es", "en"])
    p.add_argument("--gpus", help="docker runner: GPUs for each container: all, a count, or none")
    p.set_defaults(func=cmd_demo)

    image.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    use_kernel_tensorflow_settings()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CourseError, RunnerError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        return 2


if __name__ == "__main__":
    sys.exit(main())
