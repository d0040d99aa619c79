"""Late-submission policy: one nbgrader plugin, used by the grader and by stock nbgrader alike.

nbgrader asks a ``LateSubmissionPlugin`` for each notebook's penalty from its score and how
late the submission was (``c.AssignLatePenalties.plugin_class`` points stock ``nbgrader
autograde`` here too). The grader stores the penalty in the gradebook and recomputes it from
the current due date, extension and score whenever it grades or exports, so a changed due
date, policy or TA score never leaves a stale penalty behind.
"""

from __future__ import annotations

import math

from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Enum, Float


class LatePenalty(LateSubmissionPlugin):
    """``c.LatePenalty.method``: ``none``, ``zero`` (any lateness scores 0), ``percent_per_day`` or
    ``percent_per_hour`` (``percent`` of the score for each day or hour begun); past
    ``cutoff_hours`` (when above 0) a late submission scores 0."""

    method = Enum(("none", "zero", "percent_per_day", "percent_per_hour"), default_value="none",
                  help="How lateness is penalised.").tag(config=True)
    percent = Float(10.0, min=0.0, max=100.0, help="Percent of the score lost per day or hour begun.").tag(config=True)
    cutoff_hours = Float(0.0, min=0.0, help="Hours late after which the score is 0 (0: no cut-off).").tag(config=True)

    # nbgrader's base class keeps `penalty_method`; this policy replaces it.
    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float | None:
        return penalty(self.method, self.percent, self.cutoff_hours, score, total_seconds_late)


def penalty(method: str, percent: float, cutoff_hours: float, score: float, seconds_late: float) -> float | None:
    """Points lost (never more than ``score``); None when nothing is lost."""
    if seconds_late <= 0 or score <= 0 or method == "none":
        return None
    if method == "zero" or (cutoff_hours > 0 and seconds_late > cutoff_hours * 3600):
        return score
    unit = 86400 if method == "percent_per_day" else 3600
    units = math.ceil(seconds_late / unit)
    return min(score, score * percent / 100 * units)
