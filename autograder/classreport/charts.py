"""The class report's charts, drawn by matplotlib and inlined as SVG (no network to view them)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import matplotlib

matplotlib.use("Agg")  # files only: no display on a grading server

import matplotlib.dates as mdates  # noqa: E402 - after choosing the backend
import matplotlib.pyplot as plt  # noqa: E402

from autograder.classreport.stats import Distribution  # noqa: E402

_STYLE = {"figure.figsize": (6.4, 2.8), "axes.spines.top": False, "axes.spines.right": False,
          "font.size": 9, "svg.fonttype": "none"}


def _svg(fig: plt.Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def histogram(dist: Distribution, labels: dict[str, str]) -> str:
    """Scores with mean, median and quartiles marked."""
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots()
        bins = max(5, min(20, int(dist.max_score * 2) or 10))
        ax.hist(dist.scores, bins=bins, range=(0, dist.max_score or 1), color="#7aa6d6", edgecolor="white")
        for value, style, name in ((dist.mean, "-", labels["mean"]), (dist.median, "--", labels["median"]),
                                   (dist.q1, ":", labels["quartiles"]), (dist.q3, ":", None)):
            ax.axvline(value, color="#333", linestyle=style, linewidth=1.2,
                       label=f"{name} {value:.2f}" if name else None)
        ax.set_xlabel(labels["score"])
        ax.set_ylabel(labels["students"])
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        return _svg(fig)


def submissions_over_time(times: list[datetime], due: datetime | None, labels: dict[str, str]) -> str:
    """Cumulative submissions against the due date."""
    with plt.rc_context(_STYLE):
        fig, ax = plt.subplots()
        ordered = sorted(times)
        ax.step(ordered, range(1, len(ordered) + 1), where="post", color="#2b6cb0")
        if due is not None:
            ax.axvline(due, color="#b42318", linewidth=1.2, label=labels["due"])
            ax.legend(frameon=False, loc="upper left")
        marks = [*ordered, *([due] if due is not None else [])]
        if max(marks) - min(marks) < timedelta(hours=1):
            # Everyone at once (a demo, a batch import): give the axis a readable span.
            ax.set_xlim(min(marks) - timedelta(minutes=30), max(marks) + timedelta(minutes=30))
        ax.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=6))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%d/%m %H:%M"))
        fig.autofmt_xdate()
        ax.set_ylabel(labels["submitted"])
        return _svg(fig)
