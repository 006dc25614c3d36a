"""Answers that many clients poll, built once for everyone who asks within a short time.

A page polls ``/api/status`` every few seconds; fifty of them must not build fifty copies of the same
20 KB answer. The first request builds it, the others that arrive meanwhile wait for that one, and
the encoded answer is served as it is until it is ``ttl`` seconds old.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class SharedAnswers:
    """Encoded answers by key, each kept ``ttl`` seconds."""

    def __init__(self, ttl: float = 0.5) -> None:
        self.ttl = ttl
        self._answers: dict[str, tuple[float, bytes]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def get(self, key: str, build: Callable[[], Awaitable[bytes]]) -> bytes:
        found = self._answers.get(key)
        if found is not None and time.monotonic() - found[0] < self.ttl:
            return found[1]
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            found = self._answers.get(key)
            if found is not None and time.monotonic() - found[0] < self.ttl:
                return found[1]
            body = await build()
            self._answers[key] = (time.monotonic(), body)
            return body

    def clear(self) -> None:
        self._answers.clear()
