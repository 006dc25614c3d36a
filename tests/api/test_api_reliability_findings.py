"""What the reliability benchmark (benchmarks/bench_reliability.py) found on main and what now holds:
a store failure on the ingest path is a 503 with its reason (not a 500), and the verify routes document
the 400 of a body that is not JSON; the start-up objects are frozen out of garbage collections."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from tests.support import wait_until


def _fail(message: str) -> Any:
    def failing(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("SELECT 1", {}, Exception(message))

    return failing


def test_a_locked_store_refuses_a_new_stream_with_503_and_the_status_says_why(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = client.app.state.server.store  # type: ignore[attr-defined]
    monkeypatch.setattr(store, "ensure_stream", _fail("database is locked"))
    refused = client.post("/api/rounds", json={"multiplier": 2.0, "source": "new-one"})
    assert refused.status_code == 503 and refused.json()["code"] == "store_unavailable"
    assert "database is locked" in refused.json()["detail"] and "new-one" in refused.json()["detail"]
    assert "database is locked" in client.get("/api/status").json()["store_error"]
    monkeypatch.undo()
    assert client.post("/api/rounds", json={"multiplier": 2.0, "source": "new-one"}).status_code == 200
    assert client.get("/api/status").json()["store_error"] is None


def test_a_store_away_during_the_stream_lookup_of_a_write_is_a_503(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client.post("/api/rounds", json={"multiplier": 2.0}).status_code == 200  # the stream is known
    store = client.app.state.server.store  # type: ignore[attr-defined]
    monkeypatch.setattr(store, "stream", _fail("connection refused"))
    refused = client.post("/api/rounds", json={"multiplier": 3.0})
    assert refused.status_code == 503 and "connection refused" in refused.json()["detail"]
    monkeypatch.undo()
    assert client.post("/api/rounds", json={"multiplier": 3.0}).status_code == 200


@pytest.mark.parametrize("game", ["aviator", "bustabit", "stake-crash", "chain"])
def test_the_verify_routes_document_the_400_of_a_body_that_is_not_json(client: TestClient, game: str) -> None:
    answer = client.post(
        f"/api/verify/{game}", content=b"[\xff", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400 and set(answer.json()) == {"detail", "code"}
    documented = client.get("/openapi.json").json()["paths"][f"/api/verify/{game}"]["post"]["responses"]
    assert "400" in documented


def test_the_status_says_the_store_cannot_be_read_instead_of_failing(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client.post("/api/rounds", json={"multiplier": 2.0}).status_code == 200
    server = client.app.state.server  # type: ignore[attr-defined]

    def scored() -> bool:  # the engine scores the round in the background
        server.shared_answers.clear()
        return bool(client.get("/api/status").json()["prediction_history"])

    wait_until(scored, what="the posted round's predictions in the status")
    store = server.store
    monkeypatch.setattr(store, "recent_predictions", _fail("server closed the connection unexpectedly"))
    monkeypatch.setattr(store, "streams", _fail("server closed the connection unexpectedly"))
    client.app.state.server.shared_answers.clear()  # type: ignore[attr-defined]
    answer = client.get("/api/status")
    assert answer.status_code == 200
    assert "closed the connection" in answer.json()["store_error"]
    assert answer.json()["prediction_history"] == [] and answer.json()["streams"] == []


def test_what_start_up_built_is_left_out_of_garbage_collections_while_the_server_runs(
    tmp_path: Path,
) -> None:
    # A full collection walking the ~300k objects of start-up held the loop ~170 ms in a 10k batch.
    from aviator.api.app import create_app
    from aviator.core.settings import load_settings

    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'gc.db'}", source="none")
    assert gc.get_freeze_count() == 0
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        assert client.get("/api/health").status_code == 200
        assert gc.get_freeze_count() > 10_000
    assert gc.get_freeze_count() == 0  # a stopped server leaves collections as they were
