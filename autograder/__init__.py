"""Autograding engine for an nbgrader course: sandboxed kernels, an out-of-process oracle."""

import sys
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("autograder")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"

# nbformat imports jsonschema, which imports its optional IRI format checker, rfc3987_syntax,
# when that is installed (Jupyter's stack installs it): it compiles 39 grammars at import, 0.85 s
# of start-up in every grading process. No schema these processes validate has an IRI format,
# so they go without that checker (a None entry makes the import fail, which jsonschema allows).
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)
