"""Session data: export downloads the session as JSON; reset asks first, then empties the page."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from playwright.sync_api import Dialog, Page, expect

from tests.e2e.conftest import wait_js

if TYPE_CHECKING:
    from tests.e2e.conftest import Server


def test_export_downloads_the_session(page: Page, tmp_path: Path) -> None:
    wait_js(page, "document.querySelectorAll('#rounds-table tbody tr').length > 0")
    with page.expect_download() as info:
        page.click("#export-link")
    download = info.value
    assert download.suggested_filename.startswith("aviator_simulator_")
    assert download.suggested_filename.endswith(".json")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    body = json.loads(target.read_text())
    assert {"header", "rounds", "predictions", "summary"} <= set(body)
    assert len(body["rounds"]) > 0 and body["header"]["counts"]["rounds"] == len(body["rounds"])
    assert body["header"]["stream"] == "simulator" and body["header"]["settings"]["model"] == "house"
    assert all(r["multiplier"] >= 1.0 and r["stream"] == "simulator" for r in body["rounds"])


def test_reset_asks_first_and_then_forgets_the_session(page: Page, server: Server) -> None:
    # At least 30 rounds held, so a chart that kept them would show it.
    wait_js(page, "document.getElementById('history-chart').data[0].x.length >= 30", timeout=30_000)
    asked: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("#reset-btn")
    page.wait_for_timeout(300)
    assert asked and "Reset the session?" in asked[0]
    before = httpx.get(f"{server.url}/api/health").json()["rounds"]
    assert before >= 5

    def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.click("#reset-btn")
    expect(page.locator("#data-message")).to_have_text("Session reset.")
    assert len(asked) == 2
    # The page dropped what it held: only rounds played since the reset remain (the chart redraws
    # when on screen).
    page.locator("#history-chart").scroll_into_view_if_needed()
    deadline = time.monotonic() + 4  # fewer than 30 rounds are played meanwhile
    while True:
        held = page.evaluate("document.getElementById('history-chart').data[0].x.length")
        after = httpx.get(f"{server.url}/api/health").json()["rounds"]
        if held <= after + 2 or time.monotonic() > deadline:
            break
        page.wait_for_timeout(200)
    assert after < before
    assert held <= after + 2
