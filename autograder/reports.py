"""Grade exports (CSV, JSON) and the terminal summary table."""

from __future__ import annotations

import csv
import io
import json

from rich.table import Table

from autograder import messages
from autograder.records import SubmissionResult

CSV_FIELDS = ["student", "assignment", "status", "score", "max_score", "mistakes"]


def to_json(results: list[SubmissionResult]) -> str:
    return json.dumps([r.export_row() for r in results], indent=2, ensure_ascii=False)


def to_csv(results: list[SubmissionResult]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for result in results:
        row = result.export_row()
        mistakes = sorted({c["mistake"] for c in row["checks"] if c["mistake"]})
        writer.writerow({**{k: row[k] for k in CSV_FIELDS[:-1]}, "mistakes": ";".join(mistakes)})
    return out.getvalue()


def summary_table(results: list[SubmissionResult], lang: str) -> Table:
    """The terminal table of a batch in ``lang``; raises ValueError for a language not in messages.LANGUAGES."""
    table = Table(title=messages.text("summary_title", lang))
    for key in ("report_student", "report_status", "report_points", "summary_mistakes"):
        table.add_column(messages.text(key, lang))
    table.add_column("s")
    for result in results:
        mistakes = sorted({v.mistake for c in result.cells for v in c.checks if v.mistake})
        flag = " ⚑" if result.flags else ""
        table.add_row(result.student, messages.text(f"status_{result.status.value}", lang) + flag,
                      f"{result.score:g}/{result.max_score:g}", ", ".join(mistakes) or "—", f"{result.seconds:.1f}")
    return table
