"""The API answer keys are written in: everything ``reference/<assignment>/*.py`` may import.

A check module (``checks.py``) defines ``CHECKS``, a list of :class:`Check` objects whose
cases (:class:`Case`, with what to :class:`Observe`) go to the sandbox while expected values,
known mistakes (:class:`Mistake`, in ``mistakes.py``) and verdicts stay in the grader;
:class:`ModelCheck` judges models layer by layer, :class:`Text` gives student-facing text in
every language, and a ``demo.py`` lists demo students as :class:`Submission` objects. The
engine's other modules may change shape; this one is the contract with ``reference/``.
"""

from __future__ import annotations

from autograder.checks import CaseGrade, Check, Diagnosis, Mistake, compare_values, fresh_copy, observe, rel_error
from autograder.demo import Submission
from autograder.frameworks import OptimizerSpec, describe_model
from autograder.messages import Text
from autograder.modelcheck import ModelCheck, model_difference, summary_difference
from autograder.plan import RESULT, Case, CaseOutcome, Observe, Raised
from autograder.records import Status
from autograder.wire import PackageFile, Texts, Unsupported

__all__ = [
    "RESULT", "Case", "CaseGrade", "CaseOutcome", "Check", "Diagnosis", "Mistake", "ModelCheck", "Observe",
    "OptimizerSpec", "PackageFile", "Raised", "Status", "Submission", "Text", "Texts", "Unsupported",
    "compare_values", "describe_model", "fresh_copy", "model_difference", "observe", "rel_error",
    "summary_difference",
]
