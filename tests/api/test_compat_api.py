"""The auto-sync design's endpoints keep its field names."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from tests.support import wait_until


def _feed(client: TestClient, n: int) -> None:
    values = [1.0 + (i * 37 % 500) / 100 for i in range(n)]
    client.post("/api/rounds", json=[{"multiplier": v, "round_id": str(i)} for i, v in enumerate(values)])
    deadline = time.monotonic() + 20
    while client.get("/api/status").json()["rounds"] < n:
        assert time.monotonic() < deadline, "engine did not catch up"
        time.sleep(0.05)


def test_load_csv_has_the_design_fields(client: TestClient) -> None:
    _feed(client, 10)
    body = client.get("/api/load_csv").json()
    for key in (
        "success",
        "filename",
        "total_records",
        "latest_multiplier",
        "latest_timestamp",
        "recent_data",
    ):
        assert key in body
    assert body["total_records"] == 10
    assert set(body["statistics"]) == {"mean", "std", "min", "max", "median"}
    assert body["skill"][0]["model"] == "house"


def test_train_refuses_with_too_few_rounds_then_trains(client: TestClient) -> None:
    _feed(client, 5)
    refused = client.post("/api/train")
    assert refused.status_code == 409 and "at least 30 rounds" in refused.json()["detail"]
    _feed_more = [{"multiplier": 1.0 + (i % 7), "round_id": f"x{i}"} for i in range(120)]
    client.post("/api/rounds", json=_feed_more)
    deadline = time.monotonic() + 20
    while client.get("/api/status").json()["rounds"] < 125:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    body = client.post("/api/train").json()
    assert body["success"] is True, body
    accuracy = body["accuracy"]
    for key in ("mae", "rmse", "samples_trained", "samples_tested", "total_records", "trained_at"):
        assert key in accuracy
    assert accuracy["total_records"] == 125
    models = client.get("/api/models").json()["models"]
    assert any(m["batch"] and m["trained"] for m in models)


def test_status_has_the_design_fields(client: TestClient) -> None:
    _feed(client, 3)
    server = client.app.state.server  # type: ignore[attr-defined]

    def status() -> dict[str, Any]:
        server.shared_answers.clear()  # a fresh answer, not the one shared for half a second
        answer: dict[str, Any] = client.get("/api/status").json()
        return answer

    # The scored predictions are stored just after the rounds are counted.
    wait_until(lambda: len(status()["prediction_history"]) == 3, what="three scored predictions")
    body = status()
    for key in (
        "model_trained",
        "model_accuracy",
        "current_prediction",
        "prediction_history",
        "auto_train_enabled",
        "csv_file",
        "csv_records",
        "latest_multiplier",
    ):
        assert key in body
    assert len(body["prediction_history"]) == 3
    assert body["current_prediction"]["data_points_used"] == 3
