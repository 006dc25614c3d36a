"""Helpers shared by the tests: waiting for a condition (never a fixed sleep), rounds to store."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aviator.core.rounds import Round
from aviator.core.streams import Game, StreamKind, StreamSpec
from aviator.store.repository import Store, StreamRecord

T0 = datetime(2025, 1, 1, tzinfo=UTC)


async def eventually(
    condition: Callable[[], bool | Awaitable[bool]],
    timeout: float = 30.0,
    interval: float = 0.01,
    what: str = "",
) -> None:
    """Wait until ``condition()`` is true (it may be a coroutine function); fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if not isinstance(result, bool):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {what or condition}")
        await asyncio.sleep(interval)


def wait_until(
    condition: Callable[[], bool], timeout: float = 30.0, interval: float = 0.02, what: str = ""
) -> None:
    """The same for code outside an event loop."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {what or condition}")
        time.sleep(interval)


def stream(
    store: Store, name: str = "t", kind: StreamKind = StreamKind.HTTP, rtp: float = 0.97
) -> StreamRecord:
    """A stream in the store (created if new)."""
    return store.ensure_stream(StreamSpec(name=name, kind=kind, rtp=rtp))


def rounds(values: Sequence[float], start: int = 0, stream: str = "t") -> list[Round]:
    """Rounds of ``stream`` with ids and timestamps counting from ``start``."""
    return [
        Round(
            stream=stream,
            source=stream,
            round_id=str(start + i),
            multiplier=v,
            timestamp=T0 + timedelta(seconds=start + i),
        )
        for i, v in enumerate(values)
    ]


def stored_stream(
    path: Path, name: str, values: Sequence[float], game: Game = Game.AVIATOR, rtp: float = 0.97
) -> str:
    """A migrated SQLite store at ``path`` holding ``values`` as stream ``name``; returns its URL."""
    from aviator.store.db import connect, migrate

    url = f"sqlite:///{path}"
    engine = connect(url)
    migrate(engine)
    store = Store(engine)
    store.ensure_stream(StreamSpec(name=name, kind=StreamKind.IMPORT, game=game, rtp=rtp))
    store.add_rounds(rounds(values, stream=name))
    engine.dispose()
    return url
