"""Auto-sync end to end: rows appended to a watched file reach WebSocket clients; run --collect."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from aviator.api.app import create_app
from aviator.core.settings import load_settings

AVIATOR = str(Path(sys.executable).parent / "aviator")


def _next_round(ws: Any, limit: int = 100) -> dict[str, Any]:
    for _ in range(limit):
        event: dict[str, Any] = ws.receive_json()
        if event["type"] == "round":
            return event["data"]  # type: ignore[no-any-return]
    raise AssertionError("no round event")


def test_rows_appended_to_a_watched_file_reach_websocket_clients(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    watched = tmp_path / "watched"
    watched.mkdir()
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'w.db'}", source="none", watch_dir=watched)
    data = watched / "aviator_payouts_20251210_193000.csv"
    data.write_text("Timestamp;Multiplier\n2025-12-10 19:30:01;1,234.56x\n")
    with (
        TestClient(create_app(settings), base_url="http://127.0.0.1") as client,
        client.websocket_connect("ws://127.0.0.1/ws") as ws,
    ):
        first = _next_round(ws)
        assert first["multiplier"] == 1234.56 and first["source"] == "csv"
        with data.open("a") as handle:
            handle.write("2025-12-10 19:30:15;2.61x\nnot-a-time;3\n2025-12-10 19:30:30;1.00x\n")
        assert _next_round(ws)["multiplier"] == 2.61
        assert _next_round(ws)["multiplier"] == 1.0
        status = client.get("/api/status").json()
        assert status["csv_file"].endswith(data.name) and status["csv_records"] == 3
        assert status["auto_sync"] is True
    rejected = [r.getMessage() for r in caplog.records if "not-a-time" in r.getMessage()]
    assert len(rejected) == 1 and f"{data.name}:4:" in rejected[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def test_run_collect_starts_both_processes_and_sigterm_stops_both(tmp_path: Path) -> None:
    port = _free_port()
    out = tmp_path / "collected"
    env = {**os.environ, "AVIATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    server = subprocess.Popen(
        [AVIATOR, "run", "--fast", "--port", str(port), "--collect", str(out)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    collector_pid: int | None = None
    try:
        deadline = time.monotonic() + 40
        status: dict[str, Any] = {}
        while time.monotonic() < deadline:
            try:
                status = httpx.get(f"{base}/api/status", timeout=2).json()
                if status.get("rounds", 0) >= 3:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        assert status.get("rounds", 0) >= 3, status
        assert status["collector"]["running"] is True
        collector_pid = status["collector"]["pid"]
        assert collector_pid in _children(server.pid)
        files = sorted(out.glob("aviator_payouts_*.csv"))
        assert len(files) == 1
        assert files[0].read_text().startswith("timestamp,multiplier")
        newest = httpx.get(f"{base}/api/rounds", params={"limit": 1}, timeout=5).json()["rounds"][0]
        assert newest["source"] == "csv" and newest["fairness"]["server_seed"]

        # The collector dies: the server says so and starts a new one.
        os.kill(collector_pid, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            collector = httpx.get(f"{base}/api/status", timeout=2).json()["collector"]
            if collector["restarts"] >= 1 and collector["running"] and collector["pid"] != collector_pid:
                break
            time.sleep(0.3)
        assert collector["restarts"] >= 1 and collector["running"], collector
        collector_pid = collector["pid"]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    assert server.returncode in (0, -signal.SIGTERM)
    assert collector_pid is not None
    assert (
        not Path(f"/proc/{collector_pid}").exists()
        or "zombie" in Path(f"/proc/{collector_pid}/status").read_text()
    )


def test_collector_arguments_follow_the_settings(tmp_path: Path) -> None:
    from aviator.api.server import collector_arguments

    settings = load_settings(
        collect_dir=tmp_path,
        collect_source="browser",
        collect_url="http://127.0.0.1:9/game",
        collect_frame="",
        collect_interval=2.0,
    )
    assert collector_arguments(settings) == [
        "--source", "browser", "--interval", "2.0", "--url", "http://127.0.0.1:9/game", "--frame", "",
    ]  # fmt: skip
