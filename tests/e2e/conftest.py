"""Browser tests: the real server in a subprocess, driven by Debian's Chromium through playwright.

Every test here is marked ``browser``. Without Chromium the tests are skipped with a message, except in
CI (``CI`` set), where they fail. Playwright's own browser downloads are never used.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)

from aviator.sources.browser import LAUNCH_ARGS

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CHROMIUM = Path(os.environ.get("AVIATOR_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = list(LAUNCH_ARGS)
SCREENSHOTS = REPO / "artifacts" / "screenshots"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """``aviator run --fast`` on a fixed free port and its own SQLite file; can stop and start again."""

    def __init__(self, database: Path, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database = database
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90.0) -> None:
        # `python -m aviator` with this checkout's src first on the path: the server under test is the
        # tree under test, not whatever an installed `aviator` script would import.
        path = os.pathsep.join(p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH", "")) if p)
        env = {**os.environ, "AVIATOR_DATABASE_URL": f"sqlite:///{self.database}", "PYTHONPATH": path}
        env.pop("AVIATOR_API_TOKEN", None)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "aviator", "run", "--fast", "--port", str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.database.parent,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}: see {self.log}")
            try:
                if httpx.get(f"{self.url}/api/health", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer /api/health within {timeout}s: see {self.log}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


def _serve(directory: Path) -> Iterator[Server]:
    srv = Server(directory / "e2e.db", directory / "server.log")
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server shared by the tests that only need a live game (starting one takes seconds)."""
    yield from _serve(tmp_path_factory.mktemp("shared_server"))


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[Server]:
    """A server of its own (new database) that the test may stop and restart on the same port."""
    yield from _serve(tmp_path)


# Module scope, not session: playwright's sync API keeps its event loop marked as running in this
# thread while it is open, and the tests after the browser tests call asyncio.run().
@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[Playwright]:
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        message = f"Chromium is not installed at {CHROMIUM}: install Debian's 'chromium' to run browser tests"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="module")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    executable = CHROMIUM if CHROMIUM.exists() else Path(str(shutil.which("chromium")))
    launched = playwright_instance.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
    try:
        yield launched
    finally:
        launched.close()


class ConsoleLog:
    """Console errors and uncaught page errors of one test; a test may expect some (by pattern)."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.allowed: list[re.Pattern[str]] = []

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]


class _ConsoleRouter:
    """Tabs may outlive a test (one tab per module): their messages go to the running test's log."""

    def __init__(self) -> None:
        self.current = ConsoleLog()

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.current.errors.append(message.text)

    def on_page_error(self, error: Error) -> None:
        self.current.errors.append(f"uncaught: {error.message}")

    def watch(self, tab: Page) -> None:
        tab.on("console", self.on_console)
        tab.on("pageerror", self.on_page_error)


_ROUTER = _ConsoleRouter()


@pytest.fixture(autouse=True)
def console() -> Iterator[ConsoleLog]:
    """Every test fails on a console error or an uncaught error of its tabs, unless it allowed it."""
    log = _ROUTER.current = ConsoleLog()
    yield log
    assert log.unexpected() == [], f"console errors: {log.unexpected()}"


def _open_tab(context: BrowserContext, srv: Server, before: Callable[[Page], None] | None = None) -> Page:
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    _ROUTER.watch(tab)
    if before is not None:
        before(tab)  # e.g. install a fake clock before the page's scripts run
    tab.goto(srv.url + "/")
    tab.wait_for_selector('#conn[data-state="open"]')
    return tab


OpenDashboard = Callable[..., Page]


@pytest.fixture
def open_dashboard(browser: Browser, console: ConsoleLog) -> Iterator[OpenDashboard]:
    """``open_dashboard(server, viewport=...)``: a connected dashboard tab in a context of its own."""
    contexts: list[BrowserContext] = []

    def open_tab(
        srv: Server,
        viewport: ViewportSize | None = None,
        color_scheme: Literal["light", "dark"] = "dark",
        before: Callable[[Page], None] | None = None,
    ) -> Page:
        context = browser.new_context(
            viewport=viewport or DESKTOP, accept_downloads=True, color_scheme=color_scheme
        )
        contexts.append(context)
        return _open_tab(context, srv, before)

    yield open_tab
    for context in contexts:
        context.close()


DEFAULT_SETTINGS = {"target": 2.0, "rtp": 0.97, "window": 20, "model": "house", "auto_train": True}


@pytest.fixture(scope="module")
def module_tab(browser: Browser, server: Server) -> Iterator[Page]:
    """One dashboard tab per test module (loading plotly takes a while): on the shared server."""
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    try:
        yield _open_tab(context, server)
    finally:
        context.close()


@pytest.fixture
def page(module_tab: Page, server: Server, console: ConsoleLog) -> Page:
    """The module's dashboard tab at 1280x800, connected, with the default settings and this viewer's
    own choices (stream, model, target) forgotten."""
    current = httpx.get(f"{server.url}/api/settings", timeout=10).json()
    if current != DEFAULT_SETTINGS:
        response = httpx.put(f"{server.url}/api/settings", json=DEFAULT_SETTINGS, timeout=10)
        assert response.status_code == 200, response.text
    if module_tab.evaluate("localStorage.getItem('aviator.viewer')") not in (None, "{}"):
        module_tab.evaluate("localStorage.removeItem('aviator.viewer')")
        module_tab.reload()
        module_tab.wait_for_selector('#conn[data-state="open"]')
    expect(module_tab.locator("#pred-model")).to_have_text("house")
    expect(module_tab.locator("#set-target")).to_have_value("2")
    module_tab.evaluate("window.scrollTo(0, 0)")
    expect(module_tab.locator("#conn")).to_have_attribute("data-state", "open")
    return module_tab


def _screenshot(tab: Page, name: str) -> Path:
    """The viewport as a user sees it, and the whole page (taller viewport: the sticky note at the end)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.evaluate("window.scrollTo(0, 0)")
    tab.screenshot(path=str(path))
    size = tab.viewport_size
    assert size is not None
    height = int(tab.evaluate("document.scrollingElement.scrollHeight"))
    tab.set_viewport_size({"width": size["width"], "height": height})
    tab.wait_for_timeout(300)  # plotly follows the resize
    tab.screenshot(path=str(SCREENSHOTS / f"{name}_full.png"))
    tab.set_viewport_size(size)
    return path


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """``screenshot(page, name)``: name.png (viewport) and name_full.png under artifacts/screenshots/."""
    return _screenshot


AXE = REPO / "vendor" / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(tab: Page) -> list[str]:
    """axe-core over the whole page: every serious or critical violation, as "rule: target" lines.

    axe comes from the npm registry into the git-ignored vendor/ folder (``make vendor``); without it
    the test is skipped, except in CI, where it fails.
    """
    if not AXE.is_file():
        message = f"axe-core is not installed at {AXE.relative_to(REPO)}: run `make vendor`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Evaluated through the DevTools protocol: a script tag would be refused by the page's CSP.
    tab.evaluate(AXE.read_text(encoding="utf-8"))
    found: list[dict[str, object]] = tab.evaluate(
        """async () => {
            const result = await axe.run(document, { resultTypes: ["violations"] });
            return result.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => ({ id: v.id, targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")) }));
        }"""
    )
    return [f"{v['id']}: {v['targets']}" for v in found]


def wait_js(tab: Page, expression: str, arg: object = None, timeout: float = 15_000) -> None:
    """Wait until `expression` (a JavaScript expression or function of `arg`) is truthy in the page.

    Polled from here with ``evaluate`` (the DevTools protocol), not with ``wait_for_function``, whose
    in-page polling evaluates strings and so is refused by the page's Content Security Policy.
    """
    deadline = time.monotonic() + timeout / 1000
    while True:
        if tab.evaluate(expression, arg):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout / 1000:g} s: {expression[:200]}")
        tab.wait_for_timeout(100)


def open_every_fold(tab: Page) -> None:
    """Open every "how to read this" and "details" fold, so what they hold is checked too."""
    tab.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")


def wait_for_content(tab: Page) -> None:
    """Rounds, models and a forecast on the page, and the throttled panels drawn once more."""
    wait_js(tab, "document.querySelectorAll('#rounds-table tbody tr').length >= 5")
    wait_js(tab, "document.querySelectorAll('#models-table tbody tr').length >= 1")
    wait_js(tab, "document.getElementById('pred-p-target').textContent.includes('%')")
    tab.wait_for_timeout(600)
