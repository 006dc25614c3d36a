"""The lease: of all the processes sharing one store, exactly one runs the sources and the engine.

- Redis configured: a key with an expiry (``SET NX PX``), renewed every ~2 s by a compare-and-renew
  script; a leader that cannot renew steps down before its key can expire.
- PostgreSQL without Redis: a session advisory lock held on a dedicated connection (it goes when
  the process or its connection dies).
- SQLite: an exclusive lock on a file beside the database (``flock``; it goes when the process dies),
  so two servers started on one database file never both lead.
- A store in memory: always the leader.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import socket
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Any

import psycopg
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from sqlalchemy.engine import make_url

from aviator.core.redact import redact
from aviator.core.status import LeaseStatus
from aviator.store.db import normalize_url

logger = logging.getLogger(__name__)

#: The advisory-lock key of the PostgreSQL lease (advisory locks are per database).
PG_LEASE_KEY = 7_165_002

_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


def holder_id() -> str:
    """Who holds a lease: host, pid and a random part (pids repeat across hosts and restarts)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Lease(ABC):
    """Leadership that one process at a time holds; ``run`` keeps it (or keeps trying)."""

    kind = "lease"

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.holder = holder_id()
        self.is_leader = False
        self.since: float | None = None
        self.changes = 0
        self.last_error: str | None = None

    @abstractmethod
    async def _attempt(self) -> bool:
        """Acquire the lease, or renew it when held; True while this process holds it."""

    async def release(self) -> None:
        """Give the lease up (on a clean stop), so another process takes over at once."""
        self._set(False)

    def _details(self) -> dict[str, Any]:
        return {}

    def _set(self, leader: bool) -> bool:
        changed = leader != self.is_leader
        if changed:
            self.is_leader = leader
            self.since = time.time()
            self.changes += 1
            logger.info("lease (%s): %s", self.kind, "this process leads" if leader else "following")
        return changed

    async def step(self) -> bool:
        """One attempt; returns True when leadership changed."""
        try:
            held = await self._attempt()
        except (RedisError, OSError, psycopg.Error) as exc:
            self.last_error = str(exc) or type(exc).__name__
            logger.warning("lease (%s): %s", self.kind, self.last_error)
            held = self._hold_through_error()
        return self._set(held)

    def _hold_through_error(self) -> bool:
        return False

    async def run(self, on_change: Callable[[bool], Awaitable[None]]) -> None:
        """Renew or try to acquire every ``interval`` seconds; call ``on_change`` on each change."""
        while True:
            if await self.step():
                await on_change(self.is_leader)
            await asyncio.sleep(self.interval)

    def status(self) -> LeaseStatus:
        return LeaseStatus(
            kind=self.kind,
            holder=self.holder,
            leader=self.is_leader,
            since=self.since,
            changes=self.changes,
            last_error=self.last_error,
            **self._details(),
        )


class LocalLease(Lease):
    """One process alone with its store: it always leads."""

    kind = "local"

    def __init__(self) -> None:
        super().__init__(interval=3600.0)

    async def _attempt(self) -> bool:
        return True


class RedisLease(Lease):
    """A Redis key holding this process's id, with a TTL the leader keeps renewing."""

    kind = "redis"

    def __init__(self, url: str, key: str, ttl: float = 6.0, interval: float = 2.0) -> None:
        super().__init__(interval)
        if ttl <= 2 * interval:
            raise ValueError("the lease TTL must be more than twice the renewal interval")
        self.url = url
        self.key = key
        self.ttl = ttl
        self.current_holder: str | None = None
        self._renewed_at = 0.0
        timeout = min(1.0, interval / 2)
        # A client of its own that fails fast (no hidden retries): a lease must know at once.
        self._client: Redis = Redis.from_url(
            url,
            decode_responses=True,
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            client_name="aviator-lease",
        )

    async def _attempt(self) -> bool:
        ttl_ms = int(self.ttl * 1000)
        if self.is_leader:
            renewed = await self._client.eval(_RENEW, 1, self.key, self.holder, ttl_ms)
            if not int(renewed):
                self.current_holder = _text(await self._client.get(self.key))
                logger.warning("lease (redis): lost to %s", self.current_holder)
                return False
        elif not await self._client.set(self.key, self.holder, nx=True, px=ttl_ms):
            self.current_holder = _text(await self._client.get(self.key))
            return False
        self._renewed_at = time.monotonic()
        self.current_holder = self.holder
        self.last_error = None
        return True

    def _hold_through_error(self) -> bool:
        # Keep leading only while the key surely has not expired yet (one renewal early).
        return self.is_leader and time.monotonic() - self._renewed_at < self.ttl - self.interval

    async def release(self) -> None:
        with contextlib.suppress(RedisError, OSError):
            if self.is_leader:
                await self._client.eval(_RELEASE, 1, self.key, self.holder)
        with contextlib.suppress(RedisError, OSError):
            await self._client.aclose()
        self._set(False)

    def _details(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "ttl_s": self.ttl,
            "current_holder": self.current_holder,
            "url": redact(self.url),
        }


class PostgresLease(Lease):
    """``pg_try_advisory_lock`` on a connection of its own, checked at every step."""

    kind = "postgresql"

    def __init__(self, database_url: str, key: int = PG_LEASE_KEY, interval: float = 2.0) -> None:
        super().__init__(interval)
        url = make_url(normalize_url(database_url)).set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)
        self.key = key
        self._conn: psycopg.AsyncConnection[Any] | None = None

    async def _attempt(self) -> bool:
        if self._conn is None or self._conn.closed:
            if self.is_leader:
                # The connection that held the lock is gone, and the lock went with it.
                self._conn = None
                return False
            self._conn = await psycopg.AsyncConnection.connect(self._dsn, autocommit=True, connect_timeout=5)
        try:
            if self.is_leader:
                await self._conn.execute("SELECT 1")
                return True
            cursor = await self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,))
            row = await cursor.fetchone()
        except (psycopg.Error, OSError):
            await self._close()
            raise
        self.last_error = None
        return bool(row and row[0])

    async def _close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(psycopg.Error, OSError):
                await self._conn.close()
            self._conn = None

    async def release(self) -> None:
        await self._close()  # closing the session frees its advisory locks
        self._set(False)

    def _details(self) -> dict[str, Any]:
        return {"lock_key": self.key}


class FileLease(Lease):
    """An exclusive ``flock`` on a file beside a SQLite database: held while this process lives."""

    kind = "file"

    def __init__(self, path: Path, interval: float = 2.0) -> None:
        super().__init__(interval)
        self.path = path
        self._handle: IO[bytes] | None = None

    async def _attempt(self) -> bool:
        if self._handle is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+b")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{self.holder}\n".encode())
        handle.flush()
        self._handle = handle
        self.last_error = None
        return True

    async def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None
        self._set(False)

    def _details(self) -> dict[str, Any]:
        return {"lock_file": str(self.path)}


def sqlite_file(database_url: str) -> Path | None:
    """The database file of a SQLite URL (None for another backend or a store in memory)."""
    url = make_url(normalize_url(database_url))
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).resolve()


def create_lease(database_url: str, redis_url: str | None, namespace: str) -> Lease:
    """The lease the settings allow: Redis, else PostgreSQL, else a lock file, else local."""
    if redis_url:
        return RedisLease(redis_url, f"{namespace}:leader")
    if make_url(normalize_url(database_url)).get_backend_name() == "postgresql":
        return PostgresLease(database_url)
    database = sqlite_file(database_url)
    if database is not None:
        return FileLease(database.with_name(database.name + ".lease"))
    return LocalLease()
