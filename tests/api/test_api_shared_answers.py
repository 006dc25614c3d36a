"""The shared answer behind /api/status under load (issue 12, item 12): many clients asking at once
get one build, and a state change drops it at once."""

from __future__ import annotations

import asyncio

from fastapi.testclient import TestClient

from aviator.api.cache import SharedAnswers


def test_fifty_clients_asking_at_once_share_one_build() -> None:
    builds = 0

    async def build() -> bytes:
        nonlocal builds
        builds += 1
        await asyncio.sleep(0.01)  # others arrive while it is being built
        return b"answer %d" % builds

    async def scenario() -> list[bytes]:
        shared = SharedAnswers(ttl=60.0)
        first = await asyncio.gather(*(shared.get("status", build) for _ in range(50)))
        shared.clear()
        return [*first, await shared.get("status", build)]

    answers = asyncio.run(scenario())
    assert answers[:50] == [b"answer 1"] * 50 and answers[50] == b"answer 2" and builds == 2


def test_a_state_change_is_seen_by_the_next_status_at_once(client: TestClient) -> None:
    assert client.get("/api/status").json()["rounds_all"] == 0
    assert client.post("/api/rounds", json={"multiplier": 2.0}).status_code == 200
    seen = client.get("/api/status").json()
    assert seen["ingest"]["stored"] == 1  # not the answer shared before the POST
