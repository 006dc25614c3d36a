"""The dashboard connects, shows rounds as they arrive, and every forecast beside its measured skill."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.conftest import wait_js


def first_seq(page: Page) -> int:
    """The seq of the newest round in the recent-rounds table."""
    return int(page.locator("#rounds-table tbody tr td").first.inner_text())


def test_rounds_arrive_and_the_chart_streams(page: Page) -> None:
    expect(page.locator("#conn")).to_have_attribute("data-state", "open")
    expect(page.locator("#conn-text")).to_have_text("Live")
    rows = page.locator("#rounds-table tbody tr")
    expect(rows.first).to_be_visible()
    seen = first_seq(page)
    wait_js(
        page, "seq => Number(document.querySelector('#rounds-table tbody tr td').textContent) > seq", seen
    )
    points = page.evaluate("document.getElementById('history-chart').data[0].x.length")
    assert points > 0
    # The chart follows the table (it redraws within its share of the page's time: a few seconds).
    newest = first_seq(page)
    wait_js(
        page,
        "seq => document.getElementById('history-chart').data[0].x.at(-1) >= seq",
        newest,
        timeout=10_000,
    )
    # Whole round numbers on the x axis, each label once.
    labels = page.evaluate(
        "[...document.querySelectorAll('#history-chart .xtick text')].map(t => t.textContent)"
    )
    assert labels and len(set(labels)) == len(labels), labels
    assert all(label.replace(",", "").isdigit() for label in labels), labels


def test_prediction_is_shown_with_its_skill(page: Page, server: object) -> None:
    expect(page.locator("#pred-median")).to_have_text(re.compile(r"^\d+\.\d\d×$"))
    expect(page.locator("#pred-p-target")).to_have_text(re.compile(r"^\d+\.\d%$"))
    # The return shown is the game's own odds (RTP 0.97 at any target), in money words, never a
    # model's claim; the house's chance stands beside the model's.
    expect(page.locator("#pred-er")).to_have_text(
        "At 2.00× you get 97 cents of every dollar staked back, on average (the game's odds): "
        "a loss of 3 cents per dollar."
    )
    expect(page.locator("#pred-target-label")).to_have_text("2.00×")
    expect(page.locator("#pred-house-p")).to_have_text("48.5%")
    expect(page.locator("#skill-verdict")).to_contain_text("baseline")
    expect(page.locator("#skill-value")).to_have_text(
        re.compile(r"^(not measured yet|[+−]?\d+\.\d{4} per round)$")
    )
    # The forecast curve is drawn against the house curve on a log x axis, the target marked.
    traces = page.evaluate("document.getElementById('curve-chart').data.map(t => [t.name, t.x.length])")
    assert traces[0][0].startswith("game's odds") and traces[-1][0] == "your target"
    assert page.evaluate("document.getElementById('curve-chart').layout.xaxis.type") == "log"
    # The models table lists every registered model, each with a verdict.
    url = page.url.rstrip("/")
    names = [m["name"] for m in httpx.get(f"{url}/api/models").json()["models"]]
    expect(page.locator("#models-table tbody tr")).to_have_count(len(names))
    for name in names:
        expect(page.locator("#model-select option", has_text=name)).to_have_count(1)


def test_predict_now_fetches_a_forecast_and_says_it_changes_only_with_a_round(page: Page) -> None:
    page.click("#predict-now")
    note = page.locator("#predict-note")
    expect(note).to_contain_text("Forecast of house fetched at")
    expect(note).to_contain_text("changes only when the next round arrives")
    expect(page.locator("#predict-error")).to_be_empty()
    # The note is about that forecast: another model clears it.
    page.select_option("#model-select", "empirical")
    expect(note).to_be_empty()
