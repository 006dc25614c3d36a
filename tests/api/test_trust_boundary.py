"""The trust boundary, item by item: nothing from a foreign page, no client that stalls the rest,
no acknowledged round lost, bad items never sinking a batch."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from typer.testing import CliRunner

from aviator.api.app import create_app
from aviator.api.ws import Client, Hub
from aviator.cli.app import app as cli
from aviator.core.settings import Settings, load_settings

LOCAL = "http://127.0.0.1"
EVIL = "http://evil.example"


def _settings(tmp_path: Path, **overrides: Any) -> Settings:
    return load_settings(database_url=f"sqlite:///{tmp_path / 'b.db'}", source="none", **overrides)


@pytest.fixture
def token_client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(tmp_path, api_token="s3cret")), base_url=LOCAL) as client:
        yield client


# 1. cross-site requests ------------------------------------------------------------------------
def test_a_page_of_another_origin_cannot_change_state(client: TestClient) -> None:
    client.post("/api/rounds", json=[{"multiplier": 2.0}, {"multiplier": 3.0}])
    reset = client.post("/api/reset", headers={"Origin": EVIL})
    assert reset.status_code == 403 and reset.json()["code"] == "foreign_origin"
    form = client.post(
        "/api/reset", content=b"a=1", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert form.status_code == 400 and form.json()["code"] == "not_json"
    no_cors = client.post(
        "/api/models/empirical/select", content=b"{}", headers={"Content-Type": "text/plain"}
    )
    assert no_cors.status_code == 400
    fetched = client.put("/api/settings", json={"target": 5}, headers={"Sec-Fetch-Site": "cross-site"})
    assert fetched.status_code == 403
    assert client.get("/api/settings").json()["target"] == 2.0
    assert len(client.get("/api/rounds").json()["rounds"]) == 2  # nothing was reset
    own = client.put("/api/settings", json={"target": 2.5}, headers={"Origin": LOCAL})
    assert own.status_code == 200


def test_the_websocket_refuses_a_foreign_origin_at_the_handshake(client: TestClient) -> None:
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("ws://127.0.0.1/ws", headers={"Origin": EVIL}):
            pass
    assert refused.value.code == 1008
    with client.websocket_connect("ws://127.0.0.1/ws", headers={"Origin": LOCAL}) as ws:
        assert ws.receive_json()["type"] == "hello"


def test_only_allowed_hosts_are_served(tmp_path: Path) -> None:
    settings = _settings(tmp_path, allowed_hosts=["dash.example"], allowed_origins=["https://app.example"])
    with TestClient(create_app(settings), base_url="http://evil.example") as client:
        refused = client.get("/api/health")
        assert refused.status_code == 403 and refused.json()["code"] == "bad_host"
    with TestClient(create_app(settings), base_url="http://dash.example") as client:
        assert client.get("/api/health").status_code == 200
        allowed = client.put("/api/settings", json={"target": 3}, headers={"Origin": "https://app.example"})
        assert allowed.status_code == 200


# 2. binding beyond loopback --------------------------------------------------------------------
def test_binding_beyond_loopback_without_a_token_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AVIATOR_API_TOKEN", raising=False)
    started: list[object] = []
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: started.append(kwargs))
    result = CliRunner().invoke(cli, ["run", "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "AVIATOR_API_TOKEN" in result.output and started == []
    insecure = CliRunner().invoke(cli, ["run", "--host", "0.0.0.0", "--insecure"])
    assert insecure.exit_code == 0 and "warning" in insecure.output and len(started) == 1


@pytest.mark.parametrize("command", ["run", "serve"])
def test_an_open_bind_is_refused_before_the_app_is_imported(command: str) -> None:
    # A refusal is immediate: the settings are checked before numpy, scipy and the app are loaded.
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from aviator.cli.app import app\n"
        f"result = CliRunner().invoke(app, [{command!r}, '--host', '0.0.0.0'])\n"
        "print(result.exit_code, 'aviator.api.app' in sys.modules, 'numpy' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "AVIATOR_API_TOKEN"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.split() == ["2", "False", "False"]


def test_the_whole_export_needs_the_token(token_client: TestClient) -> None:
    assert token_client.get("/api/export").status_code == 401
    assert token_client.get("/api/export", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    assert token_client.get("/api/rounds").status_code == 200  # reads of a page stay open


# 3. security headers ---------------------------------------------------------------------------
def test_the_page_carries_the_security_headers(client: TestClient) -> None:
    headers = client.get("/").headers
    csp = headers["content-security-policy"]
    script = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script and "frame-ancestors 'none'" in csp
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert "content-security-policy" in client.get("/api/health").headers


# 4. one client must not stall the others -------------------------------------------------------
def test_a_flooding_address_gets_429_with_retry_after(tmp_path: Path) -> None:
    with TestClient(create_app(_settings(tmp_path, rate_limit=5)), base_url=LOCAL) as client:
        answers = [client.get("/api/health") for _ in range(30)]
        limited = [a for a in answers if a.status_code == 429]
        assert limited and all(int(a.headers["retry-after"]) >= 1 for a in limited)
        assert limited[0].json()["code"] == "rate_limited"
        assert client.get("/").status_code == 200  # the page itself is not counted


def test_a_flooding_websocket_is_told_and_the_connection_stays(client: TestClient) -> None:
    with client.websocket_connect("ws://127.0.0.1/ws") as ws:
        assert ws.receive_json()["type"] == "hello"
        for _ in range(120):
            ws.send_text('{"type": "predict"}')
        codes = set()
        for _ in range(200):
            event = ws.receive_json()
            if event["type"] == "error":
                codes.add(event["data"]["code"])
                break
        assert codes == {"rate_limited"}
        assert client.get("/api/health").status_code == 200


def test_a_websocket_flood_is_closed_and_its_address_waits(client: TestClient) -> None:
    with client.websocket_connect("ws://127.0.0.1/ws") as ws:
        assert ws.receive_json()["type"] == "hello"
        for _ in range(2_000):
            ws.send_text('{"type": "predict"}')
        with pytest.raises(WebSocketDisconnect) as closed:
            for _ in range(5_000):
                ws.receive_json()
        assert closed.value.code == 1008
    with pytest.raises(WebSocketDisconnect) as again, client.websocket_connect("ws://127.0.0.1/ws") as ws:
        ws.receive_json()
    assert again.value.code == 1008  # refused at the handshake for a while: no fresh burst
    assert client.get("/api/health").status_code == 200


def test_the_connections_of_one_address_share_a_rate() -> None:
    hub = Hub(rate=20)  # 20 messages a second per connection, 40 for an address (bursts of twice)
    clients = [Client(cast(Any, None), 1_000, False, 20, "10.0.0.7") for _ in range(3)]
    taken = [sum(not c.over_rate(hub.addresses.wait(c.address)) for _ in range(40)) for c in clients]
    # Alone, each connection's burst of 40 would pass (120); the address has 80 for all three.
    assert taken[:2] == [40, 40] and taken[2] <= 2
    other = Client(cast(Any, None), 1_000, False, 20, "10.0.0.8")
    assert not other.over_rate(hub.addresses.wait(other.address))  # another address is not touched


def test_a_long_chain_check_needs_the_token(client: TestClient, token_client: TestClient) -> None:
    body = {"hash": "0" * 64, "tip": "1" * 64, "max_steps": 2_000_000}
    refused = client.post("/api/verify/chain", json=body)
    assert refused.status_code == 422 and refused.json()["code"] == "too_many_steps"
    small = client.post("/api/verify/chain", json={**body, "max_steps": 1000}).json()
    assert small["ok"] is False and small["max_steps"] == 1000
    also_refused = token_client.post("/api/verify/chain", json=body)
    assert also_refused.status_code == 422


# 5. bodies: the limit while reading, the token before the body ---------------------------------
def _asgi(settings: Settings, headers: list[tuple[bytes, bytes]], chunks: int) -> tuple[int, int]:
    """POST /api/rounds straight through the running ASGI app; (status, body chunks it pulled)."""
    app = create_app(settings)
    pulled = 0
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * 1_000_000, "more_body": pulled < chunks}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/rounds",
        "raw_path": b"/api/rounds",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8765),
        "scheme": "http",
        "http_version": "1.1",
        "root_path": "",
        "app": app,
    }
    with TestClient(app, base_url=LOCAL) as client:  # runs the lifespan: the server is up
        assert client.portal is not None
        client.portal.call(app, scope, receive, send)  # type: ignore[arg-type, call-arg]
    return status, pulled


def test_a_huge_body_is_refused_while_reading_and_the_token_is_asked_first(tmp_path: Path) -> None:
    json_type = (b"content-type", b"application/json")
    chunked = [json_type, (b"transfer-encoding", b"chunked")]
    assert _asgi(_settings(tmp_path, api_token="s3cret"), chunked, 512) == (401, 0)
    status, pulled = _asgi(_settings(tmp_path, max_body_bytes=2_000_000), chunked, 512)
    assert status == 413 and pulled <= 3
    declared = [json_type, (b"content-length", str(512 * 1_000_000).encode())]
    status, pulled = _asgi(_settings(tmp_path, max_body_bytes=2_000_000), declared, 512)
    assert status == 413 and pulled <= 1


# 6. an acknowledged round is on disk -----------------------------------------------------------
def test_sqlite_commits_are_synchronous_full(client: TestClient) -> None:
    store = client.app.state.server.store  # type: ignore[attr-defined]
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


# 7. health that tells the truth ----------------------------------------------------------------
def test_a_deleted_database_file_is_noticed_and_no_write_is_acknowledged(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    with TestClient(create_app(settings), base_url=LOCAL) as client:
        assert client.post("/api/rounds", json={"multiplier": 2.0}).status_code == 200
        assert client.get("/api/ready").json() == {"ready": True, "store": "sqlite"}
        (tmp_path / "b.db").unlink()
        refused = client.post("/api/rounds", json={"multiplier": 3.0})
        assert refused.status_code == 503 and refused.json()["code"] == "store_file_gone"
        assert client.get("/api/ready").status_code == 503
        assert client.get("/api/health").status_code == 200  # alive, but not ready
        assert "deleted" in (client.get("/api/status").json()["store_error"] or "")


def test_a_disk_nearly_full_makes_the_store_not_ready(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A probe row still fits on a nearly full disk; the next batch may not: not ready, and why.
    assert client.get("/api/ready").status_code == 200
    usage = shutil.disk_usage(".")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage._replace(free=3_000_000))
    answer = client.get("/api/ready")
    assert answer.status_code == 503 and answer.json()["code"] == "disk_full"
    assert "3.0 MB free" in answer.json()["detail"]
    assert client.get("/api/health").status_code == 200  # alive, but not ready
    monkeypatch.undo()
    assert client.get("/api/ready").status_code == 200


def test_a_store_failure_is_a_503_with_its_reason_and_clears_on_recovery(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = client.app.state.server.store  # type: ignore[attr-defined]
    real = store._add_sqlite

    def full(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(store, "_add_sqlite", full)
    refused = client.post("/api/rounds", json={"multiplier": 2.0})
    assert refused.status_code == 503 and "disk is full" in refused.json()["detail"]
    assert "disk is full" in client.get("/api/status").json()["store_error"]
    monkeypatch.setattr(store, "_add_sqlite", real)
    assert client.post("/api/rounds", json={"multiplier": 2.0}).status_code == 200
    assert client.get("/api/status").json()["store_error"] is None


def test_an_unexpected_failure_is_a_json_500(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(stream: str | None = None) -> Any:
        raise RuntimeError("a bug")

    with TestClient(create_app(_settings(tmp_path)), base_url=LOCAL, raise_server_exceptions=False) as client:
        monkeypatch.setattr(client.app.state.server, "status", broken)  # type: ignore[attr-defined]
        answer = client.get("/api/status")
    assert answer.status_code == 500 and answer.json() == {
        "detail": "internal error: the server's log has the details",
        "code": "internal",
    }


# 8. bad items never sink a batch ---------------------------------------------------------------
def test_each_bad_item_is_refused_alone_and_the_good_ones_are_stored(client: TestClient) -> None:
    batch: list[object] = [
        {"multiplier": 2.0, "timestamp": "0001-01-01T00:00:00+14:00"},
        {"multiplier": 2.0, "timestamp": "9999-12-31T23:59:59-14:00"},
        {"multiplier": "2.5"},
        {"multiplier": True},
        {"multiplier": 2.0, "round_id": "a\x00b"},
        {
            "multiplier": 2.0,
            "fairness": {
                "server_seed": "s" * 129,
                "server_hash": "h",
                "client_seeds": [],
                "combined_hash": "c",
            },
        },
        {"multiplier": 1.5},
    ]
    answer = client.post("/api/rounds", json=batch)
    assert answer.status_code == 422
    body = answer.json()
    assert body["stored"] == 1 and sorted(r["index"] for r in body["rejected"]) == [0, 1, 2, 3, 4, 5]
    assert client.get("/api/rounds", params={"before": 2**64}).json()["code"] == "invalid_request"
    assert client.get(f"/api/rounds/{2**64}").status_code == 422
