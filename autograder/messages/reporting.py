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
    "class_title": {
        "es": 'Informe de la clase',
        "en": 'Class report',
    },
    "class_course_title": {
        "es": 'Informe del curso',
        "en": 'Course report',
    },
    "class_generated": {
        "es": 'Generado el {when} a partir del libro de notas (con los ajustes del equipo docente).',
        "en": 'Generated on {when} from the gradebook (teaching staff adjustments included).',
    },
    "class_students": {
        "es": 'estudiantes',
        "en": 'students',
    },
    "class_scores": {
        "es": 'Distribución de notas',
        "en": 'Score distribution',
    },
    "class_mean": {
        "es": 'media',
        "en": 'mean',
    },
    "class_median": {
        "es": 'mediana',
        "en": 'median',
    },
    "class_quartiles": {
        "es": 'cuartiles',
        "en": 'quartiles',
    },
    "class_status": {
        "es": 'Estado de las entregas',
        "en": 'Submission status',
    },
    "class_late": {
        "es": 'con retraso',
        "en": 'late',
    },
    "class_timeline": {
        "es": 'Entregas en el tiempo',
        "en": 'Submissions over time',
    },
    "class_due": {
        "es": 'fecha límite',
        "en": 'due date',
    },
    "class_submitted": {
        "es": 'entregas acumuladas',
        "en": 'submissions so far',
    },
    "class_checks": {
        "es": 'Comprobaciones: dificultad y discriminación',
        "en": 'Checks: difficulty and discrimination',
    },
    "class_checks_note": {
        "es": 'Dificultad: crédito medio obtenido (0–1). Discriminación: correlación punto-biserial entre el crédito de la comprobación y el resto de la nota. Se marcan para revisar las que tienen dificultad < {hard} o > {easy}, o discriminación < {weak}.',
        "en": "Difficulty: mean credit earned (0–1). Discrimination: point-biserial correlation between the check's credit and the rest of the score. Checks with difficulty < {hard} or > {easy}, or discrimination < {weak}, are marked for review.",
    },
    "class_check": {
        "es": 'Comprobación',
        "en": 'Check',
    },
    "class_pass_rate": {
        "es": 'superada por',
        "en": 'passed by',
    },
    "class_difficulty": {
        "es": 'dificultad',
        "en": 'difficulty',
    },
    "class_discrimination": {
        "es": 'discriminación',
        "en": 'discrimination',
    },
    "class_review": {
        "es": 'revisar',
        "en": 'review',
    },
    "class_mistakes": {
        "es": 'Errores más frecuentes: qué volver a explicar',
        "en": 'Most frequent mistakes: what to reteach',
    },
    "class_mistake": {
        "es": 'Error',
        "en": 'Mistake',
    },
    "class_who": {
        "es": 'Quién',
        "en": 'Who',
    },
    "class_flagged": {
        "es": 'Entregas marcadas para revisión',
        "en": 'Submissions flagged for review',
    },
    "class_reasons": {
        "es": 'Motivos',
        "en": 'Reasons',
    },
    "class_open": {
        "es": 'abrir en formgrader',
        "en": 'open in formgrader',
    },
    "class_none": {
        "es": 'Ninguna.',
        "en": 'None.',
    },
    "class_timing": {
        "es": 'Tiempos de la corrección',
        "en": 'Grading time',
    },
    "class_phase": {
        "es": 'Fase',
        "en": 'Phase',
    },
    "class_slowest": {
        "es": 'Entregas más lentas',
        "en": 'Slowest submissions',
    },
    "class_seconds": {
        "es": 'segundos',
        "en": 'seconds',
    },
    "class_total": {
        "es": 'Total',
        "en": 'Total',
    },
}
