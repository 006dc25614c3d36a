"""The live loop: take stored rounds in ``seq`` order and hand each to its stream's engine.

Rounds come from the store (whoever stored them: a source, HTTP, a watched file), so an acknowledged
round is never lost: after a restart the loop goes on from the last round it processed. The leader
runs it persisting (scored predictions and the live record are stored); a follower runs the same loop
without persisting, to keep its own forecasts current. Per round: O(models x window) in one stream.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from aviator.core.errors import UnknownStreamError
from aviator.core.rounds import StoredRound
from aviator.core.runtime import RuntimeSettings
from aviator.live.events import EventType, encode_event
from aviator.live.stream_engine import StreamEngine
from aviator.models.registry import known_models
from aviator.store.repository import Store, StreamRecord
from aviator.store.state_keys import StateKey

logger = logging.getLogger(__name__)

#: A stream's backlog larger than this (an import, a long stop) is learned in bulk, not scored round
#: by round: live scores are only for rounds the engine forecast before they happened.
LIVE_BACKLOG_LIMIT = 500
_BATCH = 500
_SAVE_EVERY = 2.0
#: The loop gives other tasks a turn at least this often while it works through many rounds.
_SLICE_SECONDS = 0.01

Publisher = Callable[[str], Awaitable[None]]
Hook = Callable[[list[StreamEngine]], Awaitable[None]]


class Engine:
    """Every stream's engine, fed from the store's queue."""

    def __init__(
        self,
        store: Store,
        publish: Publisher,
        runtime: RuntimeSettings,
        model_names: Sequence[str] | None = None,
    ) -> None:
        self.store = store
        self.publish = publish
        self.runtime = runtime
        self.model_names = list(model_names) if model_names is not None else known_models()
        self.streams: dict[str, StreamEngine] = {}
        self.last_seq = 0
        self.step_ms: deque[float] = deque(maxlen=1000)
        self.store_error: str | None = None
        self.after_rounds: list[Hook] = []
        #: Events are published by this process (False in a follower whose bus reaches every process).
        self.publishing = True
        self.persisting = True
        self._wake = asyncio.Event()
        self._saved_at = 0.0
        self._spans: dict[int, tuple[datetime | None, datetime | None]] = {}

    # -- reading ----------------------------------------------------------------------------------
    @property
    def rounds_seen(self) -> int:
        return sum(s.rounds_seen for s in self.streams.values())

    @property
    def predictions_made(self) -> int:
        return sum(s.predictions_made for s in self.streams.values())

    @property
    def last_round(self) -> StoredRound | None:
        rounds = [s.last_round for s in self.streams.values() if s.last_round is not None]
        return max(rounds, key=lambda r: r.seq) if rounds else None

    def stream_counts(self) -> dict[str, tuple[int, datetime | None, datetime | None]]:
        """Rounds, first and latest round time of every stream this engine has opened."""
        return {name: (s.rounds_seen, s.first_at, s.last_at) for name, s in self.streams.items()}

    def stream(self, name: str) -> StreamEngine:
        """The engine of stream ``name``; UnknownStreamError names the streams there are."""
        found = self.streams.get(name)
        if found is None:
            raise UnknownStreamError(name, sorted(self.streams))
        return found

    # -- start-up ---------------------------------------------------------------------------------
    async def start(self) -> None:
        """Restore the saved place and records, and learn what each stream's models have not seen."""
        state = await asyncio.to_thread(self.store.get_state, StateKey.ENGINE) or {}
        self.last_seq = int(state.get("last_seq", 0))
        self._spans = await asyncio.to_thread(self.store.stream_spans, self.last_seq)
        for record in await asyncio.to_thread(self.store.streams):
            await self._open(record)
        logger.info(
            "engine ready: %d stream(s), %d rounds learned, models: %s",
            len(self.streams),
            self.rounds_seen,
            ", ".join(self.model_names),
        )

    async def _open(self, record: StreamRecord) -> StreamEngine:
        engine = StreamEngine(record, self.runtime, self.model_names)
        saved = await asyncio.to_thread(self.store.get_state, StateKey.ENGINE_STREAM.of(record.id))
        if saved:
            engine.restore(saved)
        through = self.last_seq  # every round up to it was processed before the restart
        backlog = await asyncio.to_thread(self.store.count_rounds, record.id, through)
        if backlog > LIVE_BACKLOG_LIMIT:
            # Learn all of it in bulk but the newest round, which is then processed live.
            newest = await asyncio.to_thread(self.store.recent_rounds, record.id, 2)
            through = newest[-1].seq if len(newest) == 2 else 0
        series = await asyncio.to_thread(self.store.multipliers, record.id, through)
        spans = self._spans
        if through != self.last_seq:
            spans = await asyncio.to_thread(self.store.stream_spans, through, record.id)
        # The engine is not reachable by anyone else yet: its bulk learning (O(models x rounds), a
        # fifth of a second for 1,000 rounds) runs off the event loop.
        span = spans.get(record.id, (None, None))
        await asyncio.to_thread(engine.learn_history, series, through, len(series) + 1, span)
        self.streams[record.name] = engine
        return engine

    # -- the loop ---------------------------------------------------------------------------------
    def wake(self) -> None:
        """New rounds were stored: process them now rather than at the next poll."""
        self._wake.set()

    async def run(
        self, *, persist: bool = True, poll_seconds: float = 1.0, max_backoff: float = 30.0
    ) -> None:
        """Process stored rounds as they come, until cancelled. When the store stops answering, say so
        (log and ``store_error``) and retry with backoff: the rounds wait in the store."""
        self.persisting = persist
        failures = 0
        while True:
            try:
                await self.process_new_rounds()
            except Exception as exc:
                failures += 1
                delay = min(max_backoff, poll_seconds * 2 ** (failures - 1))
                self.store_error = f"{type(exc).__name__}: {exc}"[:500]
                logger.error("engine: the store failed (%s); retrying in %.1f s", self.store_error, delay)
                await asyncio.sleep(delay)
                continue
            if failures:
                logger.info("engine: the store answers again after %d failed attempt(s)", failures)
            # Also an error left by a loop that was stopped (a change of leader) is over now.
            failures, self.store_error = 0, None
            try:
                await asyncio.wait_for(self._wake.wait(), poll_seconds)
            except TimeoutError:
                pass
            self._wake.clear()

    async def process_new_rounds(self) -> int:
        """Process every stored round after ``last_seq``; returns how many."""
        done = 0
        touched: dict[str, StreamEngine] = {}
        while True:
            batch = await asyncio.to_thread(self.store.rounds_after, self.last_seq, _BATCH)
            if not batch:
                break
            rows: list[dict[str, Any]] = []
            fresh: dict[str, StreamEngine] = {}
            slice_started = time.perf_counter()
            for rnd in batch:
                if time.perf_counter() - slice_started > _SLICE_SECONDS:
                    await asyncio.sleep(0)  # a big batch must not stall the requests and the clients
                    slice_started = time.perf_counter()
                engine = self.streams.get(rnd.stream) or await self._new_stream(rnd.stream)
                self.last_seq = rnd.seq
                if rnd.seq <= engine.learned_through:
                    continue  # learned in bulk at start-up
                started = time.perf_counter()
                rows.extend(engine.step(rnd, self.persisting))
                self.step_ms.append((time.perf_counter() - started) * 1e3)
                fresh[engine.name] = touched[engine.name] = engine
                if self.publishing:
                    await self.publish(encode_event(EventType.ROUND, rnd, rnd.stream))
            if rows:
                await asyncio.to_thread(self.store.add_predictions, rows)
            for engine in fresh.values():
                await self.publish_prediction(engine)
            done += len(batch)
        if done:
            await self._save_state()
            for hook in self.after_rounds:
                await hook(list(touched.values()))
        return done

    async def _new_stream(self, name: str) -> StreamEngine:
        record = await asyncio.to_thread(self.store.stream, name)
        if record is None:  # a round is stored only in a stream that exists
            raise RuntimeError(f"a stored round names stream {name!r}, which the store does not have")
        logger.info("new stream %r (%s, %s, RTP %.3f)", name, record.kind, record.game, record.rtp)
        return await self._open(record)

    async def publish_prediction(self, engine: StreamEngine) -> None:
        if self.publishing:
            await self.publish(encode_event(EventType.PREDICTION, engine.prediction(), engine.name))

    async def _save_state(self, force: bool = False) -> None:
        now = time.monotonic()
        if not self.persisting or (not force and now - self._saved_at < _SAVE_EVERY):
            return
        self._saved_at = now
        for engine in self.streams.values():
            if engine.dirty or force:
                key = StateKey.ENGINE_STREAM.of(engine.stream.id)
                await asyncio.to_thread(self.store.set_state, key, engine.to_state())
                engine.dirty = False
        await asyncio.to_thread(self.store.set_state, StateKey.ENGINE, {"last_seq": self.last_seq})

    async def close(self) -> None:
        await self._save_state(force=True)

    # -- settings and reset -----------------------------------------------------------------------
    def apply_settings(self, runtime: RuntimeSettings) -> None:
        """New settings take effect from the next forecast on (the pending ones are redone)."""
        self.runtime = runtime
        for engine in self.streams.values():
            engine.apply(runtime)

    def apply_stream(self, record: StreamRecord) -> None:
        """A stream's RTP changed: its models measure against the new law from the next forecast on."""
        engine = self.streams.get(record.name)
        if engine is not None:
            engine.apply(self.runtime, record)

    def forget(self) -> None:
        """Forget every stream's learning and scores: the store was reset (here or elsewhere), or its
        saved state is to be loaded afresh by ``start``."""
        self.streams.clear()
        self.last_seq = 0
