"""Layout: 1280x800 and 390 px wide with no horizontal overflow, keyboard focus, the responsible note."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import wait_for_content

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tests.e2e.conftest import OpenDashboard, Server

RESPONSIBLE = "#main ~ .responsible"


def test_desktop_layout(page: Page, screenshot: Callable[[Page, str], Path]) -> None:
    wait_for_content(page)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 1280 + 1
    note = page.locator(".responsible")
    expect(note).to_be_in_viewport()
    expect(note).to_contain_text("random")
    expect(note).to_contain_text("nothing here promises winnings")
    screenshot(page, "dashboard_1280x800")
    page.mouse.wheel(0, 2000)
    expect(note).to_be_in_viewport()


def test_phone_layout_has_no_horizontal_overflow(
    open_dashboard: OpenDashboard, server: Server, screenshot: Callable[[Page, str], Path]
) -> None:
    httpx.put(f"{server.url}/api/settings", json={"model": "house", "target": 2.0}, timeout=10)
    page = open_dashboard(server, viewport={"width": 390, "height": 844})
    wait_for_content(page)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390 + 1, f"the page is {width}px wide at 390"
    expect(page.locator(".responsible")).to_be_in_viewport()
    screenshot(page, "dashboard_390")


def test_technical_figures_are_folded_and_the_log_reads_plainly(page: Page) -> None:
    wait_for_content(page)
    fold = page.locator("details.tech")
    expect(fold).not_to_have_attribute("open", "")
    expect(page.locator("#sys-metrics")).to_be_hidden()  # loop lag, bus and the like: one tap away
    fold.locator("summary").click()
    expect(page.locator("#sys-metrics")).to_contain_text("Message bus")
    lines = page.locator("#log li .msg").all_inner_texts()
    assert lines, "the log is empty"
    assert not any("{'" in line for line in lines), [line for line in lines if "{'" in line][:3]
    assert not any(re.search(r"\d\.\d{5,}", line) for line in lines)


def test_controls_are_reachable_by_keyboard(page: Page) -> None:
    page.focus(".skip-link")
    expect(page.locator(".skip-link")).to_be_focused()
    focused = []
    for _ in range(6):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id || document.activeElement.tagName"))
    assert "model-select" in focused and "predict-now" in focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
