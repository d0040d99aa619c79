"""nbgrader and autograder settings for this course directory."""

c = get_config()  # noqa: F821 - provided by traitlets when this file is loaded

c.CourseDirectory.course_id = "deep-learning-es"
c.CourseDirectory.root = __import__("os").path.dirname(__import__("os").path.abspath(__file__))
c.Exchange.root = __import__("os").path.join(c.CourseDirectory.root, "exchange")
c.Exchange.timezone = "Europe/Madrid"

# Visible tests are plain locked cells; hidden checks are judged by the grader's oracle.
c.ClearSolutions.code_stub = {"python": "# TU CÓDIGO AQUÍ\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "ESCRIBE TU RESPUESTA AQUÍ"
c.ClearHiddenTests.begin_test_delimeter = "BEGIN HIDDEN TESTS"
c.ClearHiddenTests.end_test_delimeter = "END HIDDEN TESTS"

# Demonstration cells tagged "skip-grading" are skipped by stock nbgrader as by the grader.
c.Execute.skip_cells_with_tag = "skip-grading"

# TensorFlow writes informational lines to stderr; they are not errors.
c.IgnorePattern.pattern = r".*(oneDNN custom operations|Unable to register|cuda|TF_ENABLE_ONEDNN_OPTS|absl).*"

# One feedback report: formgrader's "Generate Feedback" and `nbgrader generate_feedback` write the
# grader's report (verdicts, TA scores and comments, late penalty; never hidden tests), and
# `nbgrader collect` copies submissions without following links in them.
c.GenerateFeedback.exporter_class = "autograder.feedback.FeedbackExporter"
c.GenerateFeedback.preprocessors = []
c.ExchangeFactory.collect = "autograder.exchange.SafeCollect"

# Due dates (in c.Exchange.timezone unless an offset is given), extensions in hours per
# student, and the late policy (none, zero, percent_per_day, percent_per_hour; 0 after
# cutoff_hours). Stock `nbgrader autograde` applies the same policy.
c.Autograder.due_dates = {}
c.Autograder.extensions = {}
c.AssignLatePenalties.plugin_class = "autograder.late.LatePenalty"
c.LatePenalty.method = "percent_per_day"
c.LatePenalty.percent = 10.0
c.LatePenalty.cutoff_hours = 168.0

c.Autograder.lang = "es"
# A cell's budget is CPU time, which a busy grading machine does not inflate; the wall-clock
# limits only stop code that hangs without computing (a submission they stop is regraded
# once alone before `timeout` is recorded).
c.Autograder.cell_cpu_seconds = 30.0
c.Autograder.cell_timeout = 120.0
c.Autograder.notebook_timeout = 900.0

# Limits for each submission's kernel; both runners take the same settings. `warm` kernels
# are started ahead per grading worker, with the assignment's imports done.
c.LocalRunner.memory_mb = 6144
c.LocalRunner.cpu_seconds = 900
c.DockerRunner.memory_mb = 6144
c.DockerRunner.cpu_seconds = 900
c.LocalRunner.warm = 1
# Docker only: the grading image (`autograder image build`), CPUs per container, GPUs
# ("none", "all" or a count; `autograder grade --gpus` overrides), containers started ahead.
c.DockerRunner.image = "autograder-grading:cpu"
c.DockerRunner.cpus = 1.0
c.DockerRunner.gpus = "none"
c.DockerRunner.warm = 1
# Grading across machines (README, "Grading across machines"): the Dask scheduler whose
# grading hosts grade every submission (empty: this machine), and the assignments graded
# only on workers started with `--resources GPU=1`.
c.Autograder.scheduler = ""
c.Autograder.gpu_assignments = []
