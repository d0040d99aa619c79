"""Deep-learning frameworks the grader knows, behind one small interface.

A :class:`Framework` tells the engine what it needs to know about one library: the
environment its kernels run with, how to seed it, how its values cross the sandbox boundary
and how to describe its models. :data:`FRAMEWORKS` lists them; supporting another library is
one module with a subclass plus one entry there. Nothing here imports a framework: each hook
imports its library only when called, and only for values that already belong to it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from autograder.frameworks.base import Framework
from autograder.frameworks.keras import KerasFramework, OptimizerSpec

__all__ = ["FRAMEWORKS", "Framework", "KerasFramework", "OptimizerSpec", "active", "decoder", "describe_model",
           "encode", "environment", "seed_imported", "seed_on_import", "use_kernel_settings"]

FRAMEWORKS: dict[str, type[Framework]] = {"keras": KerasFramework}


def active() -> list[Framework]:
    """One instance of every registered framework, in registry order."""
    return [framework() for framework in FRAMEWORKS.values()]


def environment() -> dict[str, str]:
    """The environment variables of every framework, merged (later entries win on a clash)."""
    merged: dict[str, str] = {}
    for framework in active():
        merged.update(framework.environment())
    return merged


def use_kernel_settings() -> None:
    """Give this process the kernels' framework settings; explicit environment variables win."""
    for name, value in environment().items():
        os.environ.setdefault(name, value)


def seed_imported(seed: int) -> None:
    """Seed every framework whose module this process has already imported."""
    for framework in active():
        module = sys.modules.get(framework.module)
        if module is not None:
            framework.seed(module, seed)


def seed_on_import(seed: int) -> None:
    """Seed each framework right after this process first imports its module."""
    pending = {framework.module: framework for framework in active() if framework.module not in sys.modules}
    if pending:
        sys.meta_path.insert(0, _SeedOnImport(pending, seed))


def encode(value: Any, add_buffer: Callable[[bytes], int]) -> tuple[str, Any] | None:
    """The wire tag and JSON body of a framework value, or None when no framework owns it."""
    for framework in active():
        encoded = framework.encode(value, add_buffer)
        if encoded is not None:
            return encoded
    return None


def decoder(tag: str) -> Framework | None:
    """The framework that owns wire tag ``tag``, or None."""
    return next((framework for framework in active() if tag in framework.tags), None)


def describe_model(model: Any) -> dict[str, Any]:
    """Architecture facts of a model; raises TypeError when no framework recognises it."""
    for framework in active():
        description = framework.describe(model)
        if description is not None:
            return description
    names = ", ".join(FRAMEWORKS)
    raise TypeError(f"expected a model of a supported framework ({names}), got {type(model).__name__}")


class _SeedOnImport(importlib.abc.MetaPathFinder):
    """Wraps the loader of each pending framework module so that its ``seed`` runs right after
    the module executes; importing the frameworks eagerly instead would cost seconds."""

    def __init__(self, pending: dict[str, Framework], seed: int) -> None:
        self.pending = pending
        self.seed = seed

    def find_spec(self, name: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        framework = self.pending.pop(name, None)
        if framework is None:
            return None
        if not self.pending:
            sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        original_exec = spec.loader.exec_module
        seed = self.seed

        def exec_module(module: ModuleType) -> None:
            original_exec(module)
            framework.seed(module, seed)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec
