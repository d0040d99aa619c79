"""Apply resource limits, then exec the sandboxed kernel command.

Usage: ``python -m autograder.sandbox.launch LIMITS_JSON -- COMMAND...``. Limits survive
``exec``, so they bind the kernel and everything it starts. ``RLIMIT_NPROC`` binds once the
kernel has dropped root (see ``autograder.sandbox.kernel``): root is exempt from it.
"""

from __future__ import annotations

import json
import os
import resource
import sys

_LIMITS = {
    "memory_bytes": resource.RLIMIT_AS,
    "cpu_seconds": resource.RLIMIT_CPU,
    "max_processes": resource.RLIMIT_NPROC,
    "max_file_bytes": resource.RLIMIT_FSIZE,
}


def apply_limits(limits: dict[str, int]) -> None:
    """Set the kernel's rlimits (see ``Runner.limits``) on this process; no core dumps."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for key, which in _LIMITS.items():
        value = limits.get(key)
        if value:
            resource.setrlimit(which, (int(value), int(value)))


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[1] != "--":
        sys.exit("usage: python -m autograder.sandbox.launch LIMITS_JSON -- COMMAND...")
    apply_limits(json.loads(argv[0]))
    os.execvp(argv[2], argv[2:])


if __name__ == "__main__":
    main(sys.argv[1:])
