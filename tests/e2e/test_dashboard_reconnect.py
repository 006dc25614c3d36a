"""The connection indicator: red and reconnecting while the server is down, green when it is back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

from tests.e2e.conftest import wait_js

if TYPE_CHECKING:
    from tests.e2e.conftest import ConsoleLog, OpenDashboard, Server

GREEN = "rgb(46, 204, 143)"
RED = "rgb(242, 84, 91)"


def dot_color(page: Page) -> str:
    color: str = page.evaluate("getComputedStyle(document.querySelector('.conn-dot')).backgroundColor")
    return color


def newest_seq(page: Page) -> int:
    seq: int = page.evaluate("Math.max(0, ...document.getElementById('history-chart').data[0].x)")
    return seq


def test_indicator_follows_the_server_and_catches_up(
    open_dashboard: OpenDashboard, fresh_server: Server, console: ConsoleLog
) -> None:
    # While the server is down the browser itself logs the refused connections.
    console.allow(r"WebSocket connection to .* failed")
    console.allow(r"ERR_CONNECTION_REFUSED")
    page = open_dashboard(fresh_server)
    conn = page.locator("#conn")
    expect(conn).to_have_attribute("data-state", "open")
    assert dot_color(page) == GREEN
    wait_js(page, "document.getElementById('history-chart').data[0].x.length > 2")

    fresh_server.stop()
    expect(conn).to_have_attribute("data-state", "closed", timeout=10_000)
    expect(page.locator("#conn-text")).to_contain_text("reconnecting")
    wait_js(page, f"getComputedStyle(document.querySelector('.conn-dot')).backgroundColor === '{RED}'")
    before = newest_seq(page)

    fresh_server.start()
    expect(conn).to_have_attribute("data-state", "open", timeout=30_000)
    expect(page.locator("#conn-text")).to_have_text("Live")
    assert dot_color(page) == GREEN
    # The simulator goes on from the stored rounds; the page catches up after the hello event.
    wait_js(
        page, "seq => Math.max(0, ...document.getElementById('history-chart').data[0].x) > seq", before + 2
    )
