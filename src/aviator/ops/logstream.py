"""The system log the dashboard shows: the app's log records, kept in a ring and published as events."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

from aviator.bus.base import Bus
from aviator.core.events import encode_event


class BusLogHandler(logging.Handler):
    """Publishes INFO-and-above records of the ``aviator`` loggers as ``log`` events."""

    def __init__(self, bus: Bus, loop: asyncio.AbstractEventLoop, keep: int = 200) -> None:
        super().__init__(logging.INFO)
        self.bus = bus
        self.loop = loop
        self.recent: deque[dict[str, Any]] = deque(maxlen=keep)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            entry = {
                "level": record.levelname,
                "logger": record.name,
                "message": record.getMessage(),
                "time": record.created,
            }
            self.recent.append(entry)
            message = encode_event("log", entry)
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is self.loop:
                self.loop.create_task(self.bus.publish(message))
            elif not self.loop.is_closed():
                asyncio.run_coroutine_threadsafe(self.bus.publish(message), self.loop)
        except Exception:  # a log line must never break the code that logs it
            self.handleError(record)
