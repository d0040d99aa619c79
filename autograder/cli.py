"""``autograder``: release, grade, feedback and export for an nbgrader course directory."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from autograder import __version__, engine, gradebook, image
from autograder.course import Course, CourseError
from autograder.engine import BatchOptions
from autograder.frameworks import use_kernel_settings
from autograder.messages import LANGUAGES
from autograder.records import Status, SubmissionResult, phase_statistics, points
from autograder.reports import mistake_titles, summary_table
from autograder.runners import RUNNERS, RunnerError

console = Console(stderr=True)


def _course(args: argparse.Namespace) -> Course:
    return Course.find(Path(args.course)) if args.course else Course.find()


def cmd_release(args: argparse.Namespace) -> int:
    from autograder.exchange import publish
    from autograder.release import release

    course = _course(args)
    assignment = course.assignment(args.assignment)
    found = release(course, assignment)
    if found:
        for leak in found:
            console.print(f"[red]LEAK[/red] {leak.file}: {leak.what}")
        console.print("Nothing was published: fix the source notebook and release again.")
        return 1
    console.print(f"[green]Released {assignment.release_dir}: no solution, hidden test or answer key leaks.[/green]")
    if not args.no_exchange:
        outbound = publish(course, assignment.name)
        console.print(f"Published to the exchange: {outbound} (students fetch it from JupyterLab's Assignments tab).")
    return 0


def _grade(course: Course, args: argparse.Namespace, students: list[str] | None = None) -> list[SubmissionResult]:
    """Run the engine's batch with a progress bar; warnings and the phase summary go to stderr."""
    overrides = {"DockerRunner": {"gpus": args.gpus}} if args.gpus else {}
    if overrides:
        course = Course(course.root, overrides)
    options = BatchOptions(args.runner, args.workers, args.lang, scheduler=args.scheduler,
                           regrade=getattr(args, "regrade", False))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task(f"grading {args.assignment}", total=None)
        results = engine.grade(course, args.assignment, options, students, engine.Progress(
            warning=lambda text: bar.console.print(f"[bold red]WARNING: {text}[/bold red]"),
            started=lambda total: bar.update(task, total=total),
            result=lambda result: bar.advance(task),
            moved=lambda change: bar.console.print(
                f"{change.student}: {points(change.before)} → {points(change.after)}"),
            notice=lambda text: bar.console.print(text)))
    stats = phase_statistics(results)
    if stats:
        console.print("phases (median / p95 s): " + " · ".join(
            f"{phase} {median:.2f} / {p95:.2f}" for phase, (median, p95) in stats.items()))
    return results


def _summary(course: Course, assignment: str, lang: str, results: list[SubmissionResult]) -> None:
    students = [r.student for r in results]
    grades = gradebook.grades(course, assignment, students)
    seconds = {r.student: r.seconds for r in results if r.status is not Status.MISSING}
    Console().print(summary_table(grades, lang, mistake_titles(course, assignment, lang), seconds))


def cmd_grade(args: argparse.Namespace) -> int:
    course = _course(args)
    lang = course.lang(args.lang)
    results = _grade(course, args, args.student or None)
    _summary(course, args.assignment, lang, results)
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from autograder import feedback

    course = _course(args)
    lang = course.lang(args.lang)
    students = engine.check_students(course, args.assignment, args.student) if args.student else None
    if not feedback.configured(course):
        console.print("[yellow]nbgrader_config.py does not set c.GenerateFeedback.exporter_class = "
                      f"'{feedback.SETTINGS['GenerateFeedback']['exporter_class']}': formgrader's Generate Feedback "
                      "would write nbgrader's own report (which shows hidden tests). Add it.[/yellow]")
    gradebook.grades(course, args.assignment)  # a clear error when nothing was graded yet
    paths = feedback.generate(course, args.assignment, lang, students)
    console.print(f"Wrote {len(paths)} feedback reports under {course.root / 'feedback'}")
    if args.release:
        feedback.release(course, args.assignment)
        console.print("Released to the exchange: students get them with Fetch Feedback in the Assignments tab.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from autograder import exports, roster

    course = _course(args)
    lang = course.lang(args.lang)
    if bool(args.assignment) == bool(args.all):
        raise CourseError("name one assignment or pass --all (every assignment with grades)")
    names = [a for a in course.assignments if gradebook.has_assignment(course, a)] if args.all else [args.assignment]
    by_assignment = {name: gradebook.grades(course, name) for name in names}
    if args.format in ("csv", "json"):
        every = [g for grades in by_assignment.values() for g in grades]
        result = exports.Export(exports.to_json(every) if args.format == "json" else exports.to_csv(every))
    elif args.format == "canvas":
        result = exports.to_canvas(by_assignment, roster.load(course), course.settings.lms_assignment_ids, lang)
    else:
        result = exports.to_moodle(by_assignment, roster.load(course), course.settings.moodle_identity, lang)
    for warning in result.warnings:
        console.print(f"[yellow]{warning}[/yellow]")
    if args.output:
        output = Path(args.output)
        if not output.parent.is_dir():
            raise CourseError(f"cannot write {output}: folder {output.parent} does not exist")
        output.write_text(result.text, encoding="utf-8")
        console.print(f"Wrote {output}")
    else:
        sys.stdout.write(result.text if result.text.endswith("\n") else result.text + "\n")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from autograder.classreport.page import assignment_page, course_page

    course = _course(args)
    lang = course.lang(args.lang)
    if args.assignment:
        course.assignment(args.assignment)
        if not gradebook.has_assignment(course, args.assignment):
            raise CourseError(f"{args.assignment!r} has no grades yet: run `autograder grade {args.assignment}` first")
        html = assignment_page(course, args.assignment, lang)
    else:
        html = course_page(course, lang)
    output = Path(args.output) if args.output else course.root / "reports" / f"{args.assignment or 'course'}.html"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf-8")
    console.print(f"Wrote {output}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from autograder import feedback
    from autograder.demo import build_class

    course = _course(args)
    lang = course.lang(args.lang)
    demo = build_class(course, args.assignment, Path(args.dir).resolve())
    console.print(f"Demo class for {args.assignment!r} in {demo.root}")
    results = _grade(demo, args)
    feedback.generate(demo, args.assignment, lang)
    _summary(demo, args.assignment, lang, results)
    console.print(f"Feedback: {demo.root / 'feedback'}/<student>/{args.assignment}/<notebook>.html")
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
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--course", help="course directory (default: the one containing the current directory)")
    sub = parser.add_subparsers(dest="command", required=True)
    assignment_help = "assignment name: a folder under source/"
    lang_help = f"language of feedback and tables, {' or '.join(LANGUAGES)} (default: c.Autograder.lang)"
    runner_help = "where kernels run: local (bubblewrap sandbox) or docker (one container per submission)"
    gpus_help = "docker runner only: GPUs for each container: all, a count, or none"

    p = sub.add_parser("release", help="generate the student version, check it for leaks, publish it to the exchange")
    p.add_argument("assignment", help=assignment_help)
    p.add_argument("--no-exchange", action="store_true", help="generate and check only; do not publish")
    p.set_defaults(func=cmd_release)

    p = sub.add_parser("grade", help="collect new submissions from the exchange and grade them")
    p.add_argument("assignment", help=assignment_help)
    p.add_argument("--runner", default="local", choices=list(RUNNERS), help=runner_help)
    p.add_argument("--workers", type=_positive, default=1, help="submissions graded in parallel (at least 1)")
    p.add_argument("--lang", choices=LANGUAGES, help=lang_help)
    p.add_argument("--student", action="append", help="grade only this student (repeatable)")
    p.add_argument("--regrade", action="store_true",
                   help="grade every submission again, also those unchanged since they were last graded")
    p.add_argument("--gpus", help=gpus_help)
    p.add_argument("--scheduler", metavar="ADDRESS", help=_SCHEDULER_HELP)
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("feedback", help="generate each student's report with nbgrader (and release it)")
    p.add_argument("assignment", help=assignment_help)
    p.add_argument("--lang", choices=LANGUAGES, help=lang_help)
    p.add_argument("--student", action="append", help="only this student's report (repeatable)")
    p.add_argument("--release", action="store_true", help="then release the reports to students through the exchange")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("export", help="export grades from the gradebook (CSV, JSON, Canvas or Moodle import)")
    p.add_argument("assignment", nargs="?", help=f"{assignment_help} (or --all)")
    p.add_argument("--all", action="store_true", help="every assignment that has grades")
    p.add_argument("--format", choices=["csv", "json", "canvas", "moodle"], default="csv",
                   help="csv: a row per student and assignment, a column per check; json: scores, TA adjustments "
                        "and every check's verdict; canvas, moodle: gradebook import files (need roster.csv)")
    p.add_argument("--lang", choices=LANGUAGES, help=lang_help)
    p.add_argument("--output", help="file to write (default: standard output)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("report", help="the class report: one self-contained HTML page from the gradebook")
    p.add_argument("assignment", nargs="?", help=f"{assignment_help} (default: the whole course)")
    p.add_argument("--lang", choices=LANGUAGES, help=lang_help)
    p.add_argument("--output", help="file to write (default: reports/<assignment>.html or reports/course.html)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("demo", help="build, grade and report a demo class in a scratch course")
    p.add_argument("assignment", nargs="?", default="rnn", help=f"{assignment_help} (default: rnn)")
    p.add_argument("--dir", default="build/demo", help="scratch course directory (default: build/demo)")
    p.add_argument("--runner", default="local", choices=list(RUNNERS), help=runner_help)
    p.add_argument("--workers", type=_positive, default=2, help="submissions graded in parallel (at least 1)")
    p.add_argument("--lang", choices=LANGUAGES, help=lang_help)
    p.add_argument("--gpus", help=gpus_help)
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
