"""CSV and JSON in from the page (choose or drop a file: progress, per-line errors, a feed of its own),
and the chosen feed out as CSV or JSON."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from playwright.sync_api import FilePayload, Page, expect

from tests.e2e.conftest import wait_js

if TYPE_CHECKING:
    from tests.e2e.conftest import ConsoleLog, Server

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "aviator_sample_2000.csv"


def stream_rounds(server: Server, stream: str) -> list[float]:
    """Every round of a stream, newest first (paged)."""
    found: list[float] = []
    before: int | None = None
    while True:
        params: dict[str, str | int] = {"limit": 1000, "stream": stream}
        if before is not None:
            params["before"] = before
        response = httpx.get(f"{server.url}/api/rounds", params=params, timeout=30)
        if response.status_code == 404:
            return found
        page = response.json()
        found += [r["multiplier"] for r in page["rounds"]]
        before = page["next_before"]
        if before is None:
            return found


def test_a_csv_file_loads_with_progress_and_its_bad_lines_listed(
    page: Page, server: Server, tmp_path: Path, console: ConsoleLog
) -> None:
    console.allow(r"status of 422")  # a batch with a refused round
    lines = SAMPLE.read_text().splitlines()[:1301]  # the header and 1,300 rounds: two batches
    lines.insert(5, "2024-01-01T00:00:00Z,abc")
    lines.insert(9, "2024-01-01T00:00:01Z,0.5")
    lines.append("2024-01-01T00:00:02Z,2000000")  # refused by the server: above its largest multiplier
    path = tmp_path / "my rounds.csv"
    path.write_text("\n".join(lines) + "\n")
    page.fill("#file-stream", "upload:test-csv")
    page.set_input_files("#file-input", str(path))
    summary = page.locator("#file-summary")
    expect(summary).to_contain_text("Stored 1,300 of 1,303 rows into feed upload:test-csv", timeout=30_000)
    assert page.evaluate("document.getElementById('file-progress').value") == 100
    errors = page.locator("#file-errors li")
    expect(errors).to_have_count(3)
    expect(errors.nth(0)).to_contain_text('line 6: "abc" is not a multiplier')
    expect(errors.nth(1)).to_contain_text("line 10: 0.5 is below 1.00")
    expect(errors.nth(2)).to_contain_text("line 1304")
    stored = stream_rounds(server, "upload:test-csv")
    assert len(stored) == 1300
    with SAMPLE.open() as sample:
        expected = [float(row["multiplier"]) for row in csv.DictReader(sample)][:1300]
    assert sorted(stored) == sorted(expected)
    # The same file again stores nothing twice.
    page.set_input_files("#file-input", str(path))
    expect(summary).to_contain_text("Stored 0 of 1,303 rows", timeout=30_000)
    expect(summary).to_contain_text("1,300 already there")
    assert len(stream_rounds(server, "upload:test-csv")) == 1300
    # One tap shows the loaded feed.
    page.click("#file-show")
    expect(page.locator("#stream-select")).to_have_value("upload:test-csv")
    wait_js(page, "document.querySelectorAll('#rounds-table tbody tr').length === 50")


def test_a_dropped_json_file_loads_and_a_bad_feed_name_is_refused(page: Page, server: Server) -> None:
    page.fill("#file-stream", "no spaces allowed")
    page.set_input_files(
        "#file-input", files=FilePayload(name="r.json", mimeType="application/json", buffer=b"[2]")
    )
    expect(page.locator("#file-stream-error")).to_contain_text("1 to 64 letters")
    page.fill("#file-stream", "upload:test-json")
    rounds = [
        {"multiplier": 1.5, "timestamp": "2024-02-01T00:00:02Z"},
        {"multiplier": 3.25, "timestamp": "2024-02-01T00:00:01Z"},
        "x",
    ]
    page.evaluate(
        """text => {
            const data = new DataTransfer();
            data.items.add(new File([text], 'rounds.json', { type: 'application/json' }));
            const drop = new DragEvent('drop', { dataTransfer: data, bubbles: true });
            document.getElementById('drop-zone').dispatchEvent(drop);
        }""",
        json.dumps(rounds),
    )
    expect(page.locator("#file-summary")).to_contain_text("Stored 2 of 3 rows into feed upload:test-json")
    expect(page.locator("#file-errors li")).to_have_text(
        ['item 3: "x" is not a multiplier (a number like 2.37)']
    )
    # Oldest first by their times, whatever the file's order.
    assert stream_rounds(server, "upload:test-json") == [1.5, 3.25]  # newest first


def test_the_chosen_feed_exports_as_csv(page: Page, tmp_path: Path) -> None:
    wait_js(page, "document.querySelectorAll('#rounds-table tbody tr').length > 0")
    with page.expect_download() as info:
        page.click("#export-csv")
    download = info.value
    assert download.suggested_filename.startswith("aviator_simulator_")
    assert download.suggested_filename.endswith(".csv")
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    with target.open() as exported:
        rows = list(csv.DictReader(exported))
    assert rows and all(float(row["multiplier"]) >= 1.0 for row in rows)
