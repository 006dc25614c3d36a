"""The Redis bus: events cross processes, and a lost connection heals by itself."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from redis.asyncio import Redis

from aviator.bus.base import Channel
from aviator.bus.redis import CLIENT_NAME, RedisBus
from aviator.core.redact import redact

ENV = "AVIATOR_TEST_REDIS_URL"
pytestmark = pytest.mark.services


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get(ENV)
    if not url:
        pytest.skip(f"Redis bus tests: set {ENV}=redis://host:6379/0 to run them")
    return url


async def _subscribers(url: str, channel: str) -> int:
    async with Redis.from_url(url) as admin:
        counts = await admin.pubsub_numsub(channel)
    return int(counts[0][1])


async def _wait_for(check: Callable[[], Awaitable[bool]], seconds: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def _collect(stream: AsyncIterator[str], into: list[str]) -> None:
    async for message in stream:
        into.append(message)


def test_redact_hides_the_password() -> None:
    assert redact("redis://:secret@h:6379/0") == "redis://:***@h:6379/0"
    assert redact("redis://user:pw@h/1") == "redis://user:***@h/1"
    assert redact("redis://h:6379") == "redis://h:6379"


def test_events_reach_subscribers_of_every_bus_in_order(redis_url: str) -> None:
    async def scenario() -> None:
        namespace = f"test:{uuid.uuid4().hex}"
        sender, receiver = RedisBus(redis_url, namespace), RedisBus(redis_url, namespace)
        await sender.connect()
        await receiver.connect()
        got_here: list[str] = []
        got_there: list[str] = []
        tasks = [
            asyncio.create_task(_collect(sender.subscribe(Channel.EVENTS), got_here)),
            asyncio.create_task(_collect(receiver.subscribe(Channel.EVENTS), got_there)),
        ]

        async def both_subscribed() -> bool:
            return await _subscribers(redis_url, f"{namespace}:events") == 2

        await _wait_for(both_subscribed)
        for i in range(50):
            await sender.publish(Channel.EVENTS, f"event {i}")

        async def all_arrived() -> bool:
            return len(got_here) == 50 and len(got_there) == 50

        await _wait_for(all_arrived)
        assert got_there == [f"event {i}" for i in range(50)] == got_here
        assert sender.status().published == 50 and sender.status().connected is True
        await sender.disconnect()
        await receiver.disconnect()
        await asyncio.wait_for(asyncio.gather(*tasks), 5)

    asyncio.run(scenario())


def test_subscription_recovers_after_client_kill(redis_url: str) -> None:
    async def scenario() -> None:
        namespace = f"test:{uuid.uuid4().hex}"
        bus = RedisBus(redis_url, namespace, max_backoff=0.5)
        await bus.connect()
        got: list[str] = []
        task = asyncio.create_task(_collect(bus.subscribe(Channel.EVENTS), got))

        async def subscribed() -> bool:
            return await _subscribers(redis_url, f"{namespace}:events") == 1

        await _wait_for(subscribed)
        async with Redis.from_url(redis_url) as admin:
            killed = await admin.execute_command("CLIENT KILL TYPE pubsub")  # type: ignore[no-untyped-call]
        assert int(killed) >= 1

        async def reported_down() -> bool:
            return bus.status().subscribe_errors != 0

        await _wait_for(reported_down)
        await _wait_for(subscribed)

        async def healed() -> bool:
            return bus.status().connected is True

        await _wait_for(healed)
        await bus.publish(Channel.EVENTS, "after the outage")

        async def arrived() -> bool:
            return got == ["after the outage"]

        await _wait_for(arrived)
        assert "subscribe" in str(bus.status().last_error)
        await bus.disconnect()
        await asyncio.wait_for(task, 5)

    asyncio.run(scenario())


def test_publisher_retries_after_its_connection_is_killed(redis_url: str) -> None:
    async def scenario() -> None:
        namespace = f"test:{uuid.uuid4().hex}"
        bus = RedisBus(redis_url, namespace, max_backoff=0.5)
        await bus.connect()
        got: list[str] = []
        task = asyncio.create_task(_collect(bus.subscribe(Channel.EVENTS), got))

        async def subscribed() -> bool:
            return await _subscribers(redis_url, f"{namespace}:events") == 1

        await _wait_for(subscribed)
        await bus.publish(Channel.EVENTS, "one")

        async def first() -> bool:
            return got == ["one"]

        await _wait_for(first)
        async with Redis.from_url(redis_url) as admin:
            for client in await admin.client_list(_type="normal"):
                if client.get("name") == CLIENT_NAME:
                    await admin.client_kill_filter(_id=client["id"])
        await bus.publish(Channel.EVENTS, "two")
        await bus.publish(Channel.EVENTS, "three")

        async def rest() -> bool:
            return got == ["one", "two", "three"]

        await _wait_for(rest)
        await bus.disconnect()
        await asyncio.wait_for(task, 5)

    asyncio.run(scenario())


def test_unreachable_redis_is_a_clear_error() -> None:
    async def scenario() -> None:
        bus = RedisBus("redis://:pw@127.0.0.1:1/0")
        with pytest.raises(RuntimeError, match=r"AVIATOR_REDIS_URL=redis://:\*\*\*@127.0.0.1:1/0"):
            await bus.connect()

    asyncio.run(scenario())
