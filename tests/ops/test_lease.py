"""The lease: one leader at a time, takeover when it goes, on Redis and on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import psycopg
import pytest
from redis.asyncio import Redis
from sqlalchemy.engine import make_url

from aviator.ops.lease import FileLease, LocalLease, PostgresLease, RedisLease, create_lease
from aviator.store.db import normalize_url

REDIS_ENV = "AVIATOR_TEST_REDIS_URL"
PG_ENV = "AVIATOR_TEST_DATABASE_URL"


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"Redis lease tests: set {REDIS_ENV}=redis://host:6379/0 to run them")
    return url


@pytest.fixture
def pg_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL lease tests: set {PG_ENV}=postgresql://user@host:5432/db to run them")
    return url


def test_local_lease_always_leads() -> None:
    async def scenario() -> None:
        lease = LocalLease()
        assert await lease.step() is True
        assert lease.is_leader and lease.status().kind == "local"
        assert await lease.step() is False

    asyncio.run(scenario())


def test_create_lease_picks_the_backend(tmp_path: Path) -> None:
    assert isinstance(create_lease("sqlite://", None, "ns"), LocalLease)
    file_lease = create_lease(f"sqlite:///{tmp_path / 'x.db'}", None, "ns")
    assert isinstance(file_lease, FileLease) and file_lease.path == tmp_path / "x.db.lease"
    assert isinstance(create_lease("postgresql://u@h/db", None, "ns"), PostgresLease)
    lease = create_lease("postgresql://u@h/db", "redis://h:6379/0", "aviator:abc")
    assert isinstance(lease, RedisLease) and lease.key == "aviator:abc:leader"


def test_file_lease_one_leader_per_database_file_and_takeover(tmp_path: Path) -> None:
    async def scenario() -> None:
        path = tmp_path / "store.db.lease"
        first, second = FileLease(path), FileLease(path)
        assert await first.step() and first.is_leader
        assert not await second.step() and not second.is_leader
        assert first.status().lock_file == str(path)
        await first.release()  # as when the process ends: the lock goes with it
        assert await second.step() and second.is_leader
        await second.release()

    asyncio.run(scenario())


@pytest.mark.services
def test_redis_lease_one_leader_and_takeover(redis_url: str) -> None:
    async def scenario() -> None:
        key = f"test:{uuid.uuid4().hex}:leader"
        first = RedisLease(redis_url, key, ttl=1.0, interval=0.3)
        second = RedisLease(redis_url, key, ttl=1.0, interval=0.3)
        assert await first.step() and first.is_leader
        assert not await second.step() and not second.is_leader
        assert second.status().current_holder == first.holder
        assert not await first.step() and first.is_leader  # renewed
        # The leader dies without releasing: the key expires and the other takes over.
        loop = asyncio.get_running_loop()
        started = loop.time()
        while not second.is_leader:
            await second.step()
            await asyncio.sleep(0.1)
        assert loop.time() - started < 2.0
        # The old leader finds out at its next renewal.
        assert await first.step() and not first.is_leader
        assert first.status().current_holder == second.holder
        await second.release()
        assert await first.step() and first.is_leader
        await first.release()
        await second.release()

    asyncio.run(scenario())


@pytest.mark.services
def test_redis_lease_survives_a_dropped_connection_but_not_an_outage(redis_url: str) -> None:
    async def scenario() -> None:
        key = f"test:{uuid.uuid4().hex}:leader"
        lease = RedisLease(redis_url, key, ttl=1.5, interval=0.5)
        await lease.step()
        async with Redis.from_url(redis_url) as admin:
            for client in await admin.client_list(_type="normal"):
                if client.get("name") == "aviator-lease":
                    await admin.client_kill_filter(_id=client["id"])
        await lease.step()  # fails on the killed connection, but the key is surely still ours
        assert lease.is_leader and lease.last_error
        await lease.step()  # reconnects and renews
        assert lease.is_leader and lease.last_error is None
        await lease.release()

        gone = RedisLease("redis://127.0.0.1:1/0", key, ttl=1.5, interval=0.5)
        assert not await gone.step() and not gone.is_leader and gone.last_error
        await gone.release()

    asyncio.run(scenario())


@pytest.mark.services
def test_redis_lease_run_reports_changes(redis_url: str) -> None:
    async def scenario() -> None:
        key = f"test:{uuid.uuid4().hex}:leader"
        lease = RedisLease(redis_url, key, ttl=1.0, interval=0.2)
        seen: list[bool] = []

        async def on_change(leader: bool) -> None:
            seen.append(leader)

        task = asyncio.create_task(lease.run(on_change))
        await asyncio.sleep(0.3)
        async with Redis.from_url(redis_url) as admin:
            await admin.set(key, "someone-else", px=500)
        await asyncio.sleep(1.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert seen == [True, False, True]
        await lease.release()

    asyncio.run(scenario())


@pytest.mark.services
def test_postgres_lease_one_leader_and_takeover(pg_url: str) -> None:
    async def scenario() -> None:
        key = int(uuid.uuid4().int % 1_000_000_000)
        first, second = PostgresLease(pg_url, key), PostgresLease(pg_url, key)
        assert await first.step() and first.is_leader
        assert not await second.step() and not second.is_leader
        assert not await first.step() and first.is_leader
        # The leader's session dies (as with kill -9): the lock goes with it.
        dsn = make_url(normalize_url(pg_url)).set(drivername="postgresql").render_as_string(False)
        async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as admin:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks "
                "WHERE locktype = 'advisory' AND objid = %s AND granted",
                (key,),
            )
            # pg_terminate_backend only signals: wait until the backend is gone with its lock.
            for _ in range(200):
                cursor = await admin.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND granted",
                    (key,),
                )
                row = await cursor.fetchone()
                if row is not None and row[0] == 0:
                    break
                await asyncio.sleep(0.02)
        assert await first.step() and not first.is_leader and first.last_error
        assert await second.step() and second.is_leader
        await second.release()
        assert await first.step() and first.is_leader
        await first.release()

    asyncio.run(scenario())
