"""Rounds read from a crash game's page in Chromium: ``aviator collect --source browser``.

A worker thread drives Chromium through playwright's sync API: it opens the page, finds the frame
holding the game (``frame``, a CSS selector for its ``<iframe>``, at any depth; empty for the page
itself) and reads the texts of the history items (``selector``) every ``poll_interval`` seconds. The
visible history is compared with the last one as a sequence (:mod:`aviator.sources.history_diff`);
each new value is handed to :meth:`BrowserFeed.next_round`, oldest first, stamped with the time the
collector saw it (UTC). The history visible at the start is the baseline and is not written.

Nothing here reads or stores credentials: to sign in, run once with ``headed`` and a ``profile``
directory and log in in the window; later runs reuse that profile headless.

Trouble (page not loading, frame gone, no items, text that is not a multiplier) is logged with what
was looked for and retried with backoff; after ``reload_after`` seconds of it the page is opened
again, and a browser that died is started again. A poll with any unreadable item is skipped whole.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aviator.core.extras import need
from aviator.core.multiplier import parse_multiplier
from aviator.core.rounds import Round, utcnow
from aviator.sources.history_diff import DEFAULT_MIN_OVERLAP, HistoryTracker

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Frame, Page, Playwright

    from aviator.sources.feeds import FeedOptions

logger = logging.getLogger(__name__)

SOURCE_NAME = "browser"
DEFAULT_EXECUTABLE = "/usr/bin/chromium"
#: Environment variable naming the browser executable (the ``--executable`` option wins).
EXECUTABLE_ENV = "AVIATOR_BROWSER_EXECUTABLE"
#: Defaults for Spribe's Aviator as casinos embed it; sites differ, so both may need adjusting.
DEFAULT_FRAME = 'iframe[src*="aviator"], iframe[src*="spribe"]'
DEFAULT_SELECTOR = ".payouts-block app-bubble-multiplier, .payouts-block .payout"
LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
)
DEFAULT_POLL_INTERVAL = 0.5
#: Consecutive failed browser starts before the feed gives up (the supervisor may restart it).
MAX_LAUNCH_FAILURES = 3
#: Seconds an unreadable item may last (a result being animated in) before it is a warning.
PARSE_GRACE = 5.0

# The texts of the outermost elements matching the selector, in page order.
_READ_ITEMS = """selector => {
  let found;
  try { found = Array.from(document.querySelectorAll(selector)); }
  catch (error) { return {error: String(error.message || error)}; }
  const outer = found.filter(el => !found.some(other => other !== el && other.contains(el)));
  return {items: outer.map(el => (el.innerText || el.textContent || ''))};
}"""
_MATCHES = """(element, css) => {
  try { return {ok: element.matches(css)}; }
  catch (error) { return {error: String(error.message || error)}; }
}"""


class BrowserFeedError(RuntimeError):
    """The feed cannot go on (no browser, bad selector, browser failing to start)."""


class _Trouble(Exception):
    """Something to retry: what went wrong and what was being looked for."""


@dataclass(frozen=True)
class BrowserConfig:
    """Where and how to read the history; times in seconds."""

    url: str
    selector: str = DEFAULT_SELECTOR
    frame: str = DEFAULT_FRAME
    profile: Path | None = None
    headed: bool = False
    executable: str | None = None
    poll_interval: float = DEFAULT_POLL_INTERVAL
    retry_start: float = 1.0
    retry_max: float = 30.0
    reload_after: float = 60.0
    navigation_timeout: float = 30.0
    min_overlap: int = DEFAULT_MIN_OVERLAP


def resolve_executable(option: str | None) -> str:
    """The browser to run: ``option``, else ``$AVIATOR_BROWSER_EXECUTABLE``, else Debian's Chromium."""
    name = option or os.environ.get(EXECUTABLE_ENV) or DEFAULT_EXECUTABLE
    found = shutil.which(name)
    if found is None:
        raise BrowserFeedError(
            f"no browser executable at {name!r}: install Chromium (apt-get install chromium) or give "
            f"its path with --executable or {EXECUTABLE_ENV}"
        )
    return found


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class BrowserFeed:
    """A :class:`aviator.sources.feeds.RoundFeed` reading a game page's history of results."""

    #: Writes the round id column, the only thing keeping two equal results seen in one look apart.
    with_fairness = True
    source = SOURCE_NAME

    def __init__(self, config: BrowserConfig) -> None:
        if not config.url:
            raise BrowserFeedError("the browser source needs --url, the page showing the game")
        if not config.selector.strip():
            raise BrowserFeedError("--selector must not be empty")
        if config.headed and sys.platform.startswith("linux"):
            if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
                raise BrowserFeedError("--headed needs a display (DISPLAY or WAYLAND_DISPLAY is unset)")
        self.config = config
        self.executable = resolve_executable(config.executable)
        self.tracker = HistoryTracker(config.min_overlap)
        #: Set once the history has been read for the first time (the baseline).
        self.ready = threading.Event()
        self.gaps = 0
        self.values_seen = 0
        self._queue: queue.Queue[tuple[float, datetime]] = queue.Queue()
        self._stop = threading.Event()
        self._error: str | None = None
        self._frame: Frame | None = None
        self._last_read = 0.0
        self._unreadable_since = 0.0
        self._unreadable_logged = 0.0
        self._thread = threading.Thread(target=self._run, name="browser-feed", daemon=True)
        self._thread.start()

    # -- the RoundFeed side (the caller's thread) ----------------------------------------------
    def next_round(self, round_id: str, stop: threading.Event) -> Round | None:
        while True:
            try:
                value, seen_at = self._queue.get(timeout=0.1)
            except queue.Empty:
                if stop.is_set():
                    return None
                if self._error is not None:
                    raise BrowserFeedError(self._error) from None
                continue
            return Round(
                stream=SOURCE_NAME, source=SOURCE_NAME, round_id=round_id, multiplier=value, timestamp=seen_at
            )

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    # -- the worker thread ---------------------------------------------------------------------
    def _wait(self, seconds: float, page: Page | None = None) -> bool:
        """Sleep unless stopped; True when the feed is stopping.

        With a page, the wait runs inside playwright so that its events (frames attached after a
        reload...) are taken in; its sync API only handles them during a call.
        """
        from playwright.sync_api import Error as PlaywrightError

        end = time.monotonic() + seconds
        while not self._stop.is_set():
            remaining = end - time.monotonic()
            if remaining <= 0:
                return False
            slice_ = min(remaining, 0.2)
            try:
                if page is None or page.is_closed():
                    raise PlaywrightError("no page")
                page.wait_for_timeout(slice_ * 1000)
            except PlaywrightError:
                self._stop.wait(slice_)
        return True

    def _run(self) -> None:
        try:
            self._drive()
        except BrowserFeedError as error:
            logger.error("browser collector stopped: %s", error)
            self._error = str(error)
        except Exception as error:
            logger.exception("browser collector stopped by an unexpected error")
            self._error = f"unexpected error: {_first_line(error)}"

    def _drive(self) -> None:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright

        failures, delay = 0, self.config.retry_start
        while not self._stop.is_set():
            started = False
            try:
                with sync_playwright() as playwright:
                    context = self._launch(playwright)
                    started, failures = True, 0
                    try:
                        self._session(context)
                    finally:
                        try:
                            context.close()
                        except PlaywrightError:
                            pass
            except PlaywrightError as error:
                if not started:
                    failures += 1
                    profile = self.config.profile
                    hint = f" (is another Chromium using {profile}?)" if profile else ""
                    message = f"cannot start {self.executable}{hint}: {_first_line(error)}"
                    if failures >= MAX_LAUNCH_FAILURES:
                        raise BrowserFeedError(message) from None
                else:
                    message = f"the browser failed: {_first_line(error)}"
                logger.warning("browser collector: %s; starting it again in %.1f s", message, delay)
                if self._wait(delay):
                    return
                delay = min(delay * 2, self.config.retry_max)

    def _launch(self, playwright: Playwright) -> BrowserContext:
        config = self.config
        options: dict[str, Any] = {
            "executable_path": self.executable,
            "headless": not config.headed,
            "args": list(LAUNCH_ARGS),
        }
        if config.profile is not None:
            config.profile.mkdir(parents=True, exist_ok=True)
            return playwright.chromium.launch_persistent_context(str(config.profile), **options)
        return playwright.chromium.launch(**options).new_context()

    def _session(self, context: BrowserContext) -> None:
        """Open the page and poll it until stopped; raises when the browser is gone."""
        from playwright.sync_api import Error as PlaywrightError

        closed, crashed = threading.Event(), threading.Event()
        context.on("close", lambda _: closed.set())
        page: Page | None = None
        delay, trouble_since, need_open = self.config.retry_start, 0.0, True
        while not self._stop.is_set():
            if closed.is_set():
                raise PlaywrightError("the browser closed")
            try:
                if page is not None and crashed.is_set():
                    crashed.clear()
                    logger.warning("browser collector: the page crashed; opening it again")
                    page.close()
                if page is None or page.is_closed():
                    page = context.pages[0] if context.pages else context.new_page()
                    page.on("crash", lambda _: crashed.set())
                    need_open = True
                elif trouble_since and time.monotonic() - trouble_since > self.config.reload_after:
                    logger.warning("browser collector: opening %s again", self.config.url)
                    trouble_since, need_open = time.monotonic(), True
                if need_open:
                    self._open(page)
                    need_open = False
                self._poll(page)
            except (_Trouble, PlaywrightError) as trouble:
                if closed.is_set():
                    raise PlaywrightError("the browser closed") from None
                if not isinstance(trouble, _Trouble):
                    trouble = _Trouble(f"reading the page failed ({_first_line(trouble)})")
                trouble_since = trouble_since or time.monotonic()
                self._frame = None
                logger.warning("browser collector: %s; retrying in %.1f s", trouble, delay)
                if self._wait(delay, page):
                    return
                delay = min(delay * 2, self.config.retry_max)
                continue
            if trouble_since:
                logger.info("browser collector: the history is readable again")
            delay, trouble_since = self.config.retry_start, 0.0
            if self._wait(self.config.poll_interval, page):
                return

    def _open(self, page: Page) -> None:
        from playwright.sync_api import Error as PlaywrightError

        self._frame = None
        timeout = self.config.navigation_timeout * 1000
        try:
            page.goto(self.config.url, wait_until="domcontentloaded", timeout=timeout)
        except PlaywrightError as error:
            raise _Trouble(f"cannot open {self.config.url} ({_first_line(error)})") from None
        logger.info("browser collector: opened %s", self.config.url)

    def _frames(self, page: Page) -> list[Frame]:
        """The frames whose element matches ``frame`` (the page itself when ``frame`` is empty)."""
        from playwright.sync_api import Error as PlaywrightError

        css = self.config.frame.strip()
        if not css:
            return [page.main_frame]
        matching: list[Frame] = []
        for frame in page.frames:
            if frame.parent_frame is None or frame.is_detached():
                continue
            try:
                element = frame.frame_element()
                result = element.evaluate(_MATCHES, css)
                element.dispose()
            except PlaywrightError:
                continue  # detached while looking
            if "error" in result:
                raise BrowserFeedError(f"--frame {css!r} is not a valid CSS selector: {result['error']}")
            if result["ok"]:
                matching.append(frame)
        return matching

    def _texts(self, frame: Frame) -> list[str]:
        result = frame.evaluate(_READ_ITEMS, self.config.selector)
        if "error" in result:
            raise BrowserFeedError(
                f"--selector {self.config.selector!r} is not a valid CSS selector: {result['error']}"
            )
        return ["".join(str(text).split()) for text in result["items"]]

    def _read(self, page: Page) -> list[str]:
        """The texts of the history items, from the cached frame or the first frame that has some."""
        if self._frame is not None and not self._frame.is_detached():
            texts = self._texts(self._frame)
            if texts:
                return texts
        self._frame = None
        frames = self._frames(page)
        where = f"in frames matching {self.config.frame!r}" if self.config.frame.strip() else "on the page"
        if not frames:
            others = [frame.url[:80] for frame in page.frames[1:6]]
            raise _Trouble(
                f"no frame matching {self.config.frame!r} on {page.url} among its frames {others} "
                "(reloading, or the layout changed: set --frame, or --frame '' when the history is "
                "on the page itself)"
            )
        for frame in frames:
            texts = self._texts(frame)
            if texts:
                self._frame = frame
                return texts
        raise _Trouble(
            f"no element matching {self.config.selector!r} {where} (still loading, signed out, or the "
            "layout changed: set --selector)"
        )

    def _poll(self, page: Page) -> None:
        texts = self._read(page)
        seen_at, now = utcnow(), time.monotonic()
        values: list[float] = []
        for position, text in enumerate(texts, start=1):
            try:
                values.append(parse_multiplier(text))
            except ValueError as error:
                self._unreadable(position, len(texts), text, str(error), now)
                return
        self._unreadable_since = 0.0
        if not self.tracker.started:
            self.tracker.update(values)
            self._last_read = now
            self.ready.set()
            logger.info(
                "browser collector: watching %d visible results (those already there are not written)",
                len(values),
            )
            return
        diff = self.tracker.update(values)
        if diff.gap:
            self.gaps += 1
            logger.warning(
                "browser collector: possible gap: the history moved by more than the %d visible results "
                "in %.1f s; rounds before these may be missing (writing the %d visible ones)",
                len(values),
                now - self._last_read,
                len(values),
            )
        self._last_read = now
        for value in diff.new:
            self._queue.put((value, seen_at))
        self.values_seen += len(diff.new)

    def _unreadable(self, position: int, count: int, text: str, reason: str, now: float) -> None:
        """An item that is not a multiplier: the look is skipped; warned about once it lasts."""
        self._unreadable_since = self._unreadable_since or now
        message = (
            f"browser collector: item {position} of {count} matching {self.config.selector!r} "
            f"reads {text!r} ({reason}); skipping this look"
        )
        lasting = now - self._unreadable_since >= PARSE_GRACE
        if lasting and now - self._unreadable_logged >= self.config.retry_max:
            self._unreadable_logged = now
            logger.warning(message)
        else:
            logger.debug(message)


def from_feed_options(options: FeedOptions) -> BrowserFeed:
    """The feed ``aviator collect --source browser`` builds from its options."""
    need("playwright.sync_api", "browser", "the browser collector")
    return BrowserFeed(
        BrowserConfig(
            url=options.url or "",
            selector=options.selector or DEFAULT_SELECTOR,
            frame=DEFAULT_FRAME if options.frame is None else options.frame,
            profile=options.profile,
            headed=options.headed,
            executable=options.executable,
        )
    )
