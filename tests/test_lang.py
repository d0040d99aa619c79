"""Fast tier: verdicts speak the language they were asked for, in every assignment."""

from __future__ import annotations

import re

import pytest

from autograder import messages
from autograder.api import Status, Text, observe
from autograder.feedback import render
from autograder.oracle import OracleSession
from autograder.records import CellGrade, CellScore, CheckVerdict, Grade, SubmissionResult
from autograder.reports import mistake_titles, summary_table
from conftest import ASSIGNMENTS, COURSE

# A heuristic, not a language detector: Spanish letters and punctuation, and a few words
# every Spanish verdict or diagnosis tends to use.
SPANISH = re.compile(r"[áéíóúñ¿¡]|\b(caso|casos|que|entrada|entradas|tu|tus|los|las|del|una)\b", re.IGNORECASE)


def _spanish(text: str) -> list[str]:
    return SPANISH.findall(text)


def _implementations():
    for assignment in ASSIGNMENTS:
        session = OracleSession(COURSE.assignment(assignment), "ana", b"test-secret", lang="en")
        for check_id, check in session.checks.items():
            if check.reference is None:
                continue  # graded against held-out data, covered end to end
            yield pytest.param(assignment, check_id, None, id=f"{check_id}:key")
            for mistake in check.mistakes:
                if mistake.implementation is not None:
                    yield pytest.param(assignment, check_id, mistake.id, id=f"{check_id}:{mistake.id}")


def _verdicts(assignment: str, check_id: str, mistake_id: str | None) -> dict[str, object]:
    """The verdicts in every language on the same observations of the answer key or a known mistake."""
    sessions = {lang: OracleSession(COURSE.assignment(assignment), "ana", b"test-secret", lang=lang)
                for lang in messages.LANGUAGES}
    check = sessions["en"].checks[check_id]
    implementation = check.reference if mistake_id is None else next(
        m.implementation for m in check.mistakes if m.id == mistake_id)
    cases = sessions["en"].cases(check_id)
    outcomes = [observe(implementation, case) for case in cases]
    return {lang: session.judge(check_id, cases, outcomes) for lang, session in sessions.items()}


@pytest.mark.parametrize(("assignment", "check_id", "mistake_id"), list(_implementations()))
def test_verdicts_are_in_the_language_asked_for(assignment: str, check_id: str, mistake_id: str | None) -> None:
    verdicts = _verdicts(assignment, check_id, mistake_id)
    english, spanish = verdicts["en"], verdicts["es"]
    assert _spanish(english.message) == [], english.message
    assert _spanish(spanish.message), spanish.message
    if english.failed_case is not None:
        assert _spanish(english.failed_case) == [], english.failed_case


def test_every_case_label_is_written_in_both_languages() -> None:
    for assignment in ASSIGNMENTS:
        session = OracleSession(COURSE.assignment(assignment), "ana", b"test-secret", lang="en")
        for check_id in session.checks:
            for case in session.cases(check_id):
                label = case.label
                if isinstance(label, Text):
                    assert _spanish(label.en) == [], f"{check_id}: {label.en}"
                else:
                    assert _spanish(label) == [], f"{check_id}: {label!r} needs a Text in both languages"


def test_every_known_mistake_has_an_english_text() -> None:
    for assignment in ASSIGNMENTS:
        session = OracleSession(COURSE.assignment(assignment), "ana", b"test-secret", lang="en")
        for check in session.checks.values():
            for mistake in check.mistakes:
                assert mistake.en.strip() and mistake.en != mistake.es, mistake.id
                assert _spanish(mistake.en) == [], f"{mistake.id}: {mistake.en}"


def _table_text(grade: Grade, lang: str) -> str:
    from io import StringIO

    from rich.console import Console

    console = Console(file=StringIO(), width=200)
    console.print(summary_table([grade], lang, mistake_titles(COURSE, "rnn", lang), {}))
    return console.file.getvalue()


def test_feedback_and_summary_wording_follow_the_language() -> None:
    verdict = CheckVerdict("rnn.rnn_forward", False, 0.5, "rnn.missing_bias", "message", 1, 2,
                           inputs="x=array(2, 3, 4)", difference="index 0")
    result = SubmissionResult("ana", "rnn", Status.GRADED, 0.5, 1.0,
                              [CellScore("test_rnn_forward", 1.0, 0.5, [verdict])], flags=["flag"])
    grade = Grade("ana", "rnn", Status.GRADED, 1.0, [CellGrade("test_rnn_forward", 1.0, 0.5, 0.75)],
                  late_penalty=0.25, seconds_late=7200, comments=[("rnn_forward", "bien")], result=result)
    for lang in messages.LANGUAGES:
        html, table = render(COURSE, grade, "rnn", lang), _table_text(grade, lang)
        assert messages.text("report_title", lang) in html and messages.text("summary_title", lang) in table
        assert messages.text(f"status_{Status.GRADED.value}", lang) in html
        assert messages.text("report_comments", lang) in html and "0.50 / 1.00" in html
    assert _spanish(render(COURSE, grade, "rnn", "en")) == [] and _spanish(_table_text(grade, "en")) == []


def test_unknown_languages_are_refused() -> None:
    with pytest.raises(ValueError, match="LANGUAGES"):
        messages.text("passed", "fr", passed=1, total=1)
    with pytest.raises(ValueError, match="LANGUAGES"):
        Text("hola", "hello").get("fr")
