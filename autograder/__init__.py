"""Autograding engine for an nbgrader course: sandboxed kernels, an out-of-process oracle."""

import sys
from typing import Any

# nbformat imports jsonschema, which imports its optional IRI format checker, rfc3987_syntax,
# when that is installed (Jupyter's stack installs it): it compiles 39 grammars at import, 0.85 s
# of start-up in every grading process. No schema these processes validate has an IRI format,
# so they go without that checker (a None entry makes the import fail, which jsonschema allows).
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)


def __getattr__(name: str) -> Any:
    # Looked up on use: reading package metadata costs every sandbox process 25 ms at start.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("autograder")
        except PackageNotFoundError:  # running from a checkout that was never installed
            return "0+unknown"
    raise AttributeError(f"module 'autograder' has no attribute {name!r}")
