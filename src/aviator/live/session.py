"""The session's operations, transport-free: settings, streams' RTP, reset, forecasts, training, checks.

Each raises a domain error (``aviator.core.errors``) when it refuses; the HTTP routes and the
WebSocket turn those into their own answers with the same message and code.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from pydantic import ValidationError

from aviator.audit.live import LiveAudit
from aviator.audit.report import AuditReport
from aviator.core.errors import Conflict, InvalidInput, NotFound, UnknownModelError
from aviator.core.reports import ModelReport
from aviator.core.rounds import StoredRound
from aviator.core.runtime import RuntimeSettings, describe_errors
from aviator.fairness import SimulatedCheck, verify_simulated
from aviator.live.engine import Engine
from aviator.live.events import EventType, PredictionPayload, ResetPayload, encode_event
from aviator.live.heavy import HeavyWork
from aviator.live.shared_state import SharedState
from aviator.live.stream_engine import StreamEngine
from aviator.live.streams import StreamRegistry
from aviator.live.trainer import Trainer, TrainingReport
from aviator.store.repository import Store
from aviator.strategy.run import run_strategy
from aviator.strategy.schema import MAX_HISTORY, StrategyRequest, StrategyResult

logger = logging.getLogger(__name__)

Publisher = Callable[[str], Awaitable[None]]
#: The RTP a stream may be measured against.
RTP_RANGE = (0.5, 1.0)


class Session:
    """What users do to the running session, whatever the transport."""

    def __init__(
        self,
        *,
        store: Store,
        engine: Engine,
        streams: StreamRegistry,
        shared: SharedState,
        trainer: Trainer,
        publish: Publisher,
        retrain_min_rounds: int,
        heavy: HeavyWork,
    ) -> None:
        self.store = store
        self.heavy = heavy
        self._audits: dict[tuple[str, int, float], AuditReport] = {}
        self.engine = engine
        self.streams = streams
        self.shared = shared
        self.trainer = trainer
        self.publish = publish
        self.retrain_min_rounds = retrain_min_rounds

    @property
    def runtime(self) -> RuntimeSettings:
        return self.shared.runtime

    # -- reading ----------------------------------------------------------------------------------
    async def stream_engine(self, stream: str | None) -> StreamEngine:
        """The engine of the named stream, or of the default one."""
        record = await self.streams.resolve(stream)
        return self.engine.streams.get(record.name) or self.engine.stream(record.name)

    def check_model(self, model: str) -> str:
        if model not in self.engine.model_names:
            raise UnknownModelError(model, self.engine.model_names)
        return model

    async def prediction(
        self, stream: str | None, model: str | None = None, target: float | None = None
    ) -> PredictionPayload:
        """The forecasts of a stream's next round, the asked-for model first, at the asked-for target."""
        if model is not None:
            self.check_model(model)
        if target is not None and not 1.01 <= target <= 1000:
            raise InvalidInput(
                f"target={target!r}: the cash-out target must be within 1.01..1000", "bad_target"
            )
        return (await self.stream_engine(stream)).prediction(model, target)

    async def models(self, stream: str | None) -> list[ModelReport]:
        return (await self.stream_engine(stream)).model_reports()

    # -- changing settings ------------------------------------------------------------------------
    async def update_settings(self, changes: Mapping[str, Any]) -> RuntimeSettings:
        """Validate a partial update; InvalidInput names each refused setting, its value and range."""
        if not isinstance(changes, Mapping):
            raise InvalidInput("settings must be a JSON object", "bad_settings")
        model = changes.get("model")
        if model is not None:
            self.check_model(str(model))
        try:
            updated = RuntimeSettings.model_validate({**self.runtime.model_dump(), **changes})
        except ValidationError as exc:
            raise InvalidInput(describe_errors(exc), "bad_settings") from None
        if updated.rtp != self.runtime.rtp:
            default = self.streams.default_name()
            if default is not None and default in self.engine.streams:
                await self.set_stream_rtp(default, updated.rtp, announce=False)
        await self.shared.save(updated)
        self.engine.apply_settings(updated)
        await self.publish(encode_event(EventType.SETTINGS, updated))
        for engine in self.engine.streams.values():
            await self.engine.publish_prediction(engine)
        return updated

    async def set_stream_rtp(self, stream: str, rtp: float, *, announce: bool = True) -> None:
        """Measure a stream against another return to player from its next forecast on."""
        low, high = RTP_RANGE
        if not low < rtp <= high:
            raise InvalidInput(
                f"rtp={rtp!r}: the return to player must be above {low} and at most {high}", "bad_rtp"
            )
        record = await self.streams.get(stream)
        await asyncio.to_thread(self.store.set_stream_rtp, record.id, rtp)
        updated = record._replace(rtp=rtp)
        self.streams.changed(updated)
        self.engine.apply_stream(updated)
        if announce and stream in self.engine.streams:
            await self.engine.publish_prediction(self.engine.streams[stream])

    # -- reset --------------------------------------------------------------------------------------
    async def reset(self) -> None:
        """Forget the session (rounds, predictions, scores) here, and tell the other processes."""
        await asyncio.to_thread(self.store.reset)
        await self.forget_learning()
        await self.shared.count_reset()
        await self.publish(encode_event(EventType.RESET, ResetPayload(rounds=0)))

    async def forget_learning(self) -> None:
        """The store was reset (here or by another process): models and scores start afresh."""
        self.engine.forget()
        self.trainer.forget()
        self.streams.forget()
        await self.engine.start()

    # -- training ---------------------------------------------------------------------------------
    async def train_now(self, stream: str | None) -> list[TrainingReport]:
        """Train every batch model of a stream now on its rounds so far."""
        engine = await self.stream_engine(stream)
        batch = [model for model in engine.models.values() if model.batch]
        if not batch:
            raise Conflict("no batch model is registered: nothing to train", "no_batch_model")
        if engine.rounds_seen < self.retrain_min_rounds:
            raise Conflict(
                f"training needs at least {self.retrain_min_rounds} rounds; "
                f"{engine.rounds_seen} have been processed in stream {engine.name!r}",
                "too_few_rounds",
            )
        loader = self.series_loader(engine)
        return [await self.trainer.train_now(model, loader, engine.name) for model in batch]

    def series_loader(self, engine: StreamEngine) -> Callable[[], Awaitable[Any]]:
        """The rounds a stream's models learned, oldest first: never the round being forecast."""

        async def load() -> Any:
            return await asyncio.to_thread(self.store.multipliers, engine.stream.id, engine.learned_through)

        return load

    async def maybe_retrain(self, engines: list[StreamEngine]) -> None:
        """Start the batch trainings that are due on the streams that got rounds (auto-train on)."""
        if not self.runtime.auto_train:
            return
        for engine in engines:
            await self.trainer.maybe_retrain(
                engine.models, engine.rounds_seen, self.series_loader(engine), engine.name
            )

    # -- the audit and the strategy lab ------------------------------------------------------------
    async def audit(self, stream: str | None) -> AuditReport:
        """The live fairness audit of a stream (every round it holds, against its RTP)."""
        engine = await self.stream_engine(stream)
        if engine.audit_stale:
            series = await asyncio.to_thread(self.store.multipliers, engine.stream.id, engine.learned_through)
            engine.audit = LiveAudit.from_rounds(series, engine.stream.rtp)
            engine.audit_stale = False
        key = (engine.name, engine.audit.rounds, engine.stream.rtp)
        cached = self._audits.get(key)
        if cached is None:
            snapshot = copy.deepcopy(engine.audit)  # the engine goes on adding rounds meanwhile
            cached = await asyncio.to_thread(snapshot.report)
            self._audits = {k: v for k, v in self._audits.items() if k[0] != engine.name}
            self._audits[key] = cached
        return cached

    async def strategy(self, fields: Mapping[str, Any], stream: str | None) -> StrategyResult:
        """A strategy lab run (bounded, in the heavy-work pool). With ``stream``, the laws and checks
        that need recorded rounds use the stream's latest rounds."""
        data = dict(fields)
        if stream is not None and not data.get("history"):
            engine = await self.stream_engine(stream)
            series = await asyncio.to_thread(self.store.multipliers, engine.stream.id, None, MAX_HISTORY)
            data["history"] = [float(v) for v in series]
            data.setdefault("rtp", engine.stream.rtp)
        try:
            request = StrategyRequest.model_validate(data)
        except ValidationError as exc:
            raise InvalidInput(describe_errors(exc), "bad_strategy") from None
        return await self.heavy.run("the strategy run", run_strategy, request)

    # -- checks -----------------------------------------------------------------------------------
    async def round(self, stream: str | None, stream_seq: int) -> StoredRound:
        record = await self.streams.resolve(stream)
        found = await asyncio.to_thread(self.store.get_round, record.id, stream_seq)
        if found is None:
            raise NotFound(f"no round #{stream_seq} in stream {record.name!r}", "round_not_found")
        return found

    async def verify_round(self, stream: str | None, stream_seq: int) -> tuple[StoredRound, SimulatedCheck]:
        """Recompute a round from its revealed seeds (whatever delivered it): the commitment, the
        combined hash and the multiplier by the simulator's published mapping at the stream's RTP."""
        found = await self.round(stream, stream_seq)
        fair = found.fairness
        if fair is None or len(fair.client_seeds) != 3:
            raise Conflict(
                f"round #{stream_seq} of stream {found.stream!r} carries no revealed seeds: "
                "nothing to verify",
                "no_seeds",
            )
        record = await self.streams.get(found.stream)
        seeds = fair.client_seeds
        try:
            check = verify_simulated(
                fair.server_seed,
                (seeds[0], seeds[1], seeds[2]),
                fair.server_hash or None,
                found.multiplier,
                record.rtp,
            )
        except ValueError as exc:
            raise InvalidInput(f"round #{stream_seq}: {exc}", "bad_seeds") from None
        return found, check
