"""System monitoring: the sample's measures, where each goes, and GET /metrics."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aviator.api.app import create_app
from aviator.core.settings import load_settings
from aviator.ops.monitor import LagProbe, Monitor, render_metrics
from aviator.store.db import connect, migrate
from aviator.store.repository import Store
from tests.support import eventually, wait_until


class FakeHub:
    def __init__(self) -> None:
        self.clients: set[object] = {object(), object(), object()}
        self.delivered = 0


def test_lag_probe_sees_a_blocked_loop() -> None:
    async def scenario() -> tuple[float, float]:
        probe = LagProbe(period=0.01)
        task = asyncio.create_task(probe.run())
        await asyncio.sleep(0.05)
        time.sleep(0.2)  # block the loop on purpose
        await asyncio.sleep(0.05)
        task.cancel()
        return probe.take()

    p99, worst = asyncio.run(scenario())
    assert worst >= 0.15 and p99 >= 0.1
    assert LagProbe().take() == (0.0, 0.0)


def test_sample_measures_rates_and_reports_everywhere(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine)
    store = Store(engine)
    hub = FakeHub()
    counters = {"predictions": 0}
    clock = {"now": 100.0}
    received: list[str] = []

    async def publish(message: str) -> None:
        received.append(message)

    async def scenario() -> None:
        monitor = Monitor(
            store,
            publish,
            0.01,
            predictions=lambda: counters["predictions"],
            rounds=lambda: 7,
            hub=lambda: hub,
            leader=lambda: True,
            clock=lambda: clock["now"],
        )
        hub.delivered += 40
        counters["predictions"] += 10
        clock["now"] += 0.2  # 40 events and 10 forecasts in 0.2 s, by the monitor's clock
        runner = asyncio.create_task(monitor.run())
        await eventually(lambda: bool(received), what="a status event")
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        assert monitor.latest is not None

    asyncio.run(scenario())
    first = json.loads(received[0])
    assert first["type"] == "status"
    system = first["data"]["system"]
    assert system["ws_connections"] == 3
    assert system["events_per_s"] == pytest.approx(200.0)
    assert system["predictions_per_min"] == pytest.approx(3000.0)
    assert system["db_size_mb"] > 0 and system["memory_mb"] > 10
    assert system["leader"] is True
    stored = {row["name"] for row in store.recent_metrics()}
    assert {"cpu_percent", "memory_mb", "ws_connections", "events_per_s", "loop_lag_p99_ms"} <= stored
    text = render_metrics().decode()
    assert "aviator_ws_connections 3.0" in text and "aviator_rounds 7.0" in text
    engine.dispose()


def test_status_and_metrics_endpoints(tmp_path: Path) -> None:
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path / 'app.db'}", source="none", metrics_interval=0.1
    )
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        wait_until(lambda: client.get("/api/status").json()["system"] is not None, what="a first sample")
        status = client.get("/api/status").json()
        assert status["leader"] is True and status["lease"]["kind"] == "file"  # one leader per SQLite file
        assert status["system"] is not None and status["system"]["cpu_percent"] >= 0
        response = client.get("/metrics")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain")
        assert "aviator_leader 1.0" in response.text
        assert "aviator_process_memory_bytes" in response.text
