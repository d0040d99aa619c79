"""Fast tier: what crosses the sandbox boundary, and how the oracle admits requests."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import numpy as np
import pytest

from autograder import wire
from autograder.oracle import OracleSession
from autograder.api import Case, Observe, Raised, Text
from conftest import COURSE


def test_roundtrip_keeps_values_and_types() -> None:
    value = {"a": np.arange(6.0).reshape(2, 3), "b": (1, 2.5, float("nan"), None, "texto"),
             ("k", 1): [np.float32(1.5), True], "r": Raised("ValueError: x")}
    copy = wire.roundtrip(value)
    assert np.array_equal(copy["a"], value["a"]) and copy["a"].dtype == np.float64
    assert copy["b"][:2] == (1, 2.5) and np.isnan(copy["b"][2]) and copy["b"][3:] == (None, "texto")
    assert copy[("k", 1)][0].dtype == np.float32 and copy[("k", 1)][1] is True
    assert copy["r"] == Raised("ValueError: x")


def _identical(a, b) -> bool:
    """Same type, and for arrays the same dtype, shape, memory order and values."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return (a.dtype == b.dtype and a.shape == b.shape and a.flags.c_contiguous == b.flags.c_contiguous
                and a.flags.f_contiguous == b.flags.f_contiguous and a is not b
                and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_identical(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_identical(a[k], b[k]) for k in a)
    if isinstance(a, float) and np.isnan(a):
        return np.isnan(b)
    return a == b


class _Float(float):
    pass


PLAIN = [
    None, True, 3, 2**70, "ñandú", 1.5, float("inf"), float("nan"), -0.0, np.float64(2.5), _Float(1.25),
    np.float32(1.5), np.int8(-3), np.bool_(True), np.complex64(1 + 2j), np.uint64(7), np.str_("a"), np.bytes_(b"b"),
    np.arange(6.0).reshape(2, 3), np.asfortranarray(np.ones((2, 3), np.float32)), np.arange(12)[::3],
    np.arange(6).reshape(2, 3).T[:, ::2], np.array(4.0), np.zeros((0, 3)), np.array([1, 2], dtype=">i4"),
    np.array([(1, 2.0)], dtype=[("a", "i4"), ("b", "f8")]), np.array(["x", "yz"]), np.datetime64("2026-01-01"),
    (1, [2, (3,)]), {"a": [np.ones(2)], ("k", 1): {2: None}}, b"bytes", bytearray(b"ba"), {1, (2, 3)},
    Raised("ValueError: x"), wire.Unsupported("mod.Type"), Text("hola", "hello"),
]


@pytest.mark.parametrize("value", PLAIN, ids=lambda v: type(v).__name__)
def test_the_in_memory_copy_is_what_the_frame_rebuilds(value) -> None:
    assert _identical(wire.roundtrip(value), wire.unframe(wire.frame(value)))
    assert _identical(wire.received([value]), wire.unframe(wire.frame(wire.sanitize([value]))))


def test_an_observation_that_cannot_cross_arrives_as_an_error() -> None:
    (observed,) = wire.received([np.array([None, 1], dtype=object)])
    assert isinstance(observed, Raised) and "cannot cross" in observed.error


def test_every_case_the_oracle_sends_is_copied_as_the_sandbox_rebuilds_it() -> None:
    session = OracleSession(COURSE.assignment("rnn"), "ana", b"s" * 32, "es")
    for check_id in session.checks:
        for case in session.cases(check_id):
            assert _identical(wire.roundtrip(case.to_wire()), wire.unframe(wire.frame(case.to_wire())))


def test_texts_arrive_as_an_object_array_of_strings() -> None:
    copy = wire.roundtrip(wire.Texts(("hola mundo", "adiós")))
    assert copy.dtype == object and list(copy) == ["hola mundo", "adiós"]


def test_case_labels_cross_in_both_languages() -> None:
    case = Case(Text("entradas saturadas", "saturating inputs"), (np.ones(2),), observe=(Observe("value", ("arg", 0)),))
    copy = Case.from_wire(wire.roundtrip(case.to_wire()))
    assert copy.label == Text("entradas saturadas", "saturating inputs") and copy.observe == case.observe


def test_package_files_arrive_as_a_path_in_the_receivers_installation() -> None:
    path = wire.roundtrip(wire.PackageFile("gensim", "test/test_data/test_glove.txt"))
    assert isinstance(path, str) and Path(path).is_file()


def test_object_arrays_and_unknown_objects_never_cross() -> None:
    with pytest.raises(wire.WireError):
        wire.pack({}, {"v": np.array([object()], dtype=object)})
    tree = wire.Encoder().encode(threading.Lock())
    assert wire.decode(tree, []) == wire.Unsupported("_thread.lock")


def test_sandbox_may_not_send_models_or_optimisers() -> None:
    with pytest.raises(wire.WireError):
        wire.decode({"$keras": 0}, [b"PK..."])
    with pytest.raises(wire.WireError):
        wire.decode({"$optimizer": {"class_name": "Adam", "config": {}}}, [])
    with pytest.raises(wire.WireError):
        wire.decode({"$package_file": ["os", "../../etc/passwd"]}, [])


def test_frames_over_the_cap_are_refused_before_reading() -> None:
    left, right = socket.socketpair()
    with left, right:
        wire.send(left, {"type": "x"}, {"v": np.zeros(10_000)})
        with pytest.raises(wire.WireError, match="size cap"):
            wire.receive(right, max_frame=1_000)


def _session() -> OracleSession:
    return OracleSession(COURSE.assignment("rnn"), "ana", b"s", lang="es")


def test_requests_outside_the_running_hidden_cell_are_refused_and_flagged() -> None:
    session = _session()
    assert session._admit("rnn.rnn_forward") is None
    session.begin_cell("test_rnn_step_forward", {"rnn.rnn_step_forward"})
    assert session._admit("rnn.rnn_forward") is None
    assert session._admit("rnn.rnn_step_forward") == "test_rnn_step_forward"
    assert session._admit("rnn.rnn_step_forward") is None  # once per cell
    session.end_cell()
    assert len(session.flags) == 3


def test_oracle_serves_a_real_socket(tmp_path) -> None:
    from autograder.sandbox import check

    session = _session()
    path = tmp_path / "oracle.sock"
    key = COURSE.assignment("rnn").module("key")
    with session.serve(path):
        session.begin_cell("test_rnn_step_forward", {"rnn.rnn_step_forward"})
        import os

        os.environ["AUTOGRADER_SOCKET"] = str(path)
        try:
            check("rnn.rnn_step_forward", key.rnn_step_forward)
        finally:
            del os.environ["AUTOGRADER_SOCKET"]
            session.end_cell()
    assert session.verdicts["rnn.rnn_step_forward"].passed
    assert session.cell_of["rnn.rnn_step_forward"] == "test_rnn_step_forward"


def test_a_forged_short_observation_list_does_not_pass() -> None:
    session = _session()
    cases = session.cases("rnn.rnn_step_forward")
    verdict = session.judge("rnn.rnn_step_forward", cases, [[] for _ in cases])
    assert not verdict.passed and verdict.fraction == 0


def test_a_check_that_fails_while_judging_costs_a_verdict_not_the_session(tmp_path, monkeypatch) -> None:
    from autograder.sandbox import check

    session = _session()
    monkeypatch.setattr(session, "judge", lambda *args: 1 / 0)
    path = tmp_path / "oracle.sock"
    key = COURSE.assignment("rnn").module("key")
    monkeypatch.setenv("AUTOGRADER_SOCKET", str(path))
    with session.serve(path):
        for grade_id, check_id in (("a", "rnn.rnn_step_forward"), ("b", "rnn.rnn_forward")):
            session.begin_cell(grade_id, {check_id})
            check(check_id, getattr(key, check_id.split(".")[1]))
            session.end_cell()
    assert [v.mistake for v in session.verdicts.values()] == ["grader_error", "grader_error"]
    assert len(session.flags) == 2
