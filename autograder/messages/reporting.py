"""Text of what students, TAs and instructors read around the verdicts: feedback pages, tables,
exports and the class report."""

REPORTING: dict[str, dict[str, str]] = {
    # feedback report and summary table
    "report_title": {"es": "Informe de corrección", "en": "Grading report"},
    "report_student": {"es": "Estudiante", "en": "Student"},
    "report_assignment": {"es": "Tarea", "en": "Assignment"},
    "report_status": {"es": "Estado", "en": "Status"},
    "report_score": {"es": "Puntuación", "en": "Score"},
    "report_check": {"es": "Comprobación", "en": "Check"},
    "report_points": {"es": "Puntos", "en": "Points"},
    "report_diagnosis": {"es": "Diagnóstico", "en": "Diagnosis"},
    "report_observed": {"es": "Tu salida en el caso que falla", "en": "Your output on the failing case"},
    "report_review": {
        "es": "Esta entrega queda marcada para revisión por el equipo docente.",
        "en": "This submission is flagged for review by the teaching staff.",
    },
    "report_submitted": {"es": "Entregada", "en": "Submitted"},
    "report_section": {"es": "Apartado", "en": "Section"},
    "report_late": {
        "es": "Entregada con {hours} h de retraso: se descuentan {penalty} puntos.",
        "en": "Submitted {hours} h late: {penalty} points deducted.",
    },
    "report_adjusted": {
        "es": "El equipo docente ha revisado y ajustado la puntuación.",
        "en": "The teaching staff reviewed and adjusted the score.",
    },
    "report_ta_score": {"es": "puntuación del equipo docente", "en": "score set by the teaching staff"},
    "report_comments": {"es": "Comentarios del equipo docente", "en": "Comments from the teaching staff"},
    "report_inputs": {"es": "Caso: {inputs}", "en": "Case: {inputs}"},
    "report_difference": {
        "es": "primer valor distinto en la posición {index}; error del orden de {magnitude}",
        "en": "first differing value at index {index}; error of the order of {magnitude}",
    },
    "export_feedback": {"es": "comentarios", "en": "feedback"},
    "roster_missing": {
        "es": "No hay lista de clase (roster.csv junto a nbgrader_config.py): el archivo no tiene estudiantes.",
        "en": "No class roster (roster.csv beside nbgrader_config.py): the file has no students.",
    },
    "roster_student_missing": {
        "es": "{student} tiene nota pero no está en la lista de clase: no aparece en el archivo.",
        "en": "{student} has a grade but is not in the roster: not in the file.",
    },
    "roster_entry_unknown": {
        "es": "{student} está en la lista de clase pero no en el libro de notas: su nota queda en blanco.",
        "en": "{student} is in the roster but not in the gradebook: their grade is left blank.",
    },
    "roster_no_identity": {
        "es": "{student} no tiene «{column}» en la lista de clase: no aparece en el archivo.",
        "en": "{student} has no “{column}” in the roster: not in the file.",
    },
    "summary_title": {"es": "Resultados", "en": "Results"},
    "summary_mistakes": {"es": "Errores detectados", "en": "Mistakes named"},
}
