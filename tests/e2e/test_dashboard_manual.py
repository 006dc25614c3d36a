"""Manual entry: good values are stored, bad ones are reported one by one and kept to fix."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from tests.e2e.conftest import ConsoleLog, Server


def manual_rounds(server: Server) -> list[float]:
    response = httpx.get(f"{server.url}/api/rounds", params={"limit": 1000, "stream": "manual"})
    if response.status_code == 404:  # no round entered by hand yet: the stream does not exist
        return []
    return sorted(r["multiplier"] for r in response.json()["rounds"] if r["source"] == "manual")


def test_good_values_are_stored_and_bad_ones_reported(
    page: Page, server: Server, console: ConsoleLog
) -> None:
    # The 422 answer (some values refused) is logged by Chromium itself as a failed resource.
    console.allow(r"status of 422")
    before = manual_rounds(server)
    page.fill("#manual-values", "1.50, 2.5 abc\n0.5; 3")
    page.click("#manual-submit")
    expect(page.locator("#manual-summary")).to_contain_text("Stored 3 of 5")
    errors = page.locator("#manual-errors li")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("#3 abc")
    expect(errors.nth(1)).to_contain_text("#4 0.5")
    expect(errors.nth(1)).to_contain_text("below 1.00")
    expect(page.locator("#manual-values")).to_have_value("abc, 0.5")
    assert manual_rounds(server) == sorted([*before, 1.5, 2.5, 3.0])

    page.fill("#manual-values", "4.2")
    page.click("#manual-submit")
    expect(page.locator("#manual-summary")).to_have_text("Stored 1 of 1.")
    expect(page.locator("#manual-errors li")).to_have_count(0)
    expect(page.locator("#manual-values")).to_have_value("")
    # Rounds entered by hand are a stream of their own: never mixed into the simulator's.
    expect(page.locator("#rounds-table tbody tr", has_text="manual")).to_have_count(0)
    page.select_option("#stream-select", "manual")
    expect(page.locator("#rounds-table tbody tr", has_text="manual").first).to_be_visible()
    expect(page.locator("#rounds-table tbody tr", has_text="simulator")).to_have_count(0)


def test_an_empty_entry_is_refused_in_the_page(page: Page) -> None:
    page.fill("#manual-values", "  ,  ")
    page.click("#manual-submit")
    expect(page.locator("#manual-summary")).to_contain_text("Enter at least one multiplier")
    expect(page.locator("#manual-values")).to_have_attribute("aria-invalid", "true")
