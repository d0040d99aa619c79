"""Autograding engine for an nbgrader course: sandboxed kernels, an out-of-process oracle."""
