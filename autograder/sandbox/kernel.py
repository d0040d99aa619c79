"""Start the grading kernel inside the sandbox.

Copies the submission's files into the (writable, size-limited) home directory, seeds
Python and numpy, arranges for each framework (TensorFlow...) to be seeded and deterministic
if the notebook imports it, then runs an ordinary IPython kernel. Usage:
``python -m autograder.sandbox.kernel --files DIR [--uid UID] -f CONNECTION_FILE``.

With ``--uid`` (the sandbox was set up by root) it drops to that uid first, before the
files are copied or anything of the student's runs; no capability survives.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
from pathlib import Path

from autograder import frameworks

SEED = 0


def _copy_files(source: Path, home: Path) -> None:
    for item in source.iterdir():
        target = home / item.name
        if item.is_dir():
            shutil.copytree(item, target, dirs_exist_ok=True)
        else:
            shutil.copy2(item, target)


def drop_privileges(uid: int) -> None:
    """Become ``uid`` for good: no supplementary groups, no way back."""
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
        drop_privileges(uid)
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
    frameworks.seed_on_import(SEED)
    # A host pid means nothing inside a pid namespace (ipykernel would think its parent died);
    # the sandbox already ends with its parent.
    os.environ.pop("JPY_PARENT_PID", None)
    from ipykernel import kernelapp

    sys.argv = [sys.argv[0], *kernel_args]
    kernelapp.launch_new_instance()


if __name__ == "__main__":
    main(sys.argv[1:])
