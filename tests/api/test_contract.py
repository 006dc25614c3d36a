"""One typed contract: every route answers with a documented model, every error with {detail, code},
every event is built from its payload model, and the schemas are published."""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from aviator.core.rounds import StoredRound
from aviator.live.events import PAYLOADS, EventType, Pong, encode_event

SRC = Path(__file__).resolve().parents[2] / "src" / "aviator"


def test_every_operation_documents_its_answer_and_its_errors(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in json.dumps(document)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "200" in responses, f"{method} {path}"
            assert responses["200"].get("content"), f"{method} {path} documents no answer"
            for code, answer in responses.items():
                if code.startswith(("4", "5")) and not (path == "/api/rounds" and code == "422"):
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema["$ref"].endswith("/ErrorBody"), f"{method} {path} {code}"


def test_post_rounds_documents_its_real_body(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    body = document["paths"]["/api/rounds"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    refs = json.dumps(body)
    assert "RoundIn" in refs and '"array"' in refs
    assert "multiplier" in document["components"]["schemas"]["RoundIn"]["properties"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        ("get", "/api/predict", {"params": {"model": "crystal-ball"}}, 404, "unknown_model"),
        ("get", "/api/rounds", {"params": {"limit": 0}}, 422, "invalid_request"),
        ("get", "/api/rounds", {"params": {"stream": "nowhere"}}, 404, "unknown_stream"),
        ("get", "/api/rounds/99", {}, 404, "round_not_found"),
        (
            "post",
            "/api/rounds",
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            400,
            "not_json",
        ),
        ("put", "/api/settings", {"json": {"window": 2}}, 422, "bad_settings"),
        ("post", "/api/train", {}, 409, "too_few_rounds"),
        ("post", "/api/verify/bustabit", {"json": {"hash": "zz"}}, 422, "bad_input"),
        ("get", "/api/nothing-here", {}, 404, "not_found"),
    ],
)
def test_errors_carry_detail_and_code(
    client: TestClient, method: str, path: str, kwargs: dict[str, object], status: int, code: str
) -> None:
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"detail", "code"} and body["code"] == code and body["detail"]


def test_event_schemas_are_published_for_every_type(client: TestClient) -> None:
    schemas = client.get("/api/schema/events").json()
    assert set(schemas["events"]) == {kind.value for kind in EventType}
    assert schemas["envelope"]["required"] == ["type", "stream", "data", "ts"]
    assert "forecasts" in schemas["events"]["prediction"]["properties"]


def test_an_event_is_only_built_from_its_payload_model() -> None:
    event = json.loads(encode_event(EventType.PONG, Pong()))
    assert set(event) == {"type", "stream", "data", "ts"} and event["type"] == "pong"
    with pytest.raises(TypeError, match="a round event carries a StoredRound"):
        encode_event(EventType.ROUND, Pong())
    assert PAYLOADS[EventType.ROUND] is StoredRound


def test_no_module_builds_an_event_by_hand() -> None:
    hand_made = re.compile(r"""json\.dumps\(\s*\{\s*["']type["']""")
    offenders = [
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        # events.py builds every event; export.py writes export records (JSON Lines), not events
        if path.name not in ("events.py", "export.py") and hand_made.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_websocket_errors_carry_a_code_and_keep_the_connection(client: TestClient) -> None:
    with client.websocket_connect("ws://127.0.0.1/ws") as ws:
        assert ws.receive_json()["type"] == "hello"
        for message, code in (
            ("not json", "malformed"),
            ('{"type": "predict", "model": "crystal-ball"}', "unknown_model"),
            ('{"type": "watch", "stream": "nowhere"}', "unknown_stream"),
            ('{"type": "teleport"}', "unknown_message"),
            ("[" * 5000, "malformed"),
        ):
            ws.send_text(message)
            event = ws.receive_json()
            while event["type"] != "error":
                event = ws.receive_json()
            assert event["data"]["code"] == code
        ws.send_bytes(b"\x00\x01")
        event = ws.receive_json()
        while event["type"] != "error":
            event = ws.receive_json()
        assert event["data"]["code"] == "binary_frame"
        ws.send_text('{"type": "ping"}')
        event = ws.receive_json()
        while event["type"] != "pong":
            event = ws.receive_json()


def test_no_route_or_dependency_runs_in_the_thread_pool(client: TestClient) -> None:
    # FastAPI runs a plain function in its thread pool: a thread hop per call per request (four per
    # /api/status once, a third of its cost). Blocking work goes to asyncio.to_thread explicitly.
    def dependencies(dependant: Dependant) -> Iterator[Dependant]:
        for sub in dependant.dependencies:
            yield sub
            yield from dependencies(sub)

    def api_routes(routes: list[Any]) -> Iterator[APIRoute]:
        for route in routes:
            if isinstance(route, APIRoute):
                yield route
            inner = getattr(route, "original_router", route)  # an included router (FastAPI >= 0.16x)
            if inner is not route or hasattr(route, "routes"):
                yield from api_routes(list(getattr(inner, "routes", [])))

    routes = list(api_routes(client.app.routes))  # type: ignore[attr-defined]
    assert len(routes) > 20
    for route in routes:
        assert inspect.iscoroutinefunction(route.endpoint), f"{route.path}: {route.endpoint.__name__}"
        for sub in dependencies(route.dependant):
            assert sub.call is None or inspect.iscoroutinefunction(sub.call), f"{route.path}: {sub.call}"
