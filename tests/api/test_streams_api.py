"""Streams through the API: rounds of one stream never touch another's models, repeats are never
merged, retries are never doubled, exports are complete, every round with seeds verifies."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from aviator.api.app import create_app
from aviator.core.rounds import key_by_position
from aviator.core.settings import load_settings
from aviator.fairness import simulate_round
from aviator.files.importer import import_files
from aviator.store.db import connect, migrate
from aviator.store.records import RoundRow
from aviator.store.repository import Store
from tests.support import wait_until


def _processed(client: TestClient, stream: str, n: int) -> None:
    wait_until(
        lambda: client.get("/api/status", params={"stream": stream}).json()["rounds"] >= n,
        what=f"{n} rounds of {stream} processed",
    )


def test_patterned_rounds_posted_by_hand_stay_in_their_own_stream(client: TestClient) -> None:
    fair = [{"multiplier": round(max(1.0, 0.97 / (1 - random.Random(i).random())), 2)} for i in range(60)]
    assert client.post("/api/rounds", json=[{**r, "source": "game"} for r in fair]).status_code == 200
    pattern = [{"multiplier": 1.0 if i % 2 else 9.99, "source": "manual"} for i in range(400)]
    assert client.post("/api/rounds", json=pattern).status_code == 200
    _processed(client, "manual", 400)
    _processed(client, "game", 60)
    game = {m["name"]: m for m in client.get("/api/models", params={"stream": "game"}).json()["models"]}
    manual = {m["name"]: m for m in client.get("/api/models", params={"stream": "manual"}).json()["models"]}
    assert game["empirical"]["rounds"] == 60 and manual["empirical"]["rounds"] == 400
    assert game["empirical"]["rounds_seen"] == 60  # nothing of the manual pattern was learned here
    listed = {s["name"]: s for s in client.get("/api/streams").json()["streams"]}
    assert listed["manual"]["kind"] == "manual" and listed["manual"]["rounds"] == 400
    assert listed["game"]["kind"] == "http" and listed["game"]["rounds"] == 60
    assert listed["game"]["live"] is True and listed["game"]["first_at"] is not None


def test_same_second_repeats_without_ids_are_four_rounds(client: TestClient, tmp_path: Path) -> None:
    stamp = "2025-12-10T19:32:35Z"
    items = [{"multiplier": m, "timestamp": stamp, "source": "repeats"} for m in (1.0, 1.0, 2.5, 1.0)]
    body = client.post("/api/rounds", json=items).json()
    assert body["stored"] == 4 and body["duplicates"] == 0
    path = tmp_path / "same_second.csv"
    path.write_text("timestamp,multiplier\n" + "".join(f"2025-12-10 19:32:35,{m}\n" for m in (1, 1, 2.5, 1)))
    engine = connect(f"sqlite:///{tmp_path / 'files.db'}")
    migrate(engine)
    try:
        store = Store(engine)
        assert import_files([path], store).stored == 4
        assert import_files([path], store).duplicates == 4  # a re-read of the same bytes
    finally:
        engine.dispose()


def test_a_retried_post_is_stored_once_and_a_new_post_is_new(client: TestClient) -> None:
    items = [{"multiplier": 1.0, "source": "retry"}, {"multiplier": 1.0, "source": "retry"}]
    first = client.post("/api/rounds", json=items, headers={"Idempotency-Key": "req-1"}).json()
    again = client.post("/api/rounds", json=items, headers={"Idempotency-Key": "req-1"}).json()
    other = client.post("/api/rounds", json=items).json()
    assert (first["stored"], again["stored"], again["duplicates"], other["stored"]) == (2, 0, 2, 2)
    assert [r["stream_seq"] for r in first["rounds"] + other["rounds"]] == [1, 2, 3, 4]


def test_every_round_with_seeds_verifies_whatever_delivered_it(client: TestClient) -> None:
    rng = random.Random(3)
    played = [simulate_round(0.97, rng) for _ in range(3)]
    items = [
        {
            "multiplier": p.multiplier,
            "round_id": f"c-{i}",
            "source": "collector",
            "fairness": {
                "server_seed": p.server_seed,
                "server_hash": p.server_hash,
                "client_seeds": list(p.client_seeds),
                "combined_hash": p.combined_hash,
            },
        }
        for i, p in enumerate(played)
    ]
    assert client.post("/api/rounds", json=items).json()["stored"] == 3
    for seq in (1, 2, 3):
        check = client.get(f"/api/rounds/{seq}/verify", params={"stream": "collector"}).json()["check"]
        assert check["ok"] is True and check["multiplier_ok"] is True
    client.post("/api/rounds", json={"multiplier": 2.0, "source": "plain"})
    refused = client.get("/api/rounds/1/verify", params={"stream": "plain"})
    assert refused.status_code == 409 and refused.json()["code"] == "no_seeds"


def test_an_export_reads_back_as_the_same_rounds(client: TestClient, tmp_path: Path) -> None:
    stamp = datetime(2025, 12, 10, 19, 0, tzinfo=UTC)
    items = [
        {"multiplier": m, "timestamp": (stamp + timedelta(seconds=i // 2)).isoformat(), "source": "trip"}
        for i, m in enumerate([1.0, 1.0, 2.5, 3.75, 1.0, 12.0, 1.5])
    ]
    client.post("/api/rounds", json=items)
    _processed(client, "trip", 7)
    shown = [
        (r["multiplier"], r["timestamp"])
        for r in reversed(client.get("/api/rounds", params={"stream": "trip"}).json()["rounds"])
    ]
    for fmt in ("json", "jsonl", "csv"):
        response = client.get("/api/export", params={"stream": "trip", "format": fmt})
        assert response.status_code == 200 and response.headers["x-export-rounds"] == "7"
        path = tmp_path / f"export.{fmt}"
        path.write_bytes(response.content)
        engine = connect(f"sqlite:///{tmp_path / f'{fmt}.db'}")
        migrate(engine)
        try:
            store = Store(engine)
            summary = import_files([path], store, stream="back")
            assert (summary.stored, summary.rejected) == (7, 0), summary.errors
            record = store.stream("back")
            assert record is not None
            back = [
                (r.multiplier, r.timestamp.isoformat().replace("+00:00", "Z"))
                for r in store.iter_rounds(record.id).__next__()
            ]
            assert back == [(m, t.replace("+00:00", "Z")) for m, t in shown]
        finally:
            engine.dispose()


def test_a_large_stream_exports_every_round_with_counts_that_match(tmp_path: Path) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'big.db'}", source="none")
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        store: Store = client.app.state.server.store  # type: ignore[attr-defined]
        record = store.stream("http")
        assert record is not None
        start = datetime(2025, 1, 1, tzinfo=UTC)
        rows = [
            RoundRow(
                key_by_position("big", i + 2),
                "import",
                None,
                1.0 + (i % 500) / 100,
                start + timedelta(seconds=i),
                None,
                None,
                None,
                None,
            )
            for i in range(25_000)
        ]
        assert store.add_rows(record, rows) == 25_000
        body = client.get("/api/export", params={"format": "json"}).json()
        assert body["header"]["counts"]["rounds"] == len(body["rounds"]) == 25_000
        assert [r["stream_seq"] for r in body["rounds"][:3]] == [1, 2, 3]
        lines = list(csv.reader(io.StringIO(client.get("/api/export", params={"format": "csv"}).text)))
        assert len(lines) == 25_001 and lines[0][:3] == ["stream_seq", "timestamp", "multiplier"]
        jsonl = client.get("/api/export", params={"format": "jsonl"}).text.splitlines()
        kinds = [json.loads(line)["type"] for line in jsonl]
        assert kinds[0] == "header" and kinds.count("round") == 25_000 and kinds[-1] == "summary"
