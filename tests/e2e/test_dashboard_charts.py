"""Charts that read right: rounds dropped on the way are fetched (no gap), whole round numbers on the
x axis, and a log y axis whose labels stay apart with a 1,000,000x round among 2x ones."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import httpx
from playwright.sync_api import Page, WebSocketRoute, expect

from tests.e2e.conftest import wait_js

if TYPE_CHECKING:
    from tests.e2e.conftest import OpenDashboard, Server

# The rows of the recent-rounds table below the newest `skip` are numbered without a gap.
CONSECUTIVE = """skip => {
    const rows = [...document.querySelectorAll('#rounds-table tbody tr')];
    const seqs = rows.map(r => Number(r.dataset.row)).slice(skip);
    return seqs.length >= 20 && seqs.every((s, i) => i === 0 || seqs[i - 1] - s === 1);
}"""


def test_rounds_dropped_on_the_way_are_filled_in(open_dashboard: OpenDashboard, server: Server) -> None:
    dropping = {"on": True, "dropped": 0}

    def lossy(ws: WebSocketRoute) -> None:
        upstream = ws.connect_to_server()

        def down(message: str | bytes) -> None:
            if dropping["on"] and isinstance(message, str) and message.startswith('{"type": "round"'):
                if json.loads(message)["data"]["stream_seq"] % 3 == 0:
                    dropping["dropped"] += 1
                    return
            ws.send(message)

        upstream.on_message(down)
        ws.on_message(lambda message: upstream.send(message))

    page = open_dashboard(server, before=lambda tab: tab.route_web_socket("**/ws", lossy))
    page.wait_for_timeout(4000)
    assert dropping["dropped"] >= 3
    # While one round in three is lost on the way, the page fills the gaps from the store within a
    # second or two (the newest rows may still wait for their fill), and every gap once the loss stops.
    wait_js(page, CONSECUTIVE, 8, timeout=15_000)
    dropping["on"] = False
    wait_js(page, CONSECUTIVE, 0)


def test_few_rounds_and_a_huge_one_still_give_readable_axes(page: Page, server: Server) -> None:
    rounds = [{"multiplier": m, "source": "outlier-test"} for m in (1.5, 2.0, 1_000_000.0, 3.2)]
    response = httpx.post(f"{server.url}/api/rounds", json=rounds, timeout=10)
    assert response.status_code == 200, response.text
    wait_js(
        page, "[...document.querySelectorAll('#stream-select option')].some(o => o.value === 'outlier-test')"
    )
    page.select_option("#stream-select", "outlier-test")
    wait_js(page, "document.getElementById('history-chart').data[0].x.length === 4")
    xs = page.evaluate("[...document.querySelectorAll('#history-chart .xtick text')].map(t => t.textContent)")
    assert xs == ["1", "2", "3", "4"], xs  # not 1, 1.5, 2, 2.5 or 1, 2, 2, 3
    ys = page.evaluate("[...document.querySelectorAll('#history-chart .ytick text')].map(t => t.textContent)")
    assert 3 <= len(ys) <= 8 and len(set(ys)) == len(ys), ys
    assert "1M×" in ys
    layout = page.evaluate("document.getElementById('history-chart').layout.yaxis")
    assert layout["type"] == "log"
    # The multiplier's label positions never collide: at least 12 px apart on screen.
    positions = page.evaluate(
        "[...document.querySelectorAll('#history-chart .ytick text')].map(t => t.getBoundingClientRect().top)"
    )
    gaps = [abs(a - b) for a, b in zip(positions, positions[1:], strict=False)]
    assert min(gaps) >= 12, positions
    expect(page.locator("#hist-meta")).to_contain_text("last 4 of up to 500 rounds")
