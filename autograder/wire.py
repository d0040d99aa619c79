"""Values and frames that cross the sandbox boundary.

Both sides use this module: the trusted oracle and the kernel-side client. A value is
encoded as a JSON tree whose arrays and byte strings travel as separate binary buffers
(arrays in ``.npy`` format, read back with ``allow_pickle=False``). Values of a deep-learning
framework (a Keras model) are encoded by its entry in :mod:`autograder.frameworks`, and only
a trusted sender may send them. Nothing is ever unpickled and every frame is size-capped
before it is read.
"""

from __future__ import annotations

import io
import json
import math
import socket
import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograder import frameworks
from autograder.messages import LANGUAGES, Text
from autograder.plan import Raised

DEFAULT_MAX_FRAME = 64 * 1024 * 1024
_LEN = struct.Struct(">Q")


class WireError(Exception):
    """A frame or value that does not follow the protocol (or exceeds a cap)."""


class ConnectionClosed(WireError):
    """The other side went away mid-message: a kernel interrupted, stopped or crashed."""


@dataclass
class Unsupported:
    """A value the kernel could not encode; compared as a failure, never executed."""

    type_name: str
    """Qualified name of the value's type."""


@dataclass(frozen=True)
class Texts:
    """A batch of strings, rebuilt on arrival as the 1-D object array Keras text models take.

    numpy cannot save object arrays without pickle, so strings travel as JSON instead."""

    items: tuple[str, ...]
    """The strings, in order."""

    def build(self) -> np.ndarray:
        """The 1-D object array of the strings."""
        array = np.empty(len(self.items), dtype=object)
        array[:] = self.items
        return array


@dataclass(frozen=True)
class PackageFile:
    """A data file shipped inside an installed package, passed as its path on the receiving side
    (oracle to sandbox only): the grader's and the sandbox's Python may be installed in
    different places, as in the Docker image."""

    package: str
    """Importable name of the package that ships the file."""
    path: str
    """Path of the file inside the package."""

    def build(self) -> str:
        """The file's path in this side's installation of the package."""
        from importlib.resources import files

        return str(files(self.package).joinpath(self.path))


@dataclass
class Encoder:
    """Turns values into a JSON tree, collecting their binary parts in ``buffers``."""

    buffers: list[bytes] = field(default_factory=list)

    def _buffer(self, data: bytes) -> int:
        self.buffers.append(data)
        return len(self.buffers) - 1

    def encode(self, value: Any) -> Any:
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else {"$f": repr(value)}
        if isinstance(value, np.generic):
            return {"$np": self._buffer(_npy(np.asarray(value)))}
        if isinstance(value, np.ndarray):
            return {"$nd": self._buffer(_npy(value))}
        if isinstance(value, tuple):
            return {"$tuple": [self.encode(v) for v in value]}
        if isinstance(value, list):
            return [self.encode(v) for v in value]
        if isinstance(value, dict):
            return {"$dict": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if isinstance(value, (bytes, bytearray)):
            return {"$bytes": self._buffer(bytes(value))}
        if isinstance(value, Unsupported):
            return {"$unsupported": value.type_name}
        if isinstance(value, Raised):
            return {"$raised": value.error}
        if isinstance(value, Texts):
            return {"$texts": [str(item) for item in value.items]}
        if isinstance(value, PackageFile):
            return {"$package_file": [value.package, value.path]}
        if isinstance(value, Text):
            return {"$text": {lang: value.get(lang) for lang in LANGUAGES}}
        framework_value = frameworks.encode(value, self._buffer)
        if framework_value is not None:
            tag, body = framework_value
            return {tag: body}
        if hasattr(value, "numpy") and callable(value.numpy):
            # tf.Tensor, tf.Variable and Keras variables.
            return self.encode(np.asarray(value.numpy()))
        if isinstance(value, set):
            return {"$set": [self.encode(v) for v in sorted(value, key=repr)]}
        return {"$unsupported": type(value).__module__ + "." + type(value).__qualname__}


def sanitize(outcome: Any) -> Any:
    """A case outcome with every observation that cannot cross the boundary replaced by a
    readable failure (a Raised), so that one odd value never loses the whole case."""
    if isinstance(outcome, Raised):
        return outcome
    safe = []
    for value in outcome:
        try:
            Encoder().encode(value)
            safe.append(value)
        except Exception as exc:  # noqa: BLE001 - any encoding failure becomes the observation
            safe.append(Raised(f"value cannot cross the sandbox boundary: {exc}"))
    return safe


def _npy(array: np.ndarray) -> bytes:
    if array.dtype.hasobject:
        raise WireError(f"arrays of Python objects cannot cross the boundary (dtype {array.dtype})")
    out = io.BytesIO()
    np.save(out, array, allow_pickle=False)
    return out.getvalue()


def decode(tree: Any, buffers: list[bytes], *, trusted: bool = False) -> Any:
    """Rebuild a value. Only a ``trusted`` sender (the oracle) may send framework values (models,
    optimisers) and package files; raises WireError for anything else that breaks the protocol."""
    if isinstance(tree, list):
        return [decode(v, buffers, trusted=trusted) for v in tree]
    if not isinstance(tree, dict):
        return tree
    if len(tree) != 1:
        raise WireError(f"malformed value node with keys {sorted(tree)}")
    (tag, body), = tree.items()
    if tag in ("$nd", "$np"):
        array = np.load(io.BytesIO(_buf(buffers, body)), allow_pickle=False)
        return array[()] if tag == "$np" else array
    if tag == "$f":
        return float(body)
    if tag == "$tuple":
        return tuple(decode(v, buffers, trusted=trusted) for v in body)
    if tag == "$set":
        return {_hashable(decode(v, buffers, trusted=trusted)) for v in body}
    if tag == "$dict":
        return {_hashable(decode(k, buffers, trusted=trusted)): decode(v, buffers, trusted=trusted)
                for k, v in body}
    if tag == "$bytes":
        return _buf(buffers, body)
    if tag == "$unsupported":
        return Unsupported(str(body))
    if tag == "$raised":
        return Raised(str(body))
    if tag == "$texts":
        if not isinstance(body, list) or not all(isinstance(item, str) for item in body):
            raise WireError("$texts must be a list of strings")
        return Texts(tuple(body)).build()
    if tag == "$text":
        if not isinstance(body, dict) or not all(isinstance(body.get(lang), str) for lang in LANGUAGES):
            raise WireError("$text must hold a string per language")
        return Text(**{lang: body[lang] for lang in LANGUAGES})
    if tag == "$package_file":
        if not trusted:
            raise WireError("the sandbox may not send package files")
        package, path = (str(part) for part in body)
        return PackageFile(package, path).build()
    return _decode_framework_value(tag, body, buffers, trusted)


def _decode_framework_value(tag: str, body: Any, buffers: list[bytes], trusted: bool) -> Any:
    framework = frameworks.decoder(tag)
    if framework is None:
        raise WireError(f"unknown value tag {tag!r}")
    if not trusted:
        raise WireError(f"the sandbox may not send {tag} values; observe them instead")
    try:
        return framework.decode(tag, body, buffers)
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise WireError(f"malformed {tag} value: {exc}") from exc


def _hashable(key: Any) -> Any:
    return tuple(_hashable(k) for k in key) if isinstance(key, list) else key


def _buf(buffers: list[bytes], index: Any) -> bytes:
    if not isinstance(index, int) or not 0 <= index < len(buffers):
        raise WireError(f"buffer index {index!r} out of range")
    return buffers[index]


def pack(message: dict[str, Any], values: dict[str, Any] | None = None) -> bytes:
    """Serialise a message; ``values`` are encoded, the rest must be plain JSON."""
    encoder = Encoder()
    header = dict(message)
    for key, value in (values or {}).items():
        header[key] = encoder.encode(value)
    header["$buffers"] = len(encoder.buffers)
    parts = [json.dumps(header, allow_nan=False).encode()]
    parts.extend(encoder.buffers)
    return b"".join(_LEN.pack(len(p)) + p for p in parts)


def send(sock: socket.socket, message: dict[str, Any], values: dict[str, Any] | None = None,
         max_frame: int = DEFAULT_MAX_FRAME) -> None:
    frame = pack(message, values)
    if len(frame) > max_frame:
        raise WireError(f"message of {len(frame)} bytes exceeds the {max_frame}-byte cap")
    sock.sendall(frame)


def receive(sock: socket.socket, max_frame: int = DEFAULT_MAX_FRAME) -> tuple[dict[str, Any], list[bytes]]:
    """Read one message; returns its JSON header and raw buffers (decode values with ``decode``)."""
    return _parse(lambda n: _read_exact(sock, n), max_frame)


def roundtrip(value: Any) -> Any:
    """An independent copy of ``value``, rebuilt exactly as the receiving side rebuilds it."""
    try:
        return copy_plain(value)
    except NotPlain:
        return unframe(frame(value))


def received(outcome: Any) -> Any:
    """What the oracle decodes when a kernel sends ``outcome``: :func:`sanitize`, then a
    :func:`roundtrip` of each observation."""
    if isinstance(outcome, Raised):
        return Raised(outcome.error)
    observations = []
    for value in outcome:
        try:
            observations.append(copy_plain(value))
        except NotPlain:
            (safe,) = sanitize([value])
            observations.append(unframe(frame(safe)))
    return observations


class NotPlain(Exception):
    """A value :func:`copy_plain` leaves to the full encoder."""


_SCALARS = (np.bool_, np.integer, np.floating, np.complexfloating)


def copy_plain(value: Any) -> Any:
    """``decode(encode(value))`` built directly, for values made only of plain data (numbers,
    strings, arrays, containers): diagnosing one failing case copies its inputs and outputs
    hundreds of times, and the ``.npy`` round trip is most of that cost. Raises NotPlain
    for anything else (framework values, object arrays, subclasses), which takes the frame."""
    kind = type(value)
    if value is None or kind is bool or kind is int or kind is str:
        return value
    if kind is float or kind is np.float64:  # a float subclass travels as a JSON number
        return float(value)
    if kind is np.ndarray:
        if value.dtype.hasobject:
            raise NotPlain
        # np.save keeps Fortran order only for Fortran-contiguous arrays; all else arrives in C order.
        return value.copy(order="F" if value.flags.f_contiguous and not value.flags.c_contiguous else "C")
    if kind is tuple:
        return tuple(copy_plain(item) for item in value)
    if kind is list:
        return [copy_plain(item) for item in value]
    if kind is dict:
        return {copy_plain(key): copy_plain(item) for key, item in value.items()}
    if kind is bytes or kind is bytearray:
        return bytes(value)
    if kind is Raised:
        return Raised(value.error)
    if kind is Unsupported:
        return Unsupported(value.type_name)
    if kind is Text:
        return value
    if isinstance(value, _SCALARS) and not isinstance(value, float):
        return value  # immutable, and np.load gives back the same dtype and value
    raise NotPlain


def frame(value: Any) -> bytes:
    """``value`` packed as a trusted sender sends it; :func:`unframe` rebuilds it."""
    return pack({}, {"value": value})


def unframe(data: bytes) -> Any:
    """The value in a :func:`frame`, rebuilt exactly as the receiving side rebuilds it."""
    stream = io.BytesIO(data)

    def read(n: int) -> bytes:
        chunk = stream.read(n)
        if len(chunk) != n:
            raise WireError("truncated frame")
        return chunk

    header, buffers = _parse(read, DEFAULT_MAX_FRAME * 16)
    return decode(header["value"], buffers, trusted=True)


def _parse(read: Any, max_frame: int) -> tuple[dict[str, Any], list[bytes]]:
    budget = [max_frame]
    header = json.loads(_read_part(read, budget))
    if not isinstance(header, dict):
        raise WireError("message header is not a JSON object")
    count = header.pop("$buffers", 0)
    if not isinstance(count, int) or count < 0 or count > 100_000:
        raise WireError(f"bad buffer count {count!r}")
    return header, [_read_part(read, budget) for _ in range(count)]


def _read_part(read: Any, budget: list[int]) -> bytes:
    (length,) = _LEN.unpack(read(_LEN.size))
    budget[0] -= length + _LEN.size
    if budget[0] < 0:
        raise WireError("message exceeds the size cap")
    return read(length)


def _read_exact(sock: socket.socket, n: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < n:
        chunk = sock.recv(min(n - len(chunks), 1 << 20))
        if not chunk:
            raise ConnectionClosed("connection closed mid-message")
        chunks.extend(chunk)
    return bytes(chunks)
