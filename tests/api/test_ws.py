from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from starlette.testclient import WebSocketTestSession


def _next_of(ws: WebSocketTestSession, kind: str, limit: int = 50) -> dict[str, Any]:
    for _ in range(limit):
        event: dict[str, Any] = ws.receive_json()
        assert set(event) == {"type", "stream", "data", "ts"}
        if event["type"] == kind:
            return event
    raise AssertionError(f"no {kind} event in {limit} messages")


def test_hello_then_round_and_prediction_events(client: TestClient) -> None:
    with client.websocket_connect("ws://127.0.0.1/ws") as ws:
        hello = _next_of(ws, "hello")
        assert hello["data"]["settings"]["target"] == 2.0
        assert hello["data"]["prediction"]["forecast"]["model"] == "house"
        client.post("/api/rounds", json={"multiplier": 4.2, "round_id": "r1"})
        round_event = _next_of(ws, "round")
        assert round_event["data"]["multiplier"] == 4.2 and round_event["data"]["round_id"] == "r1"
        prediction = _next_of(ws, "prediction")
        assert prediction["data"]["forecast"]["seq"] == round_event["data"]["seq"]
        assert prediction["data"]["skill"][0]["model"] == "house"


def test_predict_message_gets_the_current_forecast(client: TestClient) -> None:
    with client.websocket_connect("ws://127.0.0.1/ws") as ws:
        _next_of(ws, "hello")
        ws.send_text(json.dumps({"type": "predict"}))
        event = _next_of(ws, "prediction")
        assert event["data"]["forecast"]["median"] == 1.94


def test_malformed_messages_get_an_error_and_the_connection_stays_open(client: TestClient) -> None:
    with client.websocket_connect("ws://127.0.0.1/ws") as ws:
        _next_of(ws, "hello")
        for bad in ("not json", "[1, 2]", json.dumps({"type": "fly-me-to-the-moon"})):
            ws.send_text(bad)
            assert _next_of(ws, "error")["data"]["message"]
        ws.send_text(json.dumps({"type": "predict", "model": "nope"}))
        assert "known models" in _next_of(ws, "error")["data"]["message"]
        ws.send_text(json.dumps({"type": "ping"}))
        assert _next_of(ws, "pong")["type"] == "pong"


def test_settings_over_websocket_are_validated_and_broadcast(client: TestClient) -> None:
    with client.websocket_connect("ws://127.0.0.1/ws") as ws:
        _next_of(ws, "hello")
        ws.send_text(json.dumps({"type": "settings", "data": {"target": 9999}}))
        assert "target" in str(_next_of(ws, "error")["data"]["message"])
        ws.send_text(json.dumps({"type": "settings", "data": {"target": 5}}))
        assert _next_of(ws, "settings")["data"]["target"] == 5


def test_a_slow_client_does_not_stall_the_others(client: TestClient) -> None:
    hub = client.app.state.hub  # type: ignore[attr-defined]
    with (
        client.websocket_connect("ws://127.0.0.1/ws") as slow,
        client.websocket_connect("ws://127.0.0.1/ws") as fast,
    ):
        _next_of(slow, "hello")
        _next_of(fast, "hello")
        size = client.app.state.server.settings.ws_queue_size  # type: ignore[attr-defined]
        batch = [{"multiplier": 1.5, "round_id": f"q{i}"} for i in range(size * 2)]
        client.post("/api/rounds", json=batch)
        # The fast reader gets the newest round while the slow one's queue stays bounded.
        seen = 0
        while True:
            event = fast.receive_json()
            if event["type"] == "round":
                seen += 1
                if event["data"]["round_id"] == f"q{size * 2 - 1}":
                    break
        assert seen >= 1
        assert all(c.queue.qsize() <= size for c in hub.clients)
