"""In-process bus: one bounded queue per subscriber."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aviator.bus.base import Bus

logger = logging.getLogger(__name__)

_CLOSE = object()


class MemoryBus(Bus):
    """Delivers to subscribers of this process only. A full subscriber queue drops its oldest message."""

    name = "memory"

    def __init__(self, queue_size: int = 10_000) -> None:
        self._queues: set[asyncio.Queue[object]] = set()
        self._queue_size = queue_size
        self.dropped = 0

    async def publish(self, message: str) -> None:
        for queue in list(self._queues):
            if queue.full():
                queue.get_nowait()
                self.dropped += 1
            queue.put_nowait(message)

    async def subscribe(self) -> AsyncIterator[str]:
        queue: asyncio.Queue[object] = asyncio.Queue(self._queue_size)
        self._queues.add(queue)
        try:
            while True:
                item = await queue.get()
                if item is _CLOSE:
                    return
                assert isinstance(item, str)
                yield item
        finally:
            self._queues.discard(queue)

    async def disconnect(self) -> None:
        for queue in list(self._queues):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(_CLOSE)
