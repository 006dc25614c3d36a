"""Redis pub/sub bus: every process and host that shares one Redis receives every event.

Publishing never blocks the caller: messages wait in a bounded outbox that one task sends in order.
When Redis goes away, the publisher and each subscription say so (``status()`` and a warning),
retry with exponential backoff and carry on by themselves once Redis answers again. Pub/sub keeps
nothing: a subscription that was down misses the events of its outage and gets the next ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from aviator.bus.base import Bus, Channel
from aviator.core.redact import redact
from aviator.core.status import BusStatus

logger = logging.getLogger(__name__)

CLIENT_NAME = "aviator-bus"
_MIN_BACKOFF = 0.1
_POLL_SECONDS = 0.25
_ERRORS = (RedisError, OSError)


def make_client(url: str, name: str, timeout: float = 5.0) -> Redis:
    """A client that fails fast (no hidden retries): the callers own the retry and the reporting."""
    client: Redis = Redis.from_url(
        url,
        decode_responses=True,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=10,
        client_name=name,
    )
    return client


class RedisBus(Bus):
    """Publishes to Redis channels and yields what arrives on them, from any process."""

    name = "redis"
    spans_processes = True

    def __init__(
        self,
        url: str,
        namespace: str = "aviator",
        outbox_size: int = 10_000,
        max_backoff: float = 5.0,
    ) -> None:
        super().__init__(namespace)
        self.url = url
        self.max_backoff = max_backoff
        self.published = 0
        self.dropped = 0
        self.publish_errors = 0
        self.subscribe_errors = 0
        self.last_error: str | None = None
        self._outbox: asyncio.Queue[tuple[str, str]] = asyncio.Queue(outbox_size)
        self._client: Redis | None = None
        self._publisher: asyncio.Task[None] | None = None
        self._publisher_down_since: float | None = None
        self._subscriptions: set[PubSub] = set()
        self._subscriptions_down = 0
        self._closing = False

    # -- life cycle -----------------------------------------------------------------------------
    async def connect(self) -> None:
        """Check that Redis answers (a clear error if not) and start the publisher."""
        self._closing = False
        self._client = make_client(self.url, CLIENT_NAME)
        try:
            await self._client.ping()
        except _ERRORS as exc:
            await self._client.aclose()
            self._client = None
            raise RuntimeError(f"AVIATOR_REDIS_URL={redact(self.url)}: Redis does not answer: {exc}") from exc
        self._publisher = asyncio.create_task(self._publish_loop(), name="redis-bus-publisher")
        logger.info("bus: Redis %s, channels %s:*", redact(self.url), self.namespace)

    async def disconnect(self) -> None:
        """Send what is waiting (for a moment at most), then close; subscriptions end."""
        self._closing = True
        if self._publisher is not None:
            deadline = time.monotonic() + 1.0
            while not self._outbox.empty() and self._publisher_down_since is None:
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.01)
            self._publisher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._publisher
            self._publisher = None
        # Subscriptions notice ``_closing`` within one poll and close their own connection.
        deadline = time.monotonic() + 2 * _POLL_SECONDS
        while self._subscriptions and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        for pubsub in list(self._subscriptions):
            with contextlib.suppress(*_ERRORS):
                await pubsub.aclose()  # type: ignore[no-untyped-call]
        if self._client is not None:
            with contextlib.suppress(*_ERRORS):
                await self._client.aclose()
            self._client = None

    # -- publishing -----------------------------------------------------------------------------
    async def publish(self, channel: Channel, message: str) -> None:
        if self._outbox.full():
            self._outbox.get_nowait()
            self.dropped += 1
        self._outbox.put_nowait((self.channel_name(channel), message))

    async def _publish_loop(self) -> None:
        backoff = _MIN_BACKOFF
        while True:
            channel, message = await self._outbox.get()
            while True:
                client = self._client
                if client is None:
                    return
                try:
                    await client.publish(channel, message)
                except _ERRORS as exc:
                    self.publish_errors += 1
                    self.last_error = f"publish: {exc}"
                    if self._publisher_down_since is None:
                        self._publisher_down_since = time.monotonic()
                        logger.warning("bus: cannot publish to Redis (%s); retrying with backoff", exc)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, self.max_backoff)
                    continue
                break
            if self._publisher_down_since is not None:
                down = time.monotonic() - self._publisher_down_since
                self._publisher_down_since = None
                logger.info("bus: publishing to Redis again after %.1f s", down)
            backoff = _MIN_BACKOFF
            self.published += 1

    # -- subscribing ----------------------------------------------------------------------------
    async def subscribe(self, channel: Channel) -> AsyncIterator[str]:
        down_since: list[float] = []  # set while this subscription is down
        try:
            async for message in self._subscription(self.channel_name(channel), down_since):
                yield message
        finally:
            if down_since:
                self._subscriptions_down -= 1

    async def _subscription(self, channel: str, down_since: list[float]) -> AsyncIterator[str]:
        backoff = _MIN_BACKOFF
        while not self._closing and self._client is not None:
            pubsub = self._client.pubsub(ignore_subscribe_messages=True)
            self._subscriptions.add(pubsub)
            try:
                await pubsub.subscribe(channel)
                if down_since:
                    logger.info("bus: Redis subscription back after %.1f s", time.monotonic() - down_since[0])
                    down_since.clear()
                    self._subscriptions_down -= 1
                backoff = _MIN_BACKOFF
                while not self._closing:
                    item = await pubsub.get_message(ignore_subscribe_messages=True, timeout=_POLL_SECONDS)
                    if item is not None and item["type"] == "message":
                        yield str(item["data"])
            except _ERRORS as exc:
                if self._closing:
                    break
                self.subscribe_errors += 1
                self.last_error = f"subscribe: {exc}"
                if not down_since:
                    down_since.append(time.monotonic())
                    self._subscriptions_down += 1
                    logger.warning("bus: Redis subscription lost (%s); resubscribing with backoff", exc)
            finally:
                self._subscriptions.discard(pubsub)
                with contextlib.suppress(*_ERRORS):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
            if not self._closing:
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, self.max_backoff)

    # -- reporting ------------------------------------------------------------------------------
    def status(self) -> BusStatus:
        publishing = self._client is not None and self._publisher_down_since is None
        return BusStatus(
            backend=self.name,
            connected=publishing and self._subscriptions_down == 0,
            publishing=publishing,
            subscriptions=len(self._subscriptions),
            subscriptions_down=self._subscriptions_down,
            url=redact(self.url),
            channel=f"{self.namespace}:*",
            published=self.published,
            outbox=self._outbox.qsize(),
            dropped=self.dropped,
            publish_errors=self.publish_errors,
            subscribe_errors=self.subscribe_errors,
            last_error=self.last_error,
        )
