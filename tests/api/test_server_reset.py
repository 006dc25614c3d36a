"""A reset made through one process reaches the engine of another sharing the store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from aviator.api.server import Services
from aviator.core.rounds import Round
from aviator.core.settings import load_settings


def test_a_reset_elsewhere_makes_this_engine_forget(tmp_path: Path) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 's.db'}", source="none")

    async def scenario() -> None:
        leader, other = Services(settings), Services(settings)
        await leader.start()
        await other.start()
        try:
            leader.store.add_rounds(
                [
                    Round(source="t", round_id=str(i), multiplier=2.0, timestamp=datetime.now(UTC))
                    for i in range(3)
                ]
            )
            await leader.engine.process_new_rounds()
            assert leader.engine.rounds_seen == 3
            assert await leader.follow_reset() is False

            await other.reset()
            assert leader.store.count_rounds() == 0
            assert await leader.follow_reset() is True
            assert leader.engine.rounds_seen == 0
            assert leader.engine.tracker.summary("house")["rounds"] == 0
            assert await leader.follow_reset() is False
        finally:
            await other.stop()
            await leader.stop()

    asyncio.run(scenario())
