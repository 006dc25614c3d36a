"""The browser collector against a local fake casino page: repeats, a reload, a lost iframe, a burst.

The page (tests/sources/fixtures) is served on 127.0.0.1; the test decides every result it shows and
when it reloads, so the rounds the collector must write are known exactly.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from aviator.core.streams import StreamKind
from aviator.files.parse import ParsedRow, RowError, read_file, to_round_row
from aviator.files.watcher import DEFAULT_PATTERN, FileWatcher
from aviator.files.writer import PayoutsCsvWriter, collect_rounds
from aviator.sources.browser import (
    DEFAULT_EXECUTABLE,
    EXECUTABLE_ENV,
    BrowserConfig,
    BrowserFeed,
    BrowserFeedError,
    resolve_executable,
)
from aviator.store.db import connect, migrate
from aviator.store.repository import Store
from tests.support import stream

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = {
    "/": "casino.html",
    "/game/aviator.html": "aviator.html",
    "/plain.html": "plain.html",
}
INITIAL = ["1.23x", "4.56x", "2.00x", "1.87x", "15.2x", "3.30x", "1.05x", "7.77x", "2.22x", "1.45x"]
VISIBLE = 8  # as aviator.html shows


class GamePage:
    """The state behind the fake casino: the results so far and the next command for the page."""

    def __init__(self, results: list[str]) -> None:
        self.results = list(results)
        self.commands: list[str] = []
        #: Seconds the next freshly loaded game waits for its history.
        self.slow_once = 0.0
        self.lock = threading.Lock()

    def push(self, *texts: str) -> None:
        with self.lock:
            self.results.extend(texts)

    def command(self, name: str) -> None:
        with self.lock:
            self.commands.append(name)


def _handler(game: GamePage) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path in PAGES:
                self._send("text/html", (FIXTURES / PAGES[url.path]).read_bytes())
            elif url.path == "/rounds":
                since = int(parse_qs(url.query).get("since", ["0"])[0])
                if since == 0 and game.slow_once:  # a freshly loaded game, its history still empty
                    delay, game.slow_once = game.slow_once, 0.0
                    time.sleep(delay)
                with game.lock:
                    reply = {"total": len(game.results), "texts": game.results[since:]}
                self._send("application/json", json.dumps(reply).encode())
            elif url.path == "/control":
                with game.lock:
                    command = game.commands.pop(0) if game.commands else None
                self._send("application/json", json.dumps({"command": command}).encode())
            else:
                self.send_error(404)

        def _send(self, kind: str, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return None

    return Handler


@pytest.fixture
def chromium() -> str:
    name = os.environ.get(EXECUTABLE_ENV) or DEFAULT_EXECUTABLE
    if shutil.which(name) is None:
        if os.environ.get("CI"):
            pytest.fail(f"no Chromium at {name}: CI must run the browser tests")
        pytest.skip(f"no Chromium at {name} (apt-get install chromium, or set {EXECUTABLE_ENV})")
    return name


class Server:
    """The fake casino on 127.0.0.1 (``port`` 0: any free port)."""

    def __init__(self, game: GamePage, port: int = 0) -> None:
        self.http = ThreadingHTTPServer(("127.0.0.1", port), _handler(game))
        self.http.daemon_threads = True
        self.port = self.http.server_address[1]
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.http.shutdown()
        self.http.server_close()
        self.thread.join()


@pytest.fixture
def game() -> Iterator[tuple[GamePage, str]]:
    page = GamePage(INITIAL)
    server = Server(page)
    try:
        yield page, f"http://127.0.0.1:{server.port}"
    finally:
        server.close()


def _config(url: str, **overrides: object) -> BrowserConfig:
    fast = {"poll_interval": 0.1, "retry_start": 0.1, "retry_max": 0.4, "reload_after": 5.0}
    return BrowserConfig(url=url, **{**fast, **overrides})  # type: ignore[arg-type]


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _values(path: Path) -> list[float]:
    result = read_file(path)
    assert not result.errors
    return [row.multiplier for row in result.rows]


class Collector:
    """``collect_rounds`` from a browser feed into a CSV file, in a thread, as the CLI runs it."""

    def __init__(self, feed: BrowserFeed, out: Path) -> None:
        self.feed = feed
        self.writer = PayoutsCsvWriter(out, feed.with_fairness)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=collect_rounds, args=(feed, self.writer, self.stop))
        self.thread.start()

    def rows(self) -> int:
        return self.writer.rows

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=10)
        self.feed.close()
        self.writer.close()


@pytest.mark.browser
def test_collector_writes_every_round_the_page_produced(
    chromium: str, game: tuple[GamePage, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="aviator.sources.browser")
    page, base = game
    out = tmp_path / "out"
    started = datetime.now(UTC)
    collector = Collector(BrowserFeed(_config(f"{base}/", executable=chromium)), out)
    expected: list[str] = []

    def step(texts: list[str], written: list[str], before: Callable[[], None] | None = None) -> None:
        if before is not None:
            before()
        page.push(*texts)
        expected.extend(written)
        _wait_for(lambda: collector.rows() >= len(expected), f"{len(expected)} rows")

    try:
        _wait_for(collector.feed.ready.is_set, "the first look at the history", timeout=20)
        step(["2.50x", "1.00x", "1.00x"], ["2.50x", "1.00x", "1.00x"])  # a repeat in one look
        step(["1.00x"], ["1.00x"])  # the third 1.00 in a row
        caplog.clear()

        def reload() -> None:
            page.slow_once = 0.6
            page.command("reload")
            _wait_for(lambda: "no element matching" in caplog.text, "the collector to miss the items")

        step(["12.5x", "1,234.00x"], ["12.5x", "1,234.00x"], before=reload)
        assert "'.payouts-block app-bubble-multiplier, .payouts-block .payout'" in caplog.text
        caplog.clear()

        def drop_frame() -> None:
            page.command("drop-frame")
            _wait_for(lambda: "no frame matching" in caplog.text, "the collector to miss the frame")
            assert """'iframe[src*="aviator"], iframe[src*="spribe"]'""" in caplog.text

        step(["3.00x"], ["3.00x"], before=drop_frame)
        burst = [f"{20 + n}.5x" for n in range(VISIBLE + 3)]
        step(burst, burst[-VISIBLE:])
        step(["1.00x", "1.00x"], ["1.00x", "1.00x"])
        time.sleep(0.5)  # nothing more may come
    finally:
        collector.close()
    finished = datetime.now(UTC)

    want = [float(text.rstrip("x").replace(",", "")) for text in expected]
    assert _values(collector.writer.path) == want
    assert collector.feed.gaps == 1
    assert "possible gap" in caplog.text
    rows = read_file(collector.writer.path).rows
    stamps = [row.timestamp for row in rows]
    assert stamps == sorted(stamps) and started <= stamps[0] and stamps[-1] <= finished
    assert len({row.round_id for row in rows}) == len(rows)  # repeats seen at once stay apart

    engine = connect(f"sqlite:///{tmp_path / 'store.db'}")
    try:
        migrate(engine)
        store = Store(engine)

        record = stream(store, "browser:local", StreamKind.BROWSER)

        async def deliver(path: Path, identity: str, parsed: list[ParsedRow], errors: list[RowError]) -> None:
            assert not errors
            store.add_rows(record, [to_round_row(row, source="csv", identity=identity) for row in parsed])

        watcher = FileWatcher(out, DEFAULT_PATTERN, store, deliver)
        assert asyncio.run(watcher.scan_once()) == len(want)
        assert store.count_rounds() == len(want)
        assert [float(v) for v in store.multipliers(record.id)] == want
    finally:
        engine.dispose()


@pytest.mark.browser
def test_a_network_outage_is_retried_and_unreadable_items_are_never_written(
    chromium: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="aviator.sources.browser")
    game = GamePage(INITIAL)
    server = Server(game)
    server.close()  # nothing listens on its port for now
    url = f"http://127.0.0.1:{server.port}/plain.html"
    feed = BrowserFeed(_config(url, frame="", selector="li.result", executable=chromium))
    try:
        _wait_for(lambda: f"cannot open {url}" in caplog.text, "the page to fail to open")
        server = Server(game, server.port)
        try:
            _wait_for(lambda: "reads 'n/a'" in caplog.text, "the unreadable item")
            assert not feed.ready.is_set() and feed.values_seen == 0
        finally:
            server.close()
    finally:
        feed.close()


def _collect_command(out: Path, url: str, *options: str) -> list[str]:
    # ``aviator collect`` without loading the rest of the CLI (the models take seconds to import).
    script = "import typer; from aviator.cli.collect import collect; typer.run(collect)"
    return [sys.executable, "-c", script, "--source", "browser", "--out", str(out), "--url", url, *options]


@pytest.mark.browser
def test_collect_command_writes_rounds_and_says_why_it_stops(
    chromium: str, game: tuple[GamePage, str], tmp_path: Path
) -> None:
    page, base = game
    env = {**os.environ, EXECUTABLE_ENV: chromium}
    profile = tmp_path / "profile"  # a persistent context, as after signing in with --headed
    command = _collect_command(tmp_path, f"{base}/", "--rounds", "2", "--profile", str(profile))
    with subprocess.Popen(command, env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as run:
        assert run.stderr is not None
        for line in run.stderr:
            if "watching 8 visible results" in line:
                break
        page.push("1.00x", "1.00x")
        stdout, _ = run.communicate(timeout=30)
    assert run.returncode == 0, stdout
    (written,) = tmp_path.glob("aviator_payouts_*.csv")
    assert _values(written) == [1.0, 1.0]
    assert f"2 round(s) written to {written}" in stdout
    assert (profile / "Default").is_dir()

    # What a supervisor shows of a collector that gave up: the last line of its stderr.
    bad = _collect_command(tmp_path / "bad", f"{base}/plain.html", "--frame", "", "--selector", "li[")
    failed = subprocess.run(bad, env=env, capture_output=True, text=True, timeout=60)
    assert failed.returncode == 1
    last = failed.stderr.strip().splitlines()[-1]
    assert last.startswith("error: --selector 'li[' is not a valid CSS selector")


def test_a_missing_browser_is_named_with_the_way_to_fix_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(EXECUTABLE_ENV, "/nonexistent/chromium")
    with pytest.raises(BrowserFeedError, match=f"/nonexistent/chromium.*{EXECUTABLE_ENV}"):
        resolve_executable(None)
    assert resolve_executable(shutil.which("sh")) == shutil.which("sh")


def test_a_feed_needs_a_url_and_a_selector() -> None:
    with pytest.raises(BrowserFeedError, match="--url"):
        BrowserFeed(BrowserConfig(url=""))
    with pytest.raises(BrowserFeedError, match="--selector"):
        BrowserFeed(BrowserConfig(url="http://127.0.0.1:9/", selector=" "))
