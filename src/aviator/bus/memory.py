"""In-process bus: one bounded queue per subscriber."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aviator.bus.base import Bus, Channel

logger = logging.getLogger(__name__)

_CLOSE = object()


class MemoryBus(Bus):
    """Delivers to subscribers of this process only. A full subscriber queue drops its oldest message."""

    name = "memory"
    spans_processes = False

    def __init__(self, namespace: str = "aviator", queue_size: int = 10_000) -> None:
        super().__init__(namespace)
        self._queues: dict[Channel, set[asyncio.Queue[object]]] = {}
        self._queue_size = queue_size
        self.dropped = 0

    async def publish(self, channel: Channel, message: str) -> None:
        for queue in list(self._queues.get(channel, ())):
            if queue.full():
                queue.get_nowait()
                self.dropped += 1
            queue.put_nowait(message)

    async def subscribe(self, channel: Channel) -> AsyncIterator[str]:
        queue: asyncio.Queue[object] = asyncio.Queue(self._queue_size)
        subscribers = self._queues.setdefault(channel, set())
        subscribers.add(queue)
        try:
            while True:
                item = await queue.get()
                if item is _CLOSE:
                    return
                assert isinstance(item, str)
                yield item
        finally:
            subscribers.discard(queue)

    async def disconnect(self) -> None:
        for subscribers in self._queues.values():
            for queue in list(subscribers):
                if queue.full():
                    queue.get_nowait()
                queue.put_nowait(_CLOSE)
