"""A reset made through one process reaches the engine of another sharing the store."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aviator.api.server import Server
from aviator.core.settings import load_settings
from tests.support import rounds, stream


def test_a_reset_elsewhere_makes_this_engine_forget(tmp_path: Path) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 's.db'}", source="none")

    async def scenario() -> None:
        leader, other = Server(settings), Server(settings)
        await leader.start()
        await other.start()
        try:
            assert leader.is_leader and not other.is_leader  # one leader per SQLite file
            stream(leader.store, "t")
            leader.store.add_rounds(rounds([2.0, 2.0, 2.0]))
            await leader.engine.process_new_rounds()
            assert leader.engine.rounds_seen == 3
            assert (await leader.shared.changes()).reset is False

            await other.session.reset()
            assert leader.store.count_rounds() == 0
            assert (await leader.shared.changes()).reset is True
            await leader.session.forget_learning()
            assert leader.engine.rounds_seen == 0
            assert leader.engine.stream("t").tracker.summary("house")["rounds"] == 0
            assert (await leader.shared.changes()).reset is False
        finally:
            await other.stop()
            await leader.stop()

    asyncio.run(scenario())
