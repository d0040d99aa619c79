"""Plumbing for the browser tier: isolated Jupyter servers, headless Chromium, waits, screenshots.

Everything runs from this machine's own files: Debian's chromium and chromedriver (Selenium
Manager never runs, so nothing is downloaded) and the venv's JupyterLab with the nbgrader
extensions. Each server gets its own Jupyter config, data and runtime folders, so the tests
never read the machine's settings and a fresh workspace opens every time.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

BIN = Path(sys.executable).parent
CHROMIUM = ("/usr/bin/chromium", "chromium", "chromium-browser")
CHROMEDRIVER = ("/usr/bin/chromedriver", "chromedriver")
# Generous: two slow cores, and JupyterLab's first load alone can take 20 s or more.
WAIT = 120.0


def _which(candidates: tuple[str, ...]) -> str | None:
    return next((found for name in candidates if (found := shutil.which(name))), None)


def browser_paths() -> tuple[str, str] | None:
    """The chromium binary and its chromedriver, or None when either is missing."""
    chromium, driver = _which(CHROMIUM), _which(CHROMEDRIVER)
    return (chromium, driver) if chromium and driver else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jupyter_env(base: Path, **extra: str) -> dict[str, str]:
    """This process's environment with Jupyter's and IPython's folders under ``base``."""
    folders = {"JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data",
               "JUPYTER_RUNTIME_DIR": "runtime", "IPYTHONDIR": "ipython"}
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **extra}
    for variable, name in folders.items():
        (base / name).mkdir(parents=True, exist_ok=True)
        env[variable] = str(base / name)
    env.pop("JUPYTER_PATH", None)
    env.pop("JUPYTER_CONFIG_PATH", None)
    return env


@dataclass
class JupyterServer:
    """A ``jupyter lab`` process in a session of its own; :meth:`stop` ends it and all it started."""

    process: subprocess.Popen[bytes]
    port: int
    token: str
    log: Path

    def url(self, path: str, login: bool = False) -> str:
        return f"http://127.0.0.1:{self.port}{path}" + (f"?token={self.token}" if login else "")

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the server and whatever it started (kernels run in sessions of their own)."""
        try:
            started = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.Error:
            started = []
        for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            if self.process.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=grace)
        for child in started:
            with contextlib.suppress(psutil.Error):
                child.kill()


def start_lab(cwd: Path, env: dict[str, str], log: Path) -> JupyterServer:
    """Start JupyterLab serving ``cwd`` (where it also reads nbgrader_config.py) and wait
    until it answers."""
    port, token = free_port(), secrets.token_hex(16)
    # Answer JupyterLab's "get notified about news?" toast ahead: no pop-up covers the page.
    settings = Path(env["JUPYTER_CONFIG_DIR"]) / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
    command = [str(BIN / "jupyter-lab"), "--no-browser", "--allow-root", f"--port={port}",
               "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={cwd}",
               # window.jupyterapp lets the test read JupyterLab's state; nothing reaches the
               # network for news or updates.
               "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    server = JupyterServer(process, port, token, log)
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {process.returncode}:\n{server.log_tail()}")
        request = urllib.request.Request(server.url("/api/status"), headers={"Authorization": f"token {token}"})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    server.stop()
    raise RuntimeError(f"jupyter lab did not answer within {WAIT:.0f} s:\n{server.log_tail()}")


class Browser:
    """Headless Chromium with explicit waits and numbered screenshots (``NN-label.png``)."""

    def __init__(self, chromium: str, chromedriver: str, shots: Path) -> None:
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--window-size=1400,1000"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        # A given driver path means Selenium Manager is never asked for one.
        self.driver: WebDriver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
        self.shots = shots
        self._count = 0
        self._tabs: dict[str, str] = {}

    def tab(self, name: str, url: str = "") -> None:
        """Switch to the tab called ``name``, opening it at ``url`` the first time."""
        if name in self._tabs:
            self.driver.switch_to.window(self._tabs[name])
            return
        if self._tabs:
            self.driver.switch_to.new_window("tab")
        self._tabs[name] = self.driver.current_window_handle
        self.driver.get(url)

    def shot(self, label: str) -> Path:
        self._count += 1
        path = self.shots / f"{self._count:02d}-{label}.png"
        self.driver.save_screenshot(str(path))
        return path

    def until(self, condition: Callable[[WebDriver], Any], what: str, timeout: float = WAIT) -> Any:
        return WebDriverWait(self.driver, timeout).until(condition, f"waited {timeout:.0f} s for {what}")

    def js_until(self, script: str, what: str, timeout: float = WAIT) -> Any:
        """Wait until ``script`` (a JavaScript expression) is truthy; its value."""
        return self.until(lambda d: d.execute_script(f"try {{ return {script}; }} catch (e) {{ return null; }}"),
                          what, timeout)

    def clickable(self, css: str, what: str, timeout: float = WAIT) -> WebElement:
        return self.until(EC.element_to_be_clickable(("css selector", css)), what, timeout)

    def clickable_xpath(self, xpath: str, what: str, timeout: float = WAIT) -> WebElement:
        return self.until(EC.element_to_be_clickable(("xpath", xpath)), what, timeout)

    def visible(self, css: str, what: str, timeout: float = WAIT) -> WebElement:
        return self.until(EC.visibility_of_element_located(("css selector", css)), what, timeout)

    def center(self, element: WebElement) -> None:
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)

    def console_errors(self) -> list[str]:
        """JavaScript errors (and failed loads) the page reported since the last call."""
        return [entry["message"] for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]

    def quit(self) -> None:
        self.driver.quit()


# JupyterLab, through window.jupyterapp (exposed by start_lab) and the nbgrader extension's DOM.
PANEL = "window.jupyterapp.shell.currentWidget"
_FILL = f"""const panel = {PANEL}, code = arguments[0], filled = [];
for (const cell of panel.content.widgets) {{
  const meta = cell.model.getMetadata('nbgrader') || {{}};
  if (meta.solution && meta.grade_id in code) {{ cell.model.sharedModel.setSource(code[meta.grade_id]); filled.push(meta.grade_id); }}
}}
return filled;"""
_SHOW = f"""const panel = {PANEL};
const index = panel.content.widgets.findIndex(c => (c.model.getMetadata('nbgrader') || {{}}).grade_id === arguments[0]);
panel.content.activeCellIndex = index;
return panel.content.scrollToItem(index, 'center').then(() => index);"""


def open_assignment_list(browser: Browser) -> None:
    """Nbgrader > Assignment List, from the menu bar (it also brings an open list to the front)."""
    browser.clickable_xpath("//div[contains(@class,'lm-MenuBar-itemLabel')][text()='Nbgrader']", "the Nbgrader menu").click()
    browser.clickable("li.lm-Menu-item[data-command='nbgrader:open-assignment-list']", "Nbgrader > Assignment List").click()
    browser.visible("#released_assignments_list", "the Assignments tab")


def write_solution_cells(browser: Browser, code: dict[str, str]) -> list[str]:
    """Put ``code`` (by grade id) into the open notebook's solution cells; the grade ids written.
    CodeMirror re-indents typed lines, so the text goes through the cells' shared model, the
    document the editor shows and saves."""
    return browser.driver.execute_script(_FILL, code)


def show_cell(browser: Browser, grade_id: str, text: str) -> None:
    """Scroll the open notebook to the cell ``grade_id`` and wait until its editor shows ``text``
    (the notebook renders only the cells in view)."""
    index = browser.driver.execute_script(_SHOW, grade_id)
    browser.js_until(f"{PANEL}.content.widgets[{index}].node.querySelector('.cm-content').textContent"
                     f".includes({text!r})", f"{text!r} in the editor of {grade_id}")
