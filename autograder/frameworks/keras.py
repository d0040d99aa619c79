"""Keras on TensorFlow: kernel settings, seeding, models and optimisers on the wire, model descriptions."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

from autograder.frameworks.base import Framework


@dataclass(frozen=True)
class OptimizerSpec:
    """A fresh Keras optimiser, built from its config on arrival (oracle to sandbox only)."""

    class_name: str
    """Keras class name, such as ``"Adam"``."""
    config: dict[str, Any]
    """Constructor arguments as plain JSON (``{"learning_rate": 1e-3}``)."""

    def build(self) -> Any:
        """A new optimiser with no state."""
        import keras

        return keras.optimizers.deserialize({"class_name": self.class_name, "config": dict(self.config)})


class KerasFramework(Framework):
    """Keras 3 with the TensorFlow backend."""

    module: ClassVar[str] = "tensorflow"
    tags: ClassVar[frozenset[str]] = frozenset({"$keras", "$optimizer"})

    def environment(self) -> dict[str, str]:
        """Deterministic ops on the CPU kernels the answer key also uses (oneDNN off), no start-up logging."""
        return {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_DETERMINISTIC_OPS": "1", "TF_ENABLE_ONEDNN_OPTS": "0",
                "KERAS_BACKEND": "tensorflow"}

    def seed(self, module: ModuleType, seed: int) -> None:
        """Seed TensorFlow's global generator and make its ops deterministic."""
        module.random.set_seed(seed)
        module.config.experimental.enable_op_determinism()

    def encode(self, value: Any, add_buffer: Callable[[bytes], int]) -> tuple[str, Any] | None:
        """Models travel as a ``.keras`` archive, optimisers as their class name and config."""
        if isinstance(value, OptimizerSpec):
            return "$optimizer", {"class_name": value.class_name, "config": value.config}
        if _is_keras_model(value):
            return "$keras", add_buffer(_keras_bytes(value))
        return None

    def decode(self, tag: str, body: Any, buffers: list[bytes]) -> Any:
        """A loaded model (``safe_mode``: no deserialised code) or a freshly built optimiser."""
        if tag == "$optimizer":
            return OptimizerSpec(str(body["class_name"]), dict(body["config"])).build()
        return _load_keras(buffers[body])

    def describe(self, obj: Any) -> dict[str, Any] | None:
        """Layers with their sizes, activations, regularisers and output shapes; whole-model counts."""
        if not _is_keras_model(obj):
            return None
        layers = []
        for layer in obj.layers:
            config = layer.get_config()
            layers.append({
                "class": type(layer).__name__,
                "units": config.get("units"),
                "filters": config.get("filters"),
                "kernel_size": _plain(config.get("kernel_size")),
                "strides": _plain(config.get("strides")),
                "padding": config.get("padding"),
                "activation": _activation_name(config.get("activation")),
                "regularizer": _regularizer(config.get("kernel_regularizer")),
                "output_shape": _shape(layer),
                "params": int(layer.count_params()) if layer.built else None,
                "trainable": bool(layer.trainable),
            })
        trainable = sum(_size(w) for w in obj.trainable_weights)
        return {
            "class": type(obj).__name__,
            "input_shape": _plain(_io_shape(obj, "input")),
            "output_shape": _plain(_io_shape(obj, "output")),
            "params": int(obj.count_params()),
            "trainable_params": trainable,
            "compiled": bool(getattr(obj, "compiled", False) or getattr(obj, "optimizer", None)),
            "layers": layers,
        }


def _is_keras_model(value: Any) -> bool:
    # By class name, so that asking never imports Keras.
    return any(c.__module__.startswith("keras") and c.__name__ == "Model" for c in type(value).__mro__)


def _keras_bytes(model: Any) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        model.save(path)
        return path.read_bytes()


def _load_keras(data: bytes) -> Any:
    import keras

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        path.write_bytes(data)
        # safe_mode refuses Lambda layers and other deserialised code.
        return keras.saving.load_model(path, safe_mode=True)


def _activation_name(activation: Any) -> Any:
    if isinstance(activation, dict):
        return activation.get("config", {}).get("name") or activation.get("class_name")
    return activation


def _regularizer(config: Any) -> str | None:
    if not isinstance(config, dict):
        return None
    params = ", ".join(f"{k}={v:g}" for k, v in sorted(config.get("config", {}).items()) if isinstance(v, float))
    return f"{config.get('class_name')}({params})"


def _size(weight: Any) -> int:
    size = 1
    for dim in weight.shape:
        size *= int(dim)
    return size


def _io_shape(model: Any, which: str) -> Any:
    try:
        tensors = model.inputs if which == "input" else model.outputs
        shapes = [tuple(t.shape) for t in tensors]
        return shapes[0] if len(shapes) == 1 else shapes
    except (AttributeError, ValueError, TypeError):
        return None


def _shape(layer: Any) -> Any:
    try:
        return _plain(tuple(layer.output.shape))
    except (AttributeError, ValueError, TypeError):
        return None


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return tuple(_plain(v) for v in value)
    return value
