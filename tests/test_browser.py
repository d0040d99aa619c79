"""Browser tier: one course loop in a real JupyterLab, driven by headless Chromium.

The instructor releases ``rnn`` by command; student ana fetches, solves, validates and submits
it in JupyterLab's Assignments tab; the instructor collects and grades; a TA lowers one score and
comments in formgrader; the instructor releases feedback; ana fetches it and opens the page. The
score the TA set must then read the same in nbgrader's export, ``autograder export`` and the
feedback page, and that page must show no hidden test. Each step is a test, run in order: a
failed step keeps a screenshot of that moment and skips the steps after it. Screenshots of every
step stay in build/browser/.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbgrader.api import Gradebook
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from autograder.course import Course
from autograder.demo import Submission, scratch_course, student_notebook
from autograder.release import HIDDEN
from browser_support import (BIN, PANEL, Browser, JupyterServer, browser_paths, jupyter_env, open_assignment_list,
                             show_cell, start_lab, write_solution_cells)
from conftest import COURSE, ROOT

BROWSER = browser_paths()
pytestmark = [pytest.mark.browser, pytest.mark.e2e,
              pytest.mark.skipif(BROWSER is None, reason="needs chromium and chromedriver (`make system` installs them)")]

ASSIGNMENT, STUDENT = "rnn", "ana"
COURSE_ID = COURSE.coursedir.course_id
SHOTS = ROOT / "build" / "browser"
# The TA lowers the LSTM test cell from its automatic 3 points to 1.5 and comments on the LSTM
# solution: the answer key's 10 points become 8.5 wherever grades are read.
TA_CELL, TA_SCORE, CELL_MAX = "test_lstm_step_forward", 1.5, 3.0
COMMENT_CELL, TA_COMMENT = "lstm_step_forward", "Sigmoide estable: bien. Documenta el orden de las compuertas."
TOTAL, MAX_SCORE = 8.5, 10.0

STUDENT_CONFIG = """c = get_config()  # noqa: F821
c.Exchange.root = {exchange!r}
c.CourseDirectory.course_id = {course_id!r}
# The servers run as root here, so the student id cannot come from the user name.
c.CourseDirectory.student_id = {student!r}
"""


def instructor(flow: Flow, step: str) -> None:
    """The instructor's command for ``step``: ``release`` generates rnn and publishes it to the
    exchange, ``grade`` collects the submissions and grades them, ``feedback`` writes each
    student's report and releases it through the exchange."""
    command = {"release": ["release", ASSIGNMENT], "grade": ["grade", ASSIGNMENT],
               "feedback": ["feedback", ASSIGNMENT, "--release"]}[step]
    run(flow, ["autograder", *command])


@dataclass
class Flow:
    """What the steps share: the scratch course, ana's home, and what earlier steps left."""

    root: Path
    course: Path
    home: Path
    failed: str = ""
    browser: Browser | None = None
    feedback: Path | None = None


def run(flow: Flow, command: list[str]) -> str:
    """Run an instructor command in the scratch course, where its nbgrader_config.py applies."""
    name, *args = command
    argv = [sys.executable, "-m", "autograder", *args] if name == "autograder" else [str(BIN / name), *args]
    env = jupyter_env(flow.root / "instructor", PYTHONPATH=str(ROOT))
    done = subprocess.run(argv, cwd=flow.course, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode:
        pytest.fail(f"`{' '.join(command)}` exited with {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def step(test: Callable[..., None]) -> Callable[..., None]:
    """Mark a test as a step of the loop: when it fails, the steps after it are skipped."""
    test.is_step = True  # type: ignore[attr-defined]
    return test


@pytest.fixture(scope="module")
def flow(tmp_path_factory: pytest.TempPathFactory) -> Flow:
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    root = tmp_path_factory.mktemp("browser")
    course = scratch_course(COURSE, ASSIGNMENT, root / "course").root
    return Flow(root, course, root / STUDENT / "home")


def skip_after_failure(flow: Flow) -> None:
    if flow.failed:
        pytest.skip(f"an earlier step failed: {flow.failed}")


@pytest.fixture(autouse=True)
def in_order(request: pytest.FixtureRequest, flow: Flow) -> Iterator[None]:
    skip_after_failure(flow)
    failures = request.session.testsfailed
    yield
    if getattr(request.function, "is_step", False) and request.session.testsfailed > failures:
        flow.failed = request.node.name
        if "browser" in request.fixturenames and flow.browser is not None:
            flow.browser.shot(f"FAILED-{request.node.name.removeprefix('test_')}")


@pytest.fixture(scope="module")
def browser(flow: Flow) -> Iterator[Browser]:
    assert BROWSER is not None
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SE_OFFLINE", "true")  # Selenium Manager, were it ever reached, stays offline
        flow.browser = Browser(*BROWSER, SHOTS)
    yield flow.browser
    flow.browser.quit()


@pytest.fixture(scope="module")
def student_lab(flow: Flow) -> Iterator[JupyterServer]:
    skip_after_failure(flow)  # module fixtures are set up before in_order runs
    flow.home.mkdir(parents=True)
    (flow.home / "nbgrader_config.py").write_text(STUDENT_CONFIG.format(
        exchange=str(flow.course / "exchange"), course_id=COURSE_ID, student=STUDENT))
    env = jupyter_env(flow.home.parent / "jupyter", HOME=str(flow.home))
    env.pop("PYTHONPATH", None)  # the student's kernels see no grading engine
    server = start_lab(flow.home, env, SHOTS / "student-lab.log")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def ta_lab(flow: Flow) -> Iterator[JupyterServer]:
    skip_after_failure(flow)
    (flow.root / "ta").mkdir()
    # The course's nbgrader_config.py names the engine's exchange and feedback classes.
    env = jupyter_env(flow.root / "ta" / "jupyter", HOME=str(flow.root / "ta"), PYTHONPATH=str(ROOT))
    server = start_lab(flow.course, env, SHOTS / "ta-lab.log")
    yield server
    server.stop()


def solutions() -> dict[str, str]:
    """Each solution cell as a student who solved it writes it: the source's solution blocks."""
    nb = student_notebook(COURSE.assignment(ASSIGNMENT), ASSIGNMENT, Submission(STUDENT, "answer key"))
    return {c.metadata.nbgrader["grade_id"]: c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")}


def gradebook(flow: Flow) -> tuple[float, dict[str, float | None], dict[str, str | None]]:
    """ana's total, manual scores and manual comments in the scratch course's gradebook."""
    coursedir = Course(flow.course).coursedir
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        notebook = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, STUDENT)
        return (float(notebook.score), {g.name: g.manual_score for g in notebook.grades},
                {c.name: c.manual_comment for c in notebook.comments})


def ta_changes_saved(flow: Flow) -> bool:
    _, scores, comments = gradebook(flow)
    return scores[TA_CELL] == TA_SCORE and comments[COMMENT_CELL] == TA_COMMENT


def fractions(text: str) -> set[tuple[float, float]]:
    """Every "points / out of" a page shows, as numbers, whatever its language and decimals."""
    return {(float(a), float(b)) for a, b in re.findall(r"(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)", text)}


def page_text(path: Path) -> str:
    """The text of an HTML page as a reader sees it (highlighted code back on one line)."""
    return BeautifulSoup(path.read_text(), "html.parser").get_text()


@step
def test_instructor_releases_the_assignment(flow: Flow) -> None:
    instructor(flow, "release")
    assert (flow.course / "exchange" / COURSE_ID / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()


@step
def test_student_fetches_the_assignment(flow: Flow, browser: Browser, student_lab: JupyterServer) -> None:
    browser.tab(STUDENT, student_lab.url("/lab", login=True))
    browser.js_until("window.jupyterapp.commands.hasCommand('nbgrader:open-assignment-list')",
                     "JupyterLab with the nbgrader extension", timeout=180)
    open_assignment_list(browser)
    fetch = browser.clickable_xpath(f"//div[@id='released_assignments_list']//div[contains(@class,'list_item')]"
                                    f"[.//span[text()='{ASSIGNMENT}']]//button[text()='Fetch']", "rnn's Fetch button")
    browser.shot("student-assignments-tab")
    fetch.click()
    browser.clickable("#fetched_assignments_list a.assignment-notebooks-link", "rnn among the downloaded assignments")
    browser.shot("student-fetched")
    assert (flow.home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()


@step
def test_student_writes_the_solutions_and_saves(flow: Flow, browser: Browser, student_lab: JupyterServer) -> None:
    browser.clickable("#fetched_assignments_list a.assignment-notebooks-link", "rnn's notebook list").click()
    browser.clickable(f"#nbgrader-{COURSE_ID}-{ASSIGNMENT} .nested_list_item .item_name a", "the rnn notebook").click()
    browser.js_until(f"{PANEL}.context.path === '{ASSIGNMENT}/{ASSIGNMENT}.ipynb' && {PANEL}.context.isReady"
                     f" && {PANEL}.content.widgets.length > 0", "rnn.ipynb open in the notebook editor")
    key = solutions()
    assert sorted(write_solution_cells(browser, key)) == sorted(key)
    show_cell(browser, COMMENT_CELL, "logaddexp")
    browser.clickable(".jp-NotebookPanel-toolbar jp-button[data-command='docmanager:save']", "the save button").click()
    browser.js_until(f"!{PANEL}.context.model.dirty", "the notebook saved")
    browser.shot("student-solutions-saved")
    saved = nbformat.read(flow.home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    assert {c.metadata.nbgrader["grade_id"]: c.source for c in saved.cells
            if c.metadata.get("nbgrader", {}).get("solution")} == key


@step
def test_student_validates(flow: Flow, browser: Browser, student_lab: JupyterServer) -> None:
    browser.clickable(".jp-NotebookPanel-toolbar .validate-button", "the Validate button").click()
    dialog = browser.visible(".jp-Dialog", "the validation result", timeout=300)
    browser.shot("student-validated")
    assert "Success! Your notebook passes all the tests." in dialog.text
    browser.clickable(".jp-Dialog .jp-mod-accept", "the dialog's Ok button").click()
    browser.until(lambda d: not d.find_elements("css selector", ".jp-Dialog"), "the dialog to close")


@step
def test_student_submits(flow: Flow, browser: Browser, student_lab: JupyterServer) -> None:
    open_assignment_list(browser)
    browser.clickable_xpath("//div[@id='fetched_assignments_list']//button[text()='Submit']", "the Submit button").click()
    browser.until(lambda d: "UTC" in d.find_element("id", "submitted_assignments_list").text,
                  "the submission's timestamp under Submitted assignments")
    browser.shot("student-submitted")
    assert list((flow.course / "exchange" / COURSE_ID / "inbound").glob(f"{STUDENT}+{ASSIGNMENT}+*"))


@step
def test_instructor_collects_and_grades(flow: Flow) -> None:
    instructor(flow, "grade")
    assert gradebook(flow)[0] == MAX_SCORE


@step
def test_ta_changes_a_score_and_comments_in_formgrader(flow: Flow, browser: Browser, ta_lab: JupyterServer) -> None:
    browser.tab("ta", ta_lab.url("/formgrader", login=True))
    row = f"//tbody[@id='main-table']/tr[td[contains(@class,'name')]//a[text()='{ASSIGNMENT}']]"
    submissions = browser.clickable_xpath(f"{row}/td[contains(@class,'num-submissions')]/a", "rnn's submissions link")
    browser.shot("ta-formgrader-assignments")
    submissions.click()
    student = browser.clickable_xpath(f"//tbody[@id='main-table']/tr[td[contains(@class,'student-id')]"
                                      f"[@data-order='{STUDENT}']]/td[contains(@class,'student-name')]/a", "ana's row")
    browser.shot("ta-rnn-submissions")
    student.click()
    browser.clickable("#main-table td.name a", "ana's rnn notebook").click()
    score = browser.clickable(f"input.score#{TA_CELL}", "the LSTM test cell's score")
    browser.js_until(f"document.getElementById('{TA_CELL}').placeholder !== ''", "formgrader's grades loaded")
    browser.driver.execute_script("window.saves = 0; $(document).on('finished_saving', () => { window.saves += 1; });")
    browser.center(score)
    score.clear()
    score.send_keys(str(TA_SCORE), Keys.TAB)
    browser.js_until("window.saves >= 1", "formgrader to save the score")
    comment = browser.clickable(f"textarea#{COMMENT_CELL}-comment", "the LSTM solution's comment box")
    browser.center(comment)
    comment.click()
    comment.send_keys(TA_COMMENT, Keys.TAB)
    browser.js_until("window.saves >= 2", "formgrader to save the comment")
    browser.until(lambda _: ta_changes_saved(flow), "the score and the comment in the gradebook")
    browser.center(score)
    browser.shot("ta-score-and-comment-saved")
    assert gradebook(flow)[0] == TOTAL


@step
def test_instructor_releases_feedback(flow: Flow) -> None:
    instructor(flow, "feedback")
    assert list((flow.course / "exchange" / COURSE_ID / "feedback").glob("*.html"))


@step
def test_student_fetches_and_reads_the_feedback(flow: Flow, browser: Browser, student_lab: JupyterServer) -> None:
    browser.tab(STUDENT)
    open_assignment_list(browser)
    browser.clickable_xpath("//div[@id='submitted_assignments_list']//button[text()='Fetch Feedback']",
                            "the Fetch Feedback button").click()
    view = browser.clickable_xpath("//div[@id='submitted_assignments_list']//a[contains(., 'view feedback')]",
                                   "the view feedback link")
    browser.shot("student-feedback-fetched")
    view.click()
    page = browser.clickable(f"li.jp-DirListing-item[data-file-type='html'][title*='{ASSIGNMENT}.html']", "rnn.html in the file browser")
    ActionChains(browser.driver).double_click(page).perform()
    browser.js_until(f"{PANEL}.context.path.endsWith('/{ASSIGNMENT}.html')", "the feedback page open")
    frame = browser.visible(".jp-MainAreaWidget:not(.lm-mod-hidden) iframe", "the feedback page's frame")
    browser.driver.switch_to.frame(frame)
    browser.until(lambda d: (TOTAL, MAX_SCORE) in fractions(d.find_element("tag name", "body").text),
                  "the TA's total on the feedback page")
    browser.driver.switch_to.default_content()
    browser.shot("student-feedback-page")
    pages = list((flow.home / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
    assert len(pages) == 1
    flow.feedback = pages[0]


def test_the_ta_score_is_in_nbgrader_export_and_in_the_feedback(flow: Flow) -> None:
    run(flow, ["nbgrader", "export", "--to", str(flow.root / "grades.csv")])
    rows = [r for r in csv.DictReader(io.StringIO((flow.root / "grades.csv").read_text()))
            if r["student_id"] == STUDENT and r["assignment"] == ASSIGNMENT]
    assert [float(r["score"]) for r in rows] == [TOTAL]
    assert flow.feedback is not None
    text = page_text(flow.feedback)
    assert {(TOTAL, MAX_SCORE), (TA_SCORE, CELL_MAX)} <= fractions(text)
    assert TA_COMMENT in text


def test_autograder_export_has_the_ta_score(flow: Flow) -> None:
    rows = [r for r in csv.DictReader(io.StringIO(run(flow, ["autograder", "export", ASSIGNMENT, "--format", "csv"])))
            if r["student"] == STUDENT]
    assert [float(r["score"]) for r in rows] == [TOTAL]


def test_the_feedback_shows_no_hidden_test(flow: Flow) -> None:
    assert flow.feedback is not None
    text = page_text(flow.feedback)
    source = nbformat.read(COURSE.assignment(ASSIGNMENT).source_dir / f"{ASSIGNMENT}.ipynb", as_version=4)
    hidden = {line.strip() for cell in source.cells for block in HIDDEN.findall(cell.source)
              for line in block.splitlines() if line.strip()}
    assert "BEGIN HIDDEN TESTS" not in text
    assert not [line for line in sorted(hidden) if line in text]
