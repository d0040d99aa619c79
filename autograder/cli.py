"""``autograder``: release, grade, feedback and export for an nbgrader course directory."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from autograder import engine, image
from autograder.course import Course, CourseError
from autograder.engine import BatchOptions
from autograder.frameworks import use_kernel_settings
from autograder.messages import LANGUAGES
from autograder.records import Status, SubmissionResult, phase_statistics
from autograder.reports import summary_table
from autograder.runners import RUNNERS, RunnerError

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


def _grade(course: Course, args: argparse.Namespace, students: list[str] | None = None) -> list[SubmissionResult]:
    """Run the engine's batch with a progress bar; warnings and the phase summary go to stderr."""
    overrides = {"DockerRunner": {"gpus": args.gpus}} if args.gpus else {}
    if overrides:
        course = Course(course.root, overrides)
    options = BatchOptions(args.runner, args.workers, args.lang, args.scheduler)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task(f"grading {args.assignment}", total=None)
        results = engine.grade(course, args.assignment, options, students, engine.Progress(
            warning=lambda text: bar.console.print(f"[bold red]WARNING: {text}[/bold red]"),
            started=lambda total: bar.update(task, total=total),
            result=lambda result: bar.advance(task),
            notice=lambda text: bar.console.print(text)))
    stats = phase_statistics(results)
    if stats:
        console.print("phases (median / p95 s): " + " · ".join(
            f"{phase} {median:.2f} / {p95:.2f}" for phase, (median, p95) in stats.items()))
    return results


def cmd_grade(args: argparse.Namespace) -> int:
    course = _course(args)
    lang = course.lang(args.lang)
    results = _grade(course, args, args.student or None)
    Console().print(summary_table(results, lang))
    return 0


def _load_results(course: Course, assignment: str) -> list[SubmissionResult]:
    course.assignment(assignment)
    results = [r for s in course.submitted_students(assignment) if (r := engine.load_result(course, s, assignment))]
    if not results:
        raise CourseError(f"no graded submissions for {assignment!r}: run `autograder grade {assignment}` first")
    return results


def cmd_feedback(args: argparse.Namespace) -> int:
    from autograder.feedback import write_feedback

    course = _course(args)
    lang = course.lang(args.lang)
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

    course = _course(args)
    lang = course.lang(args.lang)
    demo = build_class(course, args.assignment, Path(args.dir).resolve())
    console.print(f"Demo class for {args.assignment!r} in {demo.root}")
    results = _grade(demo, args)
    write_feedback(demo, [r for r in results if r.status is not Status.MISSING], lang)
    Console().print(summary_table(results, lang))
    console.print(f"Feedback: {demo.root / 'feedback'}/<student>/{args.assignment}/feedback.html")
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


_SCHEDULER_HELP = ("grade on the Dask cluster whose scheduler is at ADDRESS (tcp://host:8786), recording results "
                   "here; its workers run `dask worker ADDRESS --nthreads 1 --preload autograder.cluster.worker "
                   "--course PATH` (default: c.Autograder.scheduler; an empty ADDRESS grades on this machine)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__)
    parser.add_argument("--course", help="course directory (default: the one containing the current directory)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("release", help="generate the student version and check it for leaks")
    p.add_argument("assignment")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("grade", help="grade every submission of an assignment")
    p.add_argument("assignment")
    p.add_argument("--runner", default="local", choices=list(RUNNERS))
    p.add_argument("--workers", type=_positive, default=1, help="submissions graded in parallel (at least 1)")
    p.add_argument("--lang", choices=LANGUAGES, help="feedback language (default: course setting)")
    p.add_argument("--student", action="append", help="grade only this student (repeatable)")
    p.add_argument("--gpus", help="docker runner: GPUs for each container: all, a count, or none")
    p.add_argument("--scheduler", metavar="ADDRESS", help=_SCHEDULER_HELP)
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("feedback", help="write one HTML report per student")
    p.add_argument("assignment")
    p.add_argument("--lang", choices=LANGUAGES)
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("export", help="export grades as CSV or JSON")
    p.add_argument("assignment")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument("--output", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("demo", help="build, grade and report a demo class in a scratch course")
    p.add_argument("assignment", nargs="?", default="rnn")
    p.add_argument("--dir", default="build/demo")
    p.add_argument("--runner", default="local", choices=list(RUNNERS))
    p.add_argument("--workers", type=_positive, default=2, help="submissions graded in parallel (at least 1)")
    p.add_argument("--lang", choices=LANGUAGES)
    p.add_argument("--gpus", help="docker runner: GPUs for each container: all, a count, or none")
    p.add_argument("--scheduler", metavar="ADDRESS", help=_SCHEDULER_HELP + "; the workers' --course is the demo folder")
    p.set_defaults(func=cmd_demo)

    image.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    use_kernel_settings()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CourseError, RunnerError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        return 2
    except KeyboardInterrupt:
        console.print("Interrupted: every result recorded so far is complete and nothing half-graded was "
                      "kept; run the same command again to complete the batch.")
        return 130


if __name__ == "__main__":
    sys.exit(main())
