from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aviator.bus.memory import MemoryBus
from aviator.core.rounds import Round, StoredRound
from aviator.core.runtime import RuntimeSettings
from aviator.live.engine import LIVE_BACKLOG_LIMIT, Engine
from aviator.store.db import connect, migrate
from aviator.store.repository import Store

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def _store(tmp_path: Path) -> Store:
    engine = connect(f"sqlite:///{tmp_path / 'e.db'}")
    migrate(engine)
    return Store(engine)


def _rounds(values: list[float], start: int = 0) -> list[Round]:
    return [
        Round(source="t", round_id=str(start + i), multiplier=v, timestamp=T0 + timedelta(seconds=start + i))
        for i, v in enumerate(values)
    ]


def test_each_round_scores_the_forecast_made_before_it(tmp_path: Path) -> None:
    store = _store(tmp_path)

    async def scenario() -> None:
        engine = Engine(store, MemoryBus(), RuntimeSettings(), ["house"])
        await engine.start()
        before = engine.pending["house"]
        store.add_rounds(_rounds([1.0, 2.5]))
        assert await engine.process_new_rounds() == 2
        rows = store.recent_predictions(10)
        assert [r["actual"] for r in rows] == [2.5, 1.0]
        assert [r["hit"] for r in rows] == [True, False]
        assert rows[-1]["p_target"] == pytest.approx(before.p_target)
        assert engine.pending["house"].seq == engine.last_seq == 2
        summary = engine.tracker.summary("house")
        assert summary["rounds"] == 2
        assert summary["streak"] == {"current": 1, "best": 1}

    asyncio.run(scenario())


def test_restart_goes_on_from_the_last_processed_round(tmp_path: Path) -> None:
    store = _store(tmp_path)

    async def first_run() -> None:
        engine = Engine(store, MemoryBus(), RuntimeSettings(), ["house"])
        await engine.start()
        store.add_rounds(_rounds([1.2, 3.4, 5.6]))
        await engine.process_new_rounds()
        await engine.close()

    async def second_run() -> None:
        store.add_rounds(_rounds([7.8], start=3))  # stored while the engine was down
        engine = Engine(store, MemoryBus(), RuntimeSettings(), ["house"])
        await engine.start()
        assert engine.last_seq == 3 and engine.tracker.summary("house")["rounds"] == 3
        assert await engine.process_new_rounds() == 1
        assert engine.tracker.summary("house")["rounds"] == 4
        assert list(engine.history) == [1.2, 3.4, 5.6, 7.8]

    asyncio.run(first_run())
    asyncio.run(second_run())


def test_a_large_backlog_is_learned_in_bulk_not_scored(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.add_rounds(_rounds([2.0] * (LIVE_BACKLOG_LIMIT + 50)))

    async def scenario() -> None:
        engine = Engine(store, MemoryBus(), RuntimeSettings(), ["house"])
        await engine.start()
        assert engine.rounds_seen == LIVE_BACKLOG_LIMIT + 49
        assert await engine.process_new_rounds() == 1
        assert engine.tracker.summary("house")["rounds"] == 1

    asyncio.run(scenario())


def test_settings_change_redoes_the_pending_forecast(tmp_path: Path) -> None:
    async def scenario() -> None:
        engine = Engine(_store(tmp_path), MemoryBus(), RuntimeSettings(), ["house"])
        await engine.start()
        engine.apply_settings(RuntimeSettings(target=4.0, rtp=0.99))
        forecast = engine.pending["house"]
        assert forecast.target == 4.0 and forecast.p_target == pytest.approx(0.99 / 4)

    asyncio.run(scenario())


def test_reset_forgets_rounds_and_scores(tmp_path: Path) -> None:
    store = _store(tmp_path)

    async def scenario() -> None:
        engine = Engine(store, MemoryBus(), RuntimeSettings(), ["house"])
        await engine.start()
        store.add_rounds(_rounds([1.5, 2.5]))
        await engine.process_new_rounds()
        await engine.reset()
        assert store.count_rounds() == 0 and engine.rounds_seen == 0
        assert engine.tracker.summary("house")["rounds"] == 0

    asyncio.run(scenario())


def test_the_engine_says_when_the_store_fails_and_recovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="aviator.live.engine")
    store = _store(tmp_path)
    real = store.rounds_after
    outage = {"left": 2}

    def flaky(seq: int, limit: int = 1000) -> list[StoredRound]:
        if outage["left"]:
            outage["left"] -= 1
            raise ConnectionError("server closed the connection unexpectedly")
        return real(seq, limit)

    monkeypatch.setattr(store, "rounds_after", flaky)

    async def scenario() -> None:
        engine = Engine(store, MemoryBus(), RuntimeSettings(), ["house"])
        await engine.start()
        store.add_rounds(_rounds([1.5, 2.5]))
        task = asyncio.create_task(engine.run(poll_seconds=0.01))
        for _ in range(500):
            if engine.store_error is not None:
                break
            await asyncio.sleep(0.01)
        assert engine.store_error is not None and "closed the connection" in engine.store_error
        for _ in range(500):
            if engine.rounds_seen == 2 and engine.store_error is None:
                break
            await asyncio.sleep(0.01)
        task.cancel()
        assert engine.rounds_seen == 2 and engine.store_error is None

    asyncio.run(scenario())
    assert "retrying in" in caplog.text and "answers again" in caplog.text
