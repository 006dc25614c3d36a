from __future__ import annotations

import asyncio
import json
import logging
import threading
from pathlib import Path
from typing import Any

import pytest

from aviator.core.rounds import StoredRound
from aviator.core.runtime import RuntimeSettings
from aviator.live.engine import LIVE_BACKLOG_LIMIT, Engine
from aviator.store.db import connect, migrate
from aviator.store.repository import Store
from tests.support import eventually, rounds, stream


def _store(tmp_path: Path) -> Store:
    engine = connect(f"sqlite:///{tmp_path / 'e.db'}")
    migrate(engine)
    store = Store(engine)
    stream(store, "t")
    stream(store, "u")
    return store


class Published:
    """A publish function that keeps what it was given."""

    def __init__(self) -> None:
        self.events: list[dict[str, object]] = []

    async def __call__(self, message: str) -> None:
        self.events.append(json.loads(message))

    def types(self) -> list[object]:
        return [e["type"] for e in self.events]


def _engine(store: Store, models: list[str] | None = None, runtime: RuntimeSettings | None = None) -> Engine:
    return Engine(store, Published(), runtime or RuntimeSettings(), models or ["house"])


def test_each_round_scores_the_forecast_made_before_it(tmp_path: Path) -> None:
    store = _store(tmp_path)

    async def scenario() -> None:
        engine = _engine(store)
        await engine.start()
        before = engine.stream("t").pending["house"]
        store.add_rounds(rounds([1.0, 2.5]))
        assert await engine.process_new_rounds() == 2
        rows = store.recent_predictions(engine.stream("t").stream.id, 10)
        assert [r["actual"] for r in rows] == [2.5, 1.0]
        assert [r["hit"] for r in rows] == [True, False]
        assert rows[-1]["p_target"] == pytest.approx(before.p_target)
        t = engine.stream("t")
        assert t.pending["house"].seq == 2 and engine.last_seq == 2
        summary = t.tracker.summary("house")
        assert summary["rounds"] == 2
        assert summary["streak"] == {"current": 1, "best": 1}

    asyncio.run(scenario())


def test_streams_are_scored_apart(tmp_path: Path) -> None:
    store = _store(tmp_path)

    async def scenario() -> None:
        engine = _engine(store, ["house", "empirical"])
        await engine.start()
        store.add_rounds(rounds([1.0] * 40, stream="u"))
        store.add_rounds(rounds([3.0, 5.0], stream="t"))
        await engine.process_new_rounds()
        t, u = engine.stream("t"), engine.stream("u")
        assert t.rounds_seen == 2 and u.rounds_seen == 40
        assert (
            t.tracker.summary("empirical")["rounds"] == 2 and u.tracker.summary("empirical")["rounds"] == 40
        )
        assert list(t.history) == [3.0, 5.0]
        # what u's empirical model learned (forty 1.00s) is not in t's forecast
        assert t.pending["empirical"].p_target > u.pending["empirical"].p_target
        published = engine.publish
        assert isinstance(published, Published)
        streams = {e["stream"] for e in published.events if e["type"] == "round"}
        assert streams == {"t", "u"}

    asyncio.run(scenario())


def test_restart_goes_on_from_the_last_processed_round(tmp_path: Path) -> None:
    store = _store(tmp_path)

    async def first_run() -> None:
        engine = _engine(store)
        await engine.start()
        store.add_rounds(rounds([1.2, 3.4, 5.6]))
        await engine.process_new_rounds()
        await engine.close()

    async def second_run() -> None:
        store.add_rounds(rounds([7.8], start=3))  # stored while the engine was down
        engine = _engine(store)
        await engine.start()
        t = engine.stream("t")
        assert engine.last_seq == 3 and t.tracker.summary("house")["rounds"] == 3
        assert await engine.process_new_rounds() == 1
        assert t.tracker.summary("house")["rounds"] == 4
        assert list(t.history) == [1.2, 3.4, 5.6, 7.8]

    asyncio.run(first_run())
    asyncio.run(second_run())


def test_a_large_backlog_is_learned_in_bulk_not_scored(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.add_rounds(rounds([2.0] * (LIVE_BACKLOG_LIMIT + 50)))

    async def scenario() -> None:
        engine = _engine(store)
        await engine.start()
        assert engine.rounds_seen == LIVE_BACKLOG_LIMIT + 49
        assert await engine.process_new_rounds() == LIVE_BACKLOG_LIMIT + 50
        assert engine.stream("t").tracker.summary("house")["rounds"] == 1

    asyncio.run(scenario())


def test_a_stream_first_seen_while_running_gets_its_own_engine(tmp_path: Path) -> None:
    store = _store(tmp_path)

    async def scenario() -> None:
        engine = _engine(store)
        await engine.start()
        stream(store, "late")
        store.add_rounds(rounds([2.0, 4.0], stream="late"))
        await engine.process_new_rounds()
        assert engine.stream("late").rounds_seen == 2

    asyncio.run(scenario())


def test_settings_change_redoes_the_pending_forecast(tmp_path: Path) -> None:
    async def scenario() -> None:
        engine = _engine(_store(tmp_path))
        await engine.start()
        engine.apply_settings(RuntimeSettings(target=4.0))
        forecast = engine.stream("t").pending["house"]
        assert forecast.target == 4.0 and forecast.p_target == pytest.approx(0.97 / 4)
        record = engine.stream("t").stream._replace(rtp=0.99)
        engine.apply_stream(record)
        assert engine.stream("t").pending["house"].p_target == pytest.approx(0.99 / 4)
        assert engine.stream("u").pending["house"].p_target == pytest.approx(0.97 / 4)

    asyncio.run(scenario())


def test_forget_drops_every_stream_and_start_reloads(tmp_path: Path) -> None:
    store = _store(tmp_path)

    async def scenario() -> None:
        engine = _engine(store)
        await engine.start()
        store.add_rounds(rounds([1.5, 2.5]))
        await engine.process_new_rounds()
        store.reset()
        engine.forget()
        await engine.start()
        assert store.count_rounds() == 0 and engine.rounds_seen == 0
        assert engine.stream("t").tracker.summary("house")["rounds"] == 0

    asyncio.run(scenario())


def test_a_follower_does_not_persist(tmp_path: Path) -> None:
    store = _store(tmp_path)

    async def scenario() -> None:
        engine = _engine(store)
        await engine.start()
        engine.persisting = False
        store.add_rounds(rounds([1.5, 2.5]))
        await engine.process_new_rounds()
        assert engine.stream("t").rounds_seen == 2
        assert store.count_predictions(engine.stream("t").stream.id) == 0
        assert store.get_state("engine") is None

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
        engine = _engine(store)
        await engine.start()
        store.add_rounds(rounds([1.5, 2.5]))
        task = asyncio.create_task(engine.run(poll_seconds=0.01))
        await eventually(lambda: engine.store_error is not None, what="the outage is reported")
        assert engine.store_error is not None and "closed the connection" in engine.store_error
        await eventually(lambda: engine.rounds_seen == 2 and engine.store_error is None, what="recovery")
        task.cancel()
        assert engine.rounds_seen == 2 and engine.store_error is None

    asyncio.run(scenario())
    assert "retrying in" in caplog.text and "answers again" in caplog.text


def test_many_rounds_at_once_leave_the_loop_free_for_others(tmp_path: Path) -> None:
    store = _store(tmp_path)
    store.add_rounds(rounds([1.5, 2.5, 1.0, 7.0] * 100))  # 400 rounds, processed live

    async def scenario() -> None:
        engine = _engine(store, ["house", "empirical", "heuristic", "online"])
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0)
                ticks += 1

        await engine.start()  # 400 rounds waiting: fewer than the backlog limit, so they are played live
        task = asyncio.create_task(ticker())
        await engine.process_new_rounds()
        task.cancel()
        assert engine.stream("t").rounds_seen == 400
        assert ticks > 5, "the loop never let another task run while it worked"

    asyncio.run(scenario())


def test_a_prediction_carries_the_house_chance_and_plain_words_for_the_model(tmp_path: Path) -> None:
    from aviator.evaluation.claims import LABELS
    from aviator.evaluation.skill import VerdictCode

    store = _store(tmp_path)

    async def scenario() -> None:
        engine = _engine(store, ["house", "heuristic"], RuntimeSettings(rtp=0.97, target=2.0))
        await engine.start()
        store.add_rounds(rounds([1.5, 3.0, 1.1]))
        await engine.process_new_rounds()
        payload = engine.stream("t").prediction("heuristic", 4.0)
        assert payload.house_p_target == pytest.approx(0.97 / 4.0)
        assert payload.claim == LABELS[VerdictCode.TOO_FEW]
        assert engine.stream("t").prediction("house").claim == LABELS[VerdictCode.BASELINE]

    asyncio.run(scenario())


def test_a_large_backlog_is_learned_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aviator.live.stream_engine import StreamEngine

    store = _store(tmp_path)
    learned_on: list[int] = []
    original = StreamEngine.learn_history

    def recording(self: StreamEngine, *args: Any, **kwargs: Any) -> None:
        learned_on.append(threading.get_ident())
        original(self, *args, **kwargs)

    monkeypatch.setattr(StreamEngine, "learn_history", recording)

    async def scenario() -> None:
        engine = _engine(store, ["house", "empirical"])
        await engine.start()
        stream(store, "import")
        store.add_rounds(rounds([1.5, 3.0] * LIVE_BACKLOG_LIMIT, stream="import"))
        await engine.process_new_rounds()  # a new stream with 1,000 rounds at once: learned in bulk
        assert engine.stream("import").rounds_seen == 2 * LIVE_BACKLOG_LIMIT
        loop_thread = threading.get_ident()
        assert learned_on and loop_thread not in learned_on

    asyncio.run(scenario())
