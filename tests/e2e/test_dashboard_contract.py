"""The page and the server keep one contract: every event the page receives during a live run is
valid against the published schemas, and the page reads no field those schemas lack (nor any field a
REST answer it reads lacks: the audit, the strategy lab, the models, the rounds, a file's ingest)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import httpx
from jsonschema import Draft202012Validator
from playwright.sync_api import Browser, FilePayload, WebSocket, expect

from tests.e2e.conftest import wait_js

if TYPE_CHECKING:
    from tests.e2e.conftest import ConsoleLog, Server


def test_every_event_matches_the_published_schema_and_the_page_reads_only_its_fields(
    browser: Browser, server: Server, console: ConsoleLog
) -> None:
    console.allow(r"status of 422")
    schemas = httpx.get(f"{server.url}/api/schema/events", timeout=10).json()
    envelope = Draft202012Validator(schemas["envelope"])
    payloads = {kind: Draft202012Validator(schema) for kind, schema in schemas["events"].items()}
    frames: list[str] = []

    def record(ws: WebSocket) -> None:
        ws.on("framereceived", lambda payload: frames.append(payload if isinstance(payload, str) else ""))

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.on("websocket", record)
        assert page.evaluate("1") == 1
        page.goto(f"{server.url}/?trace-reads=1")
        expect(page.locator("#conn")).to_have_attribute("data-state", "open")
        wait_js(page, "document.querySelectorAll('#rounds-table tbody tr').length >= 5")
        # Walk through what a viewer does: other model, predict, a setting, a new stream, back.
        page.select_option("#model-select", "empirical")
        page.click("#predict-now")
        expect(page.locator("#predict-note")).to_contain_text("Forecast of empirical")
        assert (
            httpx.put(f"{server.url}/api/settings", json={"auto_train": False}, timeout=10).status_code == 200
        )
        page.fill("#manual-values", "2.5 1.00 1.00 bad")
        page.click("#manual-submit")
        expect(page.locator("#manual-summary")).to_contain_text("Stored 3 of 4")
        page.select_option("#stream-select", "manual")
        expect(page.locator("#rounds-table tbody tr")).to_have_count(3)
        page.select_option("#stream-select", "simulator")
        wait_js(page, "document.querySelectorAll('#rounds-table tbody tr').length >= 5")
        # The panels that read REST answers: the audit, the strategy lab (exact figures too), a file.
        page.locator("#audit-card").scroll_into_view_if_needed()
        expect(page.locator("#audit-verdict")).not_to_have_attribute("data-verdict", "none")
        page.select_option("#strat-rule", "martingale")
        page.click("#strat-run")
        expect(page.locator("#strat-words")).to_contain_text("lose", timeout=30_000)
        page.set_input_files(
            "#file-input",
            files=FilePayload(name="r.csv", mimeType="text/csv", buffer=b"multiplier\n2.5\n1.2\n"),
        )
        expect(page.locator("#file-summary")).to_contain_text("Stored")
        page.wait_for_timeout(6000)  # a status sample (every 5 s) and more rounds
        missing = page.evaluate("window.__missingReads")
        httpx.put(f"{server.url}/api/settings", json={"auto_train": True}, timeout=10)
    finally:
        context.close()

    seen: dict[str, int] = {}
    for text in frames:
        event: dict[str, Any] = json.loads(text)
        errors = [e.message for e in envelope.iter_errors(event)]
        errors += [f"data: {e.message}" for e in payloads[event["type"]].iter_errors(event["data"])]
        assert not errors, f"{event['type']} event breaks its schema: {errors[:3]}"
        seen[event["type"]] = seen.get(event["type"], 0) + 1
    assert {"hello", "round", "prediction", "status", "settings", "streams"} <= set(seen), seen
    assert missing == [], f"the page read fields no schema has: {sorted(set(missing))[:20]}"
