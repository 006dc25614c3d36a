"""Thousands of rounds: the lists and the chart stay bounded and the page stays responsive."""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import wait_js

if TYPE_CHECKING:
    from tests.e2e.conftest import OpenDashboard, Server

ROUNDS = 5_000
BATCH = 1_000


def test_five_thousand_rounds_keep_the_page_bounded(
    fresh_server: Server, open_dashboard: OpenDashboard
) -> None:
    # (fixtures in this order: the tab closes before its server stops, so it logs no refused fetch)
    page = open_dashboard(fresh_server)
    rng = random.Random(7)
    with httpx.Client(base_url=fresh_server.url, timeout=60) as client:
        for b in range(ROUNDS // BATCH):
            if b == 1:  # the stream exists now: watch it while the rest arrives
                wait_js(
                    page,
                    "[...document.querySelectorAll('#stream-select option')].some(o => o.value === 'bulk')",
                )
                page.select_option("#stream-select", "bulk")
                wait_js(page, "document.querySelector('#stream-select').value === 'bulk'")
            items = [
                {
                    "multiplier": round(max(1.0, 0.97 / (1.0 - rng.random())), 2),
                    "source": "bulk",
                    "round_id": f"load-{b}-{i}",
                }
                for i in range(BATCH)
            ]
            response = client.post("/api/rounds", json=items)
            assert response.status_code == 200 and response.json()["stored"] == BATCH
        newest = client.get("/api/rounds", params={"limit": 1, "stream": "bulk"}).json()["rounds"][0][
            "stream_seq"
        ]

    # The page follows the feed to the last round (catching up by REST if events were dropped).
    wait_js(
        page,
        "seq => Math.max(...document.getElementById('history-chart').data[0].x) >= seq",
        arg=newest,
        timeout=60_000,
    )
    expect(page.locator("#conn")).to_have_attribute("data-state", "open")
    counts = page.evaluate(
        """() => ({
            chart: document.getElementById('history-chart').data[0].x.length,
            rows: document.querySelectorAll('#rounds-table tbody tr').length,
            log: document.querySelectorAll('#log li').length,
            nodes: document.getElementsByTagName('*').length,
        })"""
    )
    assert counts["chart"] == 500
    assert counts["rows"] == 50
    assert counts["log"] <= 200
    assert counts["nodes"] < 5_000
    # Still responsive: a round trip through the page's event loop is quick.
    started = time.perf_counter()
    page.evaluate("() => new Promise(resolve => setTimeout(resolve, 0))")
    assert time.perf_counter() - started < 1.0
    expect(page.locator("#dist-label")).to_contain_text("last 500 rounds")
