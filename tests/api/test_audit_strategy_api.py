"""The audit and the strategy lab over HTTP: per stream, bounded, with plain words."""

from __future__ import annotations

import asyncio
import time

import pytest
from fastapi.testclient import TestClient

from aviator.core.errors import RateLimited, Unavailable
from aviator.fairness.planted import Plant, planted_rounds
from aviator.live.heavy import HeavyWork
from tests.support import wait_until


def _post_stream(client: TestClient, name: str, values: list[float]) -> None:
    for start in range(0, len(values), 5000):
        chunk = [{"multiplier": v, "source": name} for v in values[start : start + 5000]]
        assert client.post("/api/rounds", json=chunk).status_code == 200
    # Every round is forecast and scored by every model first (a few ms each): allow for a busy machine.
    wait_until(
        lambda: client.get("/api/status", params={"stream": name}).json()["rounds"] >= len(values),
        timeout=90,
        interval=0.2,
        what=f"stream {name} processed",
    )


def test_the_audit_of_each_stream_is_its_own(client: TestClient) -> None:
    _post_stream(client, "fair", planted_rounds(3000, Plant(kind="fair"), seed=11).tolist())
    _post_stream(client, "capped", planted_rounds(3000, Plant(kind="cap", level=3.0), seed=12).tolist())
    fair = client.get("/api/audit", params={"stream": "fair"}).json()
    capped = client.get("/api/audit", params={"stream": "capped"}).json()
    assert fair["rounds"] == 3000 and fair["verdict"] == "consistent"
    assert capped["verdict"] == "inconsistent" and "tail" in capped["failed_parts"]
    assert fair["verdict_words"] and fair["help"]
    # a new RTP for the stream: the audit is taken again against it
    assert client.put("/api/streams/fair", json={"rtp": 0.8}).status_code == 200
    again = client.get("/api/audit", params={"stream": "fair"}).json()
    assert again["rounds"] == 3000 and again["verdict"] == "inconsistent"


def test_a_strategy_run_gives_its_figures_and_the_wald_line(client: TestClient) -> None:
    body = {
        "rule": "martingale",
        "base": 1,
        "cashout": 2,
        "bankroll": 100,
        "rounds": 200,
        "paths": 500,
        "seed": 3,
    }
    result = client.post("/api/strategy", json=body)
    assert result.status_code == 200, result.text
    data = result.json()
    assert (
        data["ruin_probability"]["low"]
        <= data["ruin_probability"]["estimate"]
        <= data["ruin_probability"]["high"]
    )
    assert data["wald_expected_profit"] < 0 and "lose" in data["plain_words"]


def test_a_strategy_run_on_a_stream_uses_its_rounds(client: TestClient) -> None:
    _post_stream(client, "played", planted_rounds(800, Plant(kind="fair"), seed=5).tolist())
    body = {
        "rule": "flat",
        "cashout": 2,
        "rounds": 100,
        "paths": 200,
        "law": "fitted",
        "seed": 1,
        "stream": "played",
    }
    result = client.post("/api/strategy", json=body)
    assert result.status_code == 200, result.text


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"rule": "crystal-ball"}, 422, "bad_strategy"),
        ({"rule": "flat", "rounds": 100_000, "paths": 1_000_000}, 422, "bad_strategy"),
        ({"rule": "flat", "law": "fitted", "stream": "nowhere"}, 404, "unknown_stream"),
        ([1, 2], 422, "bad_strategy"),
    ],
)
def test_bad_strategy_requests_are_refused_with_the_reason(
    client: TestClient, body: object, status: int, code: str
) -> None:
    response = client.post("/api/strategy", json=body)
    assert response.status_code == status and response.json()["code"] == code, response.text


def sleep_for(seconds: float) -> float:
    time.sleep(seconds)
    return seconds


def test_heavy_work_is_bounded_refuses_a_full_queue_and_stops_what_runs_too_long() -> None:
    async def scenario() -> None:
        heavy = HeavyWork(workers=1, queue_limit=1, timeout=2.0)
        try:
            assert await heavy.run("a nap", sleep_for, 0.01) == 0.01
            first = asyncio.create_task(heavy.run("a nap", sleep_for, 1.0))
            second = asyncio.create_task(heavy.run("a nap", sleep_for, 0.01))
            await asyncio.sleep(0)
            with pytest.raises(RateLimited) as refused:
                await heavy.run("a nap", sleep_for, 0.01)
            assert refused.value.retry_after is not None and refused.value.code == "busy"
            assert await first == 1.0 and await second == 0.01
            with pytest.raises(Unavailable, match="took longer than 2 s"):
                await heavy.run("a long nap", sleep_for, 30.0)
            assert await heavy.run("a nap", sleep_for, 0.01) == 0.01  # a new worker took over
        finally:
            heavy.close()

    asyncio.run(scenario())
