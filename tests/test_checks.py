"""Fast tier: every assignment's checks judged in-process, no kernel."""

from __future__ import annotations

import pytest

from autograder.api import observe
from autograder.oracle import OracleSession
from conftest import ASSIGNMENTS, COURSE


def _session(assignment: str, student: str = "ana") -> OracleSession:
    return OracleSession(COURSE.assignment(assignment), student, b"test-secret", lang="es")


def _judge(session: OracleSession, check_id: str, implementation):
    cases = session.cases(check_id)
    return session.judge(check_id, cases, [observe(implementation, c) for c in cases])


def _check_params():
    for assignment in ASSIGNMENTS:
        for check_id in _session(assignment).checks:
            yield pytest.param(assignment, check_id, id=check_id)


def _mistake_params():
    for assignment in ASSIGNMENTS:
        for check_id, check in _session(assignment).checks.items():
            for mistake in check.mistakes:
                if mistake.implementation is not None:
                    yield pytest.param(assignment, check_id, mistake, id=f"{check_id}:{mistake.id}")


@pytest.mark.parametrize(("assignment", "check_id"), list(_check_params()))
def test_answer_key_passes_every_case(assignment: str, check_id: str) -> None:
    session = _session(assignment)
    check = session.checks[check_id]
    if check.reference is None:
        pytest.skip("graded against held-out data, covered end to end")
    verdict = _judge(session, check_id, check.reference)
    assert verdict.passed, verdict.message
    assert verdict.fraction == 1.0


@pytest.mark.parametrize(("assignment", "check_id", "mistake"), list(_mistake_params()))
def test_each_known_mistake_loses_points_and_is_named(assignment: str, check_id: str, mistake) -> None:
    verdict = _judge(_session(assignment), check_id, mistake.implementation)
    assert not verdict.passed
    assert verdict.fraction < 1.0
    assert verdict.mistake == mistake.id, verdict.message
    assert mistake.es in verdict.message


@pytest.mark.parametrize(("assignment", "check_id"), list(_check_params()))
def test_cases_differ_per_student_and_repeat_on_regrade(assignment: str, check_id: str) -> None:
    from autograder import wire

    def plain(value):
        # A saved .keras archive carries its save time; a model is the same case if its weights are.
        if hasattr(value, "get_weights") and hasattr(value, "layers"):
            return [w for w in value.get_weights()]
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    def frame(student: str) -> bytes:
        cases = [plain(c.to_wire()) for c in _session(assignment, student).cases(check_id)]
        return wire.pack({}, {"cases": cases})

    assert frame("ana") == frame("ana")
    if _session(assignment).checks[check_id].per_student:
        assert frame("ana") != frame("bruno")


def test_english_feedback() -> None:
    session = OracleSession(COURSE.assignment("rnn"), "ana", b"s", lang="en")
    mistake = next(m for m in session.checks["rnn.rnn_step_forward"].mistakes if m.id == "rnn.missing_bias")
    verdict = _judge(session, "rnn.rnn_step_forward", mistake.implementation)
    assert "without the bias term b" in verdict.message


def test_variants_of_one_mistake_count_once_per_case(monkeypatch) -> None:
    from dataclasses import replace

    session = _session("rnn")
    check = session.checks["rnn.rnn_step_forward"]
    no_bias = next(m for m in check.mistakes if m.id == "rnn.missing_bias")
    variant = replace(no_bias, implementation=None, detect=lambda case, got, expected: True)
    monkeypatch.setattr(check, "mistakes", [no_bias, variant])
    case = session.cases("rnn.rnn_step_forward")[0]
    found = check.diagnose(case, observe(no_bias.implementation, case), check.run_reference(case))
    assert [d.mistake for d in found] == ["rnn.missing_bias"]


def test_masked_tokens_are_caught_for_every_student() -> None:
    # Cases are random per student; a mistake that only some students' cases reveal would let
    # the others pass with it.
    assignment = COURSE.assignment("text_classification")
    check_id = "text_classification.clean_text"
    for i in range(300):
        session = OracleSession(assignment, f"student{i}", b"test-secret", lang="es")
        mistake = next(m for m in session.checks[check_id].mistakes if m.id == "text.keeps_masked")
        verdict = _judge(session, check_id, mistake.implementation)
        assert verdict.mistake == mistake.id, f"student{i}: {verdict.message}"
