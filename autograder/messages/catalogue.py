"""Grading text: diagnoses, statuses, flags and details every check and runner can produce."""

GRADING: dict[str, dict[str, str]] = {
    # generic diagnoses, keyed by stable mistake identifier
    "passed": {
        "es": "Correcto: {passed}/{total} casos ocultos superados.",
        "en": "Correct: {passed}/{total} hidden cases passed.",
    },
    "partial": {
        "es": "Superaste {passed} de {total} casos ocultos. Falla el caso «{case}». {diagnosis}",
        "en": "You passed {passed} of {total} hidden cases. Failing case: “{case}”. {diagnosis}",
    },
    "partial_credit": {
        "es": "Crédito parcial ({credit:.0%}) en las pruebas ocultas; caso «{case}»: {diagnosis}",
        "en": "Partial credit ({credit:.0%}) on the hidden tests; case “{case}”: {diagnosis}",
    },
    "failed": {
        "es": "No superaste ningún caso oculto ({total}). Primer caso que falla: «{case}». {diagnosis}",
        "en": "No hidden case passed ({total}). First failing case: “{case}”. {diagnosis}",
    },
    "exception": {
        "es": "Tu código lanzó una excepción: {error}",
        "en": "Your code raised an exception: {error}",
    },
    "not_implemented": {
        "es": "La función aún no está implementada (lanza NotImplementedError).",
        "en": "The function is not implemented yet (it raises NotImplementedError).",
    },
    "returned_none": {
        "es": "Tu función devuelve None: ¿olvidaste el `return`?",
        "en": "Your function returns None: did you forget the `return`?",
    },
    "wrong_type": {
        "es": "Se esperaba un resultado de tipo {expected} y obtuviste {got}.",
        "en": "Expected a result of type {expected}, got {got}.",
    },
    "wrong_shape": {
        "es": "La forma del resultado es {got}, pero debería ser {expected}.",
        "en": "The result has shape {got}, but it should be {expected}.",
    },
    "wrong_length": {
        "es": "El resultado tiene {got} elementos, pero debería tener {expected}.",
        "en": "The result has {got} elements, but it should have {expected}.",
    },
    "nan_output": {
        "es": "Tu resultado contiene NaN o infinitos: ¿una sigmoide o tanh escrita a mano que "
              "desborda con entradas grandes? Usa np.tanh o una forma numéricamente estable.",
        "en": "Your result contains NaN or infinities: a hand-written sigmoid or tanh that "
              "overflows on large inputs? Use np.tanh or a numerically stable form.",
    },
    "float32_precision": {
        "es": "Los valores casi coinciden, pero con precisión de float32: no conviertas a float32; "
              "trabaja en el tipo de las entradas (float64).",
        "en": "The values almost match, but only to float32 precision: do not cast to float32; "
              "keep the inputs' dtype (float64).",
    },
    "wrong_dtype": {
        "es": "El tipo de datos del resultado es {got}, pero debería ser {expected}.",
        "en": "The result's dtype is {got}, but it should be {expected}.",
    },
    "mutates_input": {
        "es": "Tu función modifica sus argumentos de entrada (por ejemplo con operaciones in situ "
              "como +=); trabaja sobre copias o crea arreglos nuevos.",
        "en": "Your function modifies its input arguments (for example with in-place operations "
              "such as +=); work on copies or create new arrays.",
    },
    "wrong_values": {
        "es": "Los valores no coinciden con los esperados y no reconocemos el error concreto; "
              "revisa la fórmula paso a paso con las pruebas visibles.",
        "en": "The values do not match and we do not recognise the specific mistake; "
              "check the formula step by step against the visible tests.",
    },
    "wrong_architecture": {
        "es": "La arquitectura no coincide con la pedida: en la capa {where} se esperaba {expected} "
              "y tu modelo tiene {got}.",
        "en": "The architecture does not match the one asked for: layer {where} should be {expected} "
              "and your model has {got}.",
    },
    "wrong_layer_count": {
        "es": "El modelo debería tener {expected} capas y el tuyo tiene {got}.",
        "en": "The model should have {expected} layers and yours has {got}.",
    },
    "wrong_model_summary": {
        "es": "El resumen del modelo no coincide ({what}): se esperaba {expected} y obtuviste {got}.",
        "en": "The model summary does not match ({what}): expected {expected}, got {got}.",
    },
    "wrong_compile": {
        "es": "El modelo no está compilado como se pide: se esperaba {expected} y obtuviste {got}.",
        "en": "The model is not compiled as asked: expected {expected}, got {got}.",
    },
    "unsupported_value": {
        "es": "Tu función devolvió un valor que el calificador no puede examinar ({got}).",
        "en": "Your function returned a value the grader cannot examine ({got}).",
    },
    "not_run": {
        "es": "Esta comprobación no llegó a ejecutarse: ¿falla una celda anterior, se agotó el "
              "tiempo o se detuvo el kernel?",
        "en": "This check never ran: did an earlier cell fail, time out, or stop the kernel?",
    },
    "not_defined": {
        "es": "No se encontró la función: revisa que la celda de solución defina «{name}» sin errores.",
        "en": "The function was not found: make sure the solution cell defines “{name}” without errors.",
    },
    # flags and statuses, for TAs and reports
    "flag_out_of_cell": {
        "es": "Se pidió la comprobación «{check}» fuera de la celda de pruebas ocultas que la contiene "
              "(celda en ejecución: {cell}); se rechazó.",
        "en": "Check “{check}” was requested outside the hidden-test cell that holds it "
              "(running cell: {cell}); refused.",
    },
    "flag_repeat": {
        "es": "La comprobación «{check}» se pidió más de una vez en la misma celda; se rechazó.",
        "en": "Check “{check}” was requested more than once in the same cell; refused.",
    },
    "flag_protocol": {
        "es": "El kernel envió un mensaje no válido al calificador: {error}",
        "en": "The kernel sent an invalid message to the grader: {error}",
    },
    "grader_error": {
        "es": "El calificador no pudo evaluar esta comprobación; el equipo docente la revisará a mano.",
        "en": "The grader could not evaluate this check; the teaching staff will review it by hand.",
    },
    "flag_grader_error": {
        "es": "Error del calificador al evaluar «{check}»: {error}",
        "en": "Grader error while judging “{check}”: {error}",
    },
    "refused": {
        "es": "El calificador rechazó esta comprobación: no corresponde a la celda en ejecución.",
        "en": "The grader refused this check: it does not belong to the running cell.",
    },
    "hidden_tests_need_grader": {
        "es": "Las pruebas ocultas solo se ejecutan al calificar, con el calificador del curso ({error}).",
        "en": "The hidden tests only run when grading, with the course's grader ({error}).",
    },
    "incomplete_observations": {
        "es": "ProtocolError: observaciones incompletas",
        "en": "ProtocolError: incomplete observations",
    },
    "verdict_header": {
        "es": "── Veredicto registrado por el calificador (lo que puntúa) ──",
        "en": "── Verdict recorded by the grader (what scores) ──",
    },
    "status_graded": {"es": "calificado", "en": "graded"},
    "status_timeout": {"es": "tiempo agotado", "en": "timed out"},
    "status_crashed": {"es": "fallo del kernel", "en": "crashed"},
    "status_invalid": {"es": "entrega no válida", "en": "invalid submission"},
    "status_missing": {"es": "sin entrega", "en": "missing"},
    "detail_timeout_cell": {
        "es": "La celda «{cell}» siguió en marcha más de {seconds:g} s sin terminar y se interrumpió "
              "(¿espera una entrada o un recurso que nunca llega?).",
        "en": "Cell “{cell}” kept running for more than {seconds:g} s without finishing and was interrupted "
              "(is it waiting for input or for something that never comes?).",
    },
    "detail_timeout_notebook": {
        "es": "El cuaderno superó el límite total de {seconds:g} s; se detuvo el kernel.",
        "en": "The notebook exceeded the {seconds:g} s total limit; the kernel was stopped.",
    },
    "detail_dead_kernel": {
        "es": "El kernel se detuvo al ejecutar la celda «{cell}» (sys.exit, os._exit, memoria agotada o "
              "límite de CPU).",
        "en": "The kernel stopped while running cell “{cell}” (sys.exit, os._exit, out of memory or CPU limit).",
    },
    "detail_missing": {
        "es": "No se encontró el cuaderno {notebook} en la entrega.",
        "en": "Notebook {notebook} was not found in the submission.",
    },
    "detail_malformed": {
        "es": "El cuaderno no se puede leer ({error}). Vuelve a descargarlo y copia tus soluciones.",
        "en": "The notebook cannot be read ({error}). Download it again and copy your solutions over.",
    },
    "detail_old_format": {
        "es": "El cuaderno usa el formato antiguo nbformat {version}; ábrelo en JupyterLab, guárdalo y entrégalo de nuevo.",
        "en": "The notebook uses the old nbformat {version} format; open it in JupyterLab, save it and submit again.",
    },
    "detail_timeout_cpu": {
        "es": "La celda «{cell}» superó su límite de {seconds:g} s de CPU y se interrumpió: ¿un bucle sin fin?",
        "en": "Cell “{cell}” exceeded its {seconds:g} s CPU limit and was interrupted: an endless loop?",
    },
    "detail_kernel_start": {
        "es": "El entorno aislado no llegó a arrancar el kernel ({error}); el equipo docente volverá a calificar.",
        "en": "The sandbox did not get its kernel started ({error}); the teaching staff will regrade.",
    },
    "detail_worker_died": {
        "es": "El proceso del calificador murió dos veces con esta entrega; el equipo docente la revisará.",
        "en": "The grading process died twice on this submission; the teaching staff will review it.",
    },
    "detail_no_folder": {
        "es": "No se encontró la carpeta de la entrega.",
        "en": "The submission folder was not found.",
    },
    "detail_unsafe_file": {
        "es": "La entrega contiene «{path}», que no es un archivo normal ({kind}); solo se aceptan archivos "
              "y carpetas normales. Vuelve a entregar sin enlaces simbólicos ni archivos especiales.",
        "en": "The submission contains “{path}”, which is not a regular file ({kind}); only regular files "
              "and folders are accepted. Submit again without symbolic links or special files.",
    },
    "detail_extra_notebook": {
        "es": "La entrega contiene un cuaderno inesperado, {notebook}; se esperaba solo {expected}. "
              "Entrega únicamente el cuaderno de la tarea.",
        "en": "The submission contains an unexpected notebook, {notebook}; only {expected} was expected. "
              "Submit only the assignment's notebook.",
    },
    "detail_too_many_files": {
        "es": "La entrega tiene más de {limit} archivos.",
        "en": "The submission has more than {limit} files.",
    },
    "detail_too_deep": {
        "es": "La entrega tiene carpetas anidadas a más de {limit} niveles.",
        "en": "The submission has folders nested more than {limit} levels deep.",
    },
    "detail_too_large": {
        "es": "La entrega ocupa más de {limit_mb} MiB.",
        "en": "The submission is larger than {limit_mb} MiB.",
    },
    "flag_missing_cell": {
        "es": "Falta en la entrega la celda de pruebas {cell} (¿borrada?).",
        "en": "Test cell {cell} is missing from the submission (deleted?).",
    },
    "no_submissions": {
        "es": "No hay entregas de {assignment!r} en {where} (recógelas con `nbgrader collect {assignment}` "
              "o cópialas ahí).",
        "en": "No submissions for {assignment!r} under {where} (collect them with `nbgrader collect "
              "{assignment}` or copy them there).",
    },
    "flag_comment": {
        "es": "⚑ Revisar ({status}): el calificador marcó esta entrega.",
        "en": "⚑ Review ({status}): the grader flagged this submission.",
    },
    "placeholder_title": {"es": "Esta entrega no se pudo calificar:", "en": "This submission could not be graded:"},
    "bad_student_id": {
        "es": "Se omite la carpeta de entrega «{student}»: el identificador {problem}.",
        "en": "Skipping submission folder “{student}”: the student id {problem}.",
    },
    "unchanged": {
        "es": "{count} entregas no han cambiado desde su última corrección y conservan su nota "
              "(--regrade para corregirlas de nuevo).",
        "en": "{count} submissions have not changed since they were last graded and keep their grade "
              "(--regrade to grade them again).",
    },
}

# Short names of the generic diagnoses, for tables (named mistakes use their own message).
TITLES: dict[str, dict[str, str]] = {
    "exception": {"es": "lanza una excepción", "en": "raises an exception"},
    "mutates_input": {"es": "modifica sus entradas", "en": "modifies its inputs"},
    "nan_output": {"es": "devuelve NaN o infinito", "en": "returns NaN or infinity"},
    "not_implemented": {"es": "sin implementar", "en": "not implemented"},
    "returned_none": {"es": "no devuelve nada", "en": "returns nothing"},
    "unsupported_value": {"es": "devuelve un tipo no admitido", "en": "returns an unsupported type"},
    "wrong_architecture": {"es": "arquitectura distinta", "en": "different architecture"},
    "wrong_compile": {"es": "compilación distinta", "en": "different compilation"},
    "wrong_dtype": {"es": "tipo numérico distinto", "en": "different numeric type"},
    "wrong_layer_count": {"es": "número de capas distinto", "en": "different number of layers"},
    "wrong_length": {"es": "longitud distinta", "en": "different length"},
    "wrong_model_summary": {"es": "modelo distinto", "en": "different model"},
    "wrong_shape": {"es": "forma distinta", "en": "different shape"},
    "wrong_type": {"es": "tipo de resultado distinto", "en": "different result type"},
    "wrong_values": {"es": "valores distintos (error no reconocido)", "en": "different values (mistake not recognised)"},
    "not_run": {"es": "comprobación no ejecutada", "en": "check not run"},
    "not_defined": {"es": "función no definida", "en": "function not defined"},
    "grader_error": {"es": "error del calificador", "en": "grader error"},
}
