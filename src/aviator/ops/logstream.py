"""The system log the dashboard shows: the app's log records, kept in a ring and published as events."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from aviator.live.events import EventType, LogEntry, encode_event


class BusLogHandler(logging.Handler):
    """Publishes INFO-and-above records of the ``aviator`` loggers as ``log`` events."""

    def __init__(
        self,
        publish: Callable[[str], Coroutine[Any, Any, None]],
        loop: asyncio.AbstractEventLoop,
        keep: int = 200,
    ) -> None:
        super().__init__(logging.INFO)
        self.publish = publish
        self.loop = loop
        self.recent: deque[LogEntry] = deque(maxlen=keep)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            entry = LogEntry(
                level=record.levelname, logger=record.name, message=record.getMessage(), time=record.created
            )
            self.recent.append(entry)
            message = encode_event(EventType.LOG, entry)
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is self.loop:
                self.loop.create_task(self.publish(message))
            elif not self.loop.is_closed():
                asyncio.run_coroutine_threadsafe(self.publish(message), self.loop)
        except Exception:  # a log line must never break the code that logs it
            self.handleError(record)
