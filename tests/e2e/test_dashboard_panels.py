"""The audit ("Is this game fair?") and the strategy lab panels: words by code, charts, errors."""

from __future__ import annotations

import json

import httpx
from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import ConsoleLog, Server, wait_js


def test_the_audit_panel_says_its_verdict_in_words_with_its_charts(page: Page, server: Server) -> None:
    page.locator("#audit-card").scroll_into_view_if_needed()
    verdict = page.locator("#audit-verdict")
    expect(verdict).not_to_have_attribute("data-verdict", "none")
    report = httpx.get(f"{server.url}/api/audit", params={"stream": "simulator"}, timeout=30).json()
    # The words follow the verdict's code, never the server's sentence.
    code = verdict.get_attribute("data-verdict")
    assert code in {"consistent", "inconsistent", "too_few"}
    words = {
        "consistent": "Consistent with the published odds",
        "inconsistent": "Out of line",
        "too_few": "Too few",
    }
    expect(verdict).to_contain_text(words[str(code)])
    expect(page.locator("#audit-figures")).to_contain_text("Return the rounds show")
    expect(page.locator("#audit-figures")).to_contain_text(f"published {report['rtp']['claimed']}")
    # The three charts: the return against the flat published line, survival on log-log, the PIT bars.
    wait_js(page, "document.getElementById('audit-pit').data?.length >= 1")
    ret = page.evaluate("document.getElementById('audit-return').data.map(t => t.name)")
    assert any(str(name).startswith("published") for name in ret) and "paid back" in ret
    axes = page.evaluate(
        "['xaxis', 'yaxis'].map(a => document.getElementById('audit-survival').layout[a].type)"
    )
    assert axes == ["log", "log"]
    assert page.evaluate("document.getElementById('audit-pit').data[0].type") == "bar"
    expect(page.locator("#audit-return-help")).to_have_text(report["help"]["return_curve"])
    # Each test, with its plain help, once there are enough rounds for tests.
    page.locator("#audit-card summary", has_text="The tests, one by one").click()
    if report["tests"]:
        expect(page.locator("#audit-tests li")).to_have_count(len(report["tests"]))
        expect(page.locator("#audit-tests li").first).to_contain_text(report["tests"][0]["help"][:40])
    page.click("#audit-refresh")
    expect(page.locator("#audit-message")).to_contain_text("Checked at")


def test_a_strategy_run_shows_its_cost_fan_and_wald_line(page: Page) -> None:
    page.select_option("#strat-rule", "martingale")
    expect(page.locator("#strat-rule-help")).to_contain_text("Double the stake")
    page.fill("#strat-rounds", "150")
    page.click("#strat-run")
    words = page.locator("#strat-words")
    expect(words).to_contain_text("On average you lose 3 cents of every dollar you stake")
    figures = page.locator("#strat-figures")
    expect(figures).to_contain_text("Sessions ruined")
    expect(figures).to_contain_text("exact")  # martingale has exact figures
    expect(page.locator("#strat-wald")).to_contain_text("every dollar staked returns 0.97 on average")
    wait_js(page, "document.getElementById('strat-fan').data?.length >= 5")
    names = page.evaluate("document.getElementById('strat-fan').data.map(t => t.name)")
    assert "middle session" in names and "middle 90% of sessions" in names
    x = page.evaluate("document.getElementById('strat-fan').data.at(-2).x")
    assert x[0] == 0 and x[-1] == 150


def test_a_bad_value_is_named_and_a_busy_lab_says_try_again(page: Page, console: ConsoleLog) -> None:
    console.allow(r"status of 429")  # the busy answer, logged by Chromium itself
    console.allow(r"status of 422")
    page.fill("#strat-cashout", "1.005")
    page.click("#strat-run")
    expect(page.locator("#strat-message")).to_contain_text("steps of 0.01")
    expect(page.locator("#strat-cashout")).to_be_focused()
    page.fill("#strat-cashout", "2")

    def busy(route: Route) -> None:
        body = json.dumps({"detail": "the strategy lab is busy", "code": "busy"})
        route.fulfill(status=429, body=body, headers={"Retry-After": "7", "Content-Type": "application/json"})

    page.route("**/api/strategy", busy)
    try:
        page.click("#strat-run")
        expect(page.locator("#strat-message")).to_have_text(
            "The lab is busy with other runs: try again in 7 s."
        )
        expect(page.locator("#strat-run")).to_be_enabled()
    finally:
        page.unroute("**/api/strategy")
    # The server's own refusal is listed as it says it, naming the value.
    page.fill("#strat-cashout", "20000")
    page.click("#strat-run")
    expect(page.locator("#strat-message")).to_have_text("The run was refused:")
    expect(page.locator("#strat-errors li").first).to_contain_text("cashout=20000")
