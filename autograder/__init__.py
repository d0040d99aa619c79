"""Autograding engine for an nbgrader course: sandboxed kernels, an out-of-process oracle."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("autograder")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"
