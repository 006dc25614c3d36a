"""Controls: switch the model, change settings with client-side checks and the server's answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import wait_js

if TYPE_CHECKING:
    from tests.e2e.conftest import OpenDashboard, Server


def test_switching_the_model_shows_its_forecast_and_skill(page: Page, server: Server) -> None:
    names = [m["name"] for m in httpx.get(f"{server.url}/api/models").json()["models"]]
    other = next(name for name in names if name != "house")
    page.select_option("#model-select", other)
    expect(page.locator("#pred-model")).to_have_text(other)
    expect(page.locator("#models-table tbody tr.selected td").first).to_contain_text(other)
    expect(page.locator("#model-stats-label")).to_contain_text(other)
    # Skill is never shown without its verdict; "not enough rounds" until 30 are scored.
    expect(page.locator("#skill-verdict")).not_to_be_empty()
    # The model's chance stands beside the game's, labelled unless the model has shown skill.
    expect(page.locator("#pred-house-p")).to_have_text("48.5%")
    code = next(
        m["skill"]["code"]
        for m in httpx.get(f"{server.url}/api/models").json()["models"]
        if m["name"] == other
    )
    if code != "skill":
        expect(page.locator("#pred-claim")).to_contain_text("game's")
    # The curve chart draws this model against the game's odds.
    wait_js(page, "name => document.getElementById('curve-chart').data.some(t => t.name === name)", other)
    # The choice is this viewer's own: the server's default for everyone else stays.
    assert httpx.get(f"{server.url}/api/settings").json()["model"] == "house"
    expect(page.locator("#model-error")).to_be_empty()


def test_settings_are_checked_before_they_are_sent(page: Page, server: Server) -> None:
    page.fill("#set-target", "0.5")
    page.fill("#set-window", "7.5")
    page.click("#settings-apply")
    expect(page.locator("#err-target")).to_contain_text("between 1.01 and 1000")
    expect(page.locator("#err-window")).to_contain_text("whole number")
    expect(page.locator("#set-target")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#settings-message")).to_contain_text("Fix the highlighted values")
    assert httpx.get(f"{server.url}/api/settings").json()["target"] == 2.0

    page.fill("#set-target", "3")
    page.fill("#set-window", "30")
    page.click("#settings-apply")
    expect(page.locator("#settings-message")).to_have_text("Saved.")
    expect(page.locator("#err-target")).to_be_empty()
    expect(page.locator("#pred-target-label")).to_have_text("3.00×")
    saved = httpx.get(f"{server.url}/api/settings").json()
    # The window is server-wide; the target is this viewer's own (the server's default stays).
    assert (saved["target"], saved["window"]) == (2.0, 30)
    # The target line of the recent-multipliers chart moved with it.
    line = page.evaluate("document.getElementById('history-chart').layout.shapes[0].y0")
    assert line == 3.0


def test_a_setting_changed_elsewhere_reaches_the_form(page: Page, server: Server) -> None:
    response = httpx.put(f"{server.url}/api/settings", json={"rtp": 0.99, "auto_train": False})
    assert response.status_code == 200
    expect(page.locator("#set-rtp")).to_have_value("0.99")
    expect(page.locator("#set-auto-train")).not_to_be_checked()


def test_two_viewers_watch_different_models_at_once(open_dashboard: OpenDashboard, server: Server) -> None:
    first, second = open_dashboard(server), open_dashboard(server)
    first.select_option("#model-select", "empirical")
    second.select_option("#model-select", "online")
    expect(first.locator("#pred-model")).to_have_text("empirical")
    expect(second.locator("#pred-model")).to_have_text("online")
    # A new round reaches both: each keeps its own model's forecast for the next one.
    seen = "() => Number((document.getElementById('pred-meta').textContent.match(/#(\\d+)/) || [0, 0])[1])"
    before = max(int(tab.evaluate(seen)) for tab in (first, second))
    for tab in (first, second):
        wait_js(tab, f"before => ({seen})() > before", before)
    expect(first.locator("#pred-model")).to_have_text("empirical")
    expect(second.locator("#pred-model")).to_have_text("online")
    assert httpx.get(f"{server.url}/api/settings").json()["model"] == "house"
