"""Start the grading kernel inside the sandbox.

Copies the submission's files into the (writable, size-limited) home directory, seeds
Python and numpy, arranges for TensorFlow to be seeded and deterministic if the notebook
imports it, then runs an ordinary IPython kernel. Usage:
``python -m autograder.sandbox.kernel --files DIR [--uid UID] -f CONNECTION_FILE``.

With ``--uid`` (the sandbox was set up by root) it drops to that uid first, before the
files are copied or anything of the student's runs; no capability survives.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import random
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

SEED = 0


class _SeedTensorFlowOnImport(importlib.abc.MetaPathFinder):
    """Seeds TensorFlow right after the notebook imports it (importing it eagerly costs seconds)."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        original_exec = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            original_exec(module)
            module.random.set_seed(SEED)
            module.config.experimental.enable_op_determinism()

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _copy_files(source: Path, home: Path) -> None:
    for item in source.iterdir():
        target = home / item.name
        if item.is_dir():
            shutil.copytree(item, target, dirs_exist_ok=True)
        else:
            shutil.copy2(item, target)


def _drop_privileges(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[0] != "--files":
        sys.exit("usage: python -m autograder.sandbox.kernel --files DIR [--uid UID] -f CONNECTION_FILE")
    files, kernel_args = Path(argv[1]), argv[2:]
    uid = None
    if kernel_args[:1] == ["--uid"]:
        uid, kernel_args = int(kernel_args[1]), kernel_args[2:]
    if uid is not None:
        _drop_privileges(uid)
    home = Path(os.environ.get("HOME", os.getcwd()))
    home.mkdir(parents=True, exist_ok=True)
    if files.is_dir():
        _copy_files(files, home)
    os.chdir(home)
    random.seed(SEED)
    try:
        import numpy

        numpy.random.seed(SEED)
    except ImportError:
        pass
    sys.meta_path.insert(0, _SeedTensorFlowOnImport())
    # A host pid means nothing inside a pid namespace (ipykernel would think its parent died);
    # the sandbox already ends with its parent.
    os.environ.pop("JPY_PARENT_PID", None)
    from ipykernel import kernelapp

    sys.argv = [sys.argv[0], *kernel_args]
    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main(sys.argv[1:])
