"""Fast tier: the framework registry (Keras) and what it gives the wire, the kernel and the grader."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from types import ModuleType
from typing import ClassVar

import numpy as np
import pytest

from autograder import frameworks, wire
from autograder.frameworks import FRAMEWORKS, Framework, KerasFramework, OptimizerSpec


def _small_model():
    import keras

    keras.utils.set_random_seed(3)
    return keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(3, activation="relu"),
                             keras.layers.Dense(1)])


def _sent_by_the_sandbox(value: object) -> object:
    """``value`` as the oracle decodes a message from the kernel (untrusted)."""
    left, right = socket.socketpair()
    with left, right:
        wire.send(left, {}, {"value": value})
        header, buffers = wire.receive(right)
    return wire.decode(header["value"], buffers)


def test_keras_is_registered() -> None:
    assert FRAMEWORKS["keras"] is KerasFramework
    assert all(issubclass(framework, Framework) for framework in FRAMEWORKS.values())


def test_a_model_crosses_from_a_trusted_sender() -> None:
    model = _small_model()
    copy = wire.roundtrip(model)
    assert copy is not model
    for got, expected in zip(copy.get_weights(), model.get_weights(), strict=True):
        assert np.array_equal(got, expected)
    x = np.ones((2, 4), dtype="float32")
    assert np.array_equal(copy.predict(x, verbose=0), model.predict(x, verbose=0))


def test_an_optimiser_arrives_fresh_from_its_spec() -> None:
    optimizer = wire.roundtrip(OptimizerSpec("Adam", {"learning_rate": 0.01, "beta_1": 0.5}))
    assert type(optimizer).__name__ == "Adam"
    assert float(optimizer.learning_rate) == pytest.approx(0.01) and optimizer.beta_1 == 0.5
    assert int(optimizer.iterations) == 0


def test_the_sandbox_may_send_neither() -> None:
    with pytest.raises(wire.WireError, match=r"\$keras"):
        _sent_by_the_sandbox(_small_model())
    with pytest.raises(wire.WireError, match=r"\$optimizer"):
        _sent_by_the_sandbox(OptimizerSpec("Adam", {}))


def test_describe_model_reports_layers_and_refuses_other_objects() -> None:
    description = frameworks.describe_model(_small_model())
    assert [layer["class"] for layer in description["layers"]] == ["Dense", "Dense"]
    assert description["params"] == 4 * 3 + 3 + 3 + 1 and description["output_shape"] == (None, 1)
    with pytest.raises(TypeError, match="expected a model"):
        frameworks.describe_model([1, 2])


class _Fake(Framework):
    module: ClassVar[str] = "json"
    seeded: ClassVar[list[int]] = []

    def environment(self) -> dict[str, str]:
        return {"FAKE_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "0"}

    def seed(self, module: ModuleType, seed: int) -> None:
        assert module is json
        self.seeded.append(seed)


def test_environments_merge_in_registry_order(monkeypatch) -> None:
    monkeypatch.setitem(FRAMEWORKS, "fake", _Fake)
    merged = frameworks.environment()
    assert merged["FAKE_THREADS"] == "1" and merged["TF_CPP_MIN_LOG_LEVEL"] == "0"
    assert merged["TF_DETERMINISTIC_OPS"] == "1" and merged["KERAS_BACKEND"] == "tensorflow"


def test_kernel_settings_never_override_explicit_ones(monkeypatch) -> None:
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "1")
    monkeypatch.delenv("TF_DETERMINISTIC_OPS", raising=False)
    frameworks.use_kernel_settings()
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "1" and os.environ["TF_DETERMINISTIC_OPS"] == "1"


def test_seed_imported_seeds_modules_already_loaded(monkeypatch) -> None:
    monkeypatch.setattr(frameworks, "FRAMEWORKS", {"fake": _Fake})
    _Fake.seeded.clear()
    frameworks.seed_imported(5)
    assert _Fake.seeded == [5]


def _python(code: str) -> str:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def test_seed_on_import_seeds_tensorflow_when_it_is_imported() -> None:
    result = _python(
        "import sys, json\n"
        "from autograder import frameworks\n"
        "frameworks.seed_on_import(7)\n"
        "assert 'tensorflow' not in sys.modules\n"
        "import tensorflow as tf\n"
        "from tensorflow.python.framework import config\n"
        "first = tf.random.uniform((4,)).numpy().tolist()\n"
        "tf.random.set_seed(7)\n"
        "print(json.dumps([first == tf.random.uniform((4,)).numpy().tolist(),\n"
        "                  config.is_op_determinism_enabled()]))\n")
    assert json.loads(result) == [True, True]


def test_importing_the_wire_or_the_api_does_not_import_tensorflow() -> None:
    result = _python("import sys, json\n"
                     "import autograder.wire, autograder.plan, autograder.frameworks, autograder.api\n"
                     "print(json.dumps(sorted({'tensorflow', 'keras'} & set(sys.modules))))\n")
    assert json.loads(result) == []
