"""Redis pub/sub bus (filled in by the scale-out work)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aviator.bus.base import Bus


class RedisBus(Bus):
    """Placeholder until the Redis backend lands: refuses to start."""

    name = "redis"

    def __init__(self, url: str) -> None:
        self.url = url

    async def connect(self) -> None:
        raise RuntimeError("the Redis bus is not available yet")

    async def publish(self, message: str) -> None:
        raise RuntimeError("the Redis bus is not available yet")

    async def subscribe(self) -> AsyncIterator[str]:
        raise RuntimeError("the Redis bus is not available yet")
        yield ""
