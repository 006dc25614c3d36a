"""A store error left by an engine loop that was stopped (a change of leader cancels it and starts
another) is cleared by the next loop's first success: the bench found /api/status still showing it
45 s after PostgreSQL came back (benchmarks/bench_reliability.py, item 7)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from aviator.core.runtime import RuntimeSettings
from aviator.live.engine import Engine
from aviator.store.db import connect, migrate
from aviator.store.repository import Store
from tests.support import eventually, rounds, stream


async def _ignore(message: str) -> None:
    json.loads(message)


def test_a_new_engine_loop_clears_the_error_an_earlier_loop_left(tmp_path: Path) -> None:
    db = connect(f"sqlite:///{tmp_path / 's.db'}")
    migrate(db)
    store = Store(db)
    stream(store, "t")

    async def scenario() -> None:
        engine = Engine(store, _ignore, RuntimeSettings(), ["house"])
        await engine.start()
        engine.store_error = "OperationalError: server closed the connection unexpectedly"  # the old loop's
        store.add_rounds(rounds([1.5, 2.5]))
        task = asyncio.create_task(engine.run(poll_seconds=0.01))
        await eventually(lambda: engine.rounds_seen == 2 and engine.store_error is None, what="cleared")
        task.cancel()

    asyncio.run(scenario())
