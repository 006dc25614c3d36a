"""The composition root: everything one server process holds, built here, started and stopped in order.

Components never import this module; they get what they need (the store, a publish function, the
engine...) when they are built. Which of them run depends on the lease: the leader runs the sources,
the watcher and the collector; every process runs the engine loop (persisting only on the leader).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aviator.api.cache import SharedAnswers
from aviator.bus import Channel, create_bus
from aviator.core.rounds import StoredRound
from aviator.core.runtime import RuntimeSettings
from aviator.core.settings import Settings
from aviator.core.status import StatusReport
from aviator.core.streams import SIMULATOR_STREAM, StreamKind, kind_of_source
from aviator.fairness.planted import Plant
from aviator.files.parse import ParsedRow, RowError, to_round
from aviator.files.watcher import FileWatcher
from aviator.live.engine import Engine
from aviator.live.events import EventType, StreamsPayload, encode_event
from aviator.live.export import Exporter
from aviator.live.heavy import HeavyWork
from aviator.live.ingest import Ingestor
from aviator.live.session import Session
from aviator.live.shared_state import SharedState
from aviator.live.streams import StreamRegistry
from aviator.live.trainer import RetrainPolicy, Trainer
from aviator.models.registry import known_models
from aviator.ops.leadership import Leadership
from aviator.ops.lease import create_lease
from aviator.ops.logstream import BusLogHandler
from aviator.ops.monitor import HubLike, Monitor, mark_process_dead
from aviator.ops.supervisor import CollectorSupervisor
from aviator.sources.simulator import SimulatorSource
from aviator.store.db import connect, migrate
from aviator.store.repository import Store, StreamRecord
from aviator.store.state_keys import StateKey

logger = logging.getLogger(__name__)

_FILE_CHUNK = 5_000
_SYNC_SECONDS = 2.0


def watch_stream_name(settings: Settings) -> tuple[str, StreamKind]:
    """The stream of the watched files: the one named in the settings, the collector's, or the folder's."""
    if settings.watch_stream:
        return settings.watch_stream, StreamKind.FILES
    if settings.collect_dir is not None:
        if settings.collect_source == "browser":
            host = urlsplit(settings.collect_url or "").hostname or "page"
            return f"browser:{host}"[:64], StreamKind.BROWSER
        return "collector", StreamKind.FILES
    folder = (settings.watch_dir or Path("files")).resolve().name or "files"
    safe = "".join(ch if ch.isalnum() or ch in "_.-" else "_" for ch in folder)
    return f"files:{safe}"[:64], StreamKind.FILES


def collector_arguments(settings: Settings) -> list[str]:
    """The ``aviator collect`` options that the settings name."""
    arguments = ["--source", settings.collect_source, "--interval", str(settings.collect_interval)]
    options = {
        "--url": settings.collect_url,
        "--selector": settings.collect_selector,
        "--frame": settings.collect_frame,
        "--profile": settings.collect_profile,
    }
    for option, value in options.items():
        if value is not None:
            arguments += [option, str(value)]
    return arguments


class Server:
    """The store, bus, engine, ingest, sources and operations of one server process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.started_at = time.time()
        self.db = connect(settings.database_url)
        self.store = Store(self.db)
        self.bus = create_bus(settings.redis_url)
        self.shared = SharedState(self.store, RuntimeSettings.from_settings(settings), known_models())
        self.watch_dir = settings.watch_dir or settings.collect_dir
        self.watch_stream = watch_stream_name(settings) if self.watch_dir is not None else None
        # The stream reads show when none is named: the one named in the settings, else the built-in
        # source's, else the watched files', else the stream HTTP clients post to by default.
        preferred = settings.default_stream
        if preferred is None and settings.source == "simulator":
            preferred = SIMULATOR_STREAM
        elif preferred is None and self.watch_stream is not None:
            preferred = self.watch_stream[0]
        self.streams = StreamRegistry(self.store, lambda: self.shared.runtime.rtp, preferred)
        self.engine = Engine(self.store, self.publish, self.shared.runtime)
        self.ingestor = Ingestor(self.store, self.streams, self.engine.wake, settings.max_multiplier)
        self.heavy = HeavyWork(workers=1, queue_limit=4, timeout=30.0)
        self.trainer = Trainer(
            RetrainPolicy(settings.retrain_min_rounds, settings.retrain_every, settings.retrain_fraction)
        )
        self.session = Session(
            store=self.store,
            engine=self.engine,
            streams=self.streams,
            shared=self.shared,
            trainer=self.trainer,
            publish=self.publish,
            retrain_min_rounds=settings.retrain_min_rounds,
            heavy=self.heavy,
        )
        self.exporter = Exporter(self.store)
        self.shared_answers = SharedAnswers(ttl=0.5)
        self.streams.on_new.append(self._announce_streams)
        self.streams.counts = self.engine.stream_counts
        self.engine.after_rounds.append(self.session.maybe_retrain)
        self.leadership: Leadership | None = None  # at start: the lease is named by the deployment
        self.hub: HubLike | None = None  # set by the app: the monitor counts its clients
        self.monitor = Monitor(
            self.store,
            self.publish,
            settings.metrics_interval,
            predictions=lambda: self.engine.predictions_made,
            rounds=lambda: self.engine.rounds_seen,
            hub=lambda: self.hub,
            leader=lambda: self.is_leader,
        )
        self.simulator: SimulatorSource | None = None
        self.watcher: FileWatcher | None = None
        self.collector: CollectorSupervisor | None = None
        self.log_handler: BusLogHandler | None = None
        self._tasks: list[asyncio.Task[Any]] = []

    @property
    def is_leader(self) -> bool:
        return self.leadership is not None and self.leadership.is_leader

    @property
    def runtime(self) -> RuntimeSettings:
        return self.shared.runtime

    async def publish(self, message: str) -> None:
        await self.bus.publish(Channel.EVENTS, message)

    def spawn(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """A background task that logs its failure instead of dying silently."""
        task = asyncio.create_task(coroutine, name=name)
        task.add_done_callback(_report_failure)
        self._tasks.append(task)
        return task

    # -- start and stop ---------------------------------------------------------------------------
    async def start(self) -> None:
        await asyncio.to_thread(migrate, self.db)
        # Processes sharing this store share a deployment id: it names the lease and the channels.
        deployment = await asyncio.to_thread(
            self.store.setdefault_state, StateKey.DEPLOYMENT, uuid.uuid4().hex[:12]
        )
        namespace = f"aviator:{deployment}"
        self.bus.namespace = namespace
        lease = create_lease(self.settings.database_url, self.settings.redis_url, namespace)
        self.leadership = Leadership(
            lease,
            self.engine,
            reload=self._reload_engine,
            events_reach_every_process=self.bus.spans_processes,
        )
        await self.bus.connect()
        self.log_handler = BusLogHandler(self.publish, asyncio.get_running_loop())
        logging.getLogger("aviator").addHandler(self.log_handler)
        runtime = await self.shared.load()
        self.engine.runtime = runtime
        await self._register_own_streams()
        await self.engine.start()
        self._plan_leader_tasks(self.leadership)
        await self.leadership.start()
        self.spawn(self.leadership.run(), "lease")
        if lease.kind != "local":
            self.spawn(self._follow_shared_state(), "shared-state")
        self.spawn(self.monitor.run(), "monitor")
        logger.info(
            "server ready: store %s, bus %s, lease %s (%s)",
            self.store.dialect,
            self.bus.name,
            lease.kind,
            "leader" if self.is_leader else "follower",
        )

    async def stop(self) -> None:
        leading = self.is_leader
        if self.leadership is not None:
            await self.leadership.stop()
        for task in reversed(self._tasks):
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        if leading:
            await self.engine.close()  # a follower must not overwrite the leader's saved state
        await self.trainer.close()
        self.heavy.close()
        mark_process_dead()
        if self.log_handler is not None:
            logging.getLogger("aviator").removeHandler(self.log_handler)
        await self.bus.disconnect()
        self.db.dispose()

    async def _register_own_streams(self) -> None:
        latest = await asyncio.to_thread(self.store.latest_stream)
        if latest is not None:
            self.streams.saw_round(latest)
        if self.settings.source == "simulator":
            await self.streams.ensure(SIMULATOR_STREAM, StreamKind.SIMULATOR)
        if self.watch_stream is not None:
            await self.streams.ensure(*self.watch_stream)
        default = self.streams.default_name()
        await self.streams.ensure(default, kind_of_source(default))

    def _plan_leader_tasks(self, leadership: Leadership) -> None:
        if self.settings.source == "simulator":
            leadership.add("simulator", self._run_simulator)
        if self.settings.collect_dir is not None:
            leadership.add("collector", self._run_collector)
        if self.watch_dir is not None:
            leadership.add("watcher", self._run_watcher)
        leadership.on_lead.append(self._kick_trainer)

    async def _reload_engine(self) -> None:
        """Go on from where the store says the previous leader's engine stopped."""
        self.engine.runtime = await self.shared.load()
        self.engine.forget()
        await self.engine.start()

    async def _follow_shared_state(self) -> None:
        """Settings changed and resets made through another process reach this one's engine."""
        while True:
            await asyncio.sleep(_SYNC_SECONDS)
            try:
                changes = await self.shared.changes()
            except Exception as exc:  # the store is away for a moment: the engine says so too
                logger.debug("shared state: cannot read the store (%s)", exc)
                continue
            if changes.runtime is not None:
                self.engine.apply_settings(changes.runtime)
            if changes.reset:
                logger.info("the session was reset by another process: models and scores start afresh")
                await self.session.forget_learning()

    async def _announce_streams(self, record: StreamRecord) -> None:
        """A new stream appeared: every page's picker learns of it."""
        await self.publish(
            encode_event(EventType.STREAMS, StreamsPayload(streams=await self.streams.infos()))
        )

    async def _kick_trainer(self) -> None:
        await self.session.maybe_retrain(list(self.engine.streams.values()))

    # -- the sources ------------------------------------------------------------------------------
    async def _run_simulator(self) -> None:
        record = await self.streams.ensure(SIMULATOR_STREAM, StreamKind.SIMULATOR)
        ids = await asyncio.to_thread(self.store.latest_round_ids, record.id)
        next_id = int(ids[0]) + 1 if ids and ids[0].isdigit() else 1
        settings = self.settings
        plant = (
            None
            if settings.sim_plant is None
            else Plant(kind=settings.sim_plant, strength=settings.sim_strength)
        )
        self.simulator = SimulatorSource(
            self.ingestor.submit, settings.sim_interval, settings.rtp, next_id, plant=plant
        )
        await self.simulator.run()

    async def _run_collector(self) -> None:
        assert self.settings.collect_dir is not None
        self.collector = CollectorSupervisor(self.settings.collect_dir, collector_arguments(self.settings))
        await self.collector.run()

    async def _run_watcher(self) -> None:
        assert self.watch_dir is not None and self.watch_stream is not None
        self.watch_dir.mkdir(parents=True, exist_ok=True)
        self.watcher = FileWatcher(
            self.watch_dir,
            self.settings.watch_pattern,
            self.store,
            self._deliver_file_rows,
            stream=self.watch_stream[0],
            max_multiplier=self.settings.max_multiplier,
        )
        logger.info("auto-sync active: watching %s for %s", self.watch_dir, self.settings.watch_pattern)
        await self.watcher.run()

    async def _deliver_file_rows(
        self, path: Path, identity: str, rows: list[ParsedRow], errors: list[RowError]
    ) -> None:
        """Store a watched file's new rows in the watched stream (the watcher logs rejected lines)."""
        assert self.watch_stream is not None
        stream, kind = self.watch_stream
        for start in range(0, len(rows), _FILE_CHUNK):
            chunk = rows[start : start + _FILE_CHUNK]
            rounds = [to_round(row, stream=stream, source="csv", identity=identity) for row in chunk]
            await self.ingestor.submit(rounds, kind)

    # -- status -----------------------------------------------------------------------------------
    def status(self, stream: str | None = None) -> StatusReport:
        name = stream or self.streams.default_name()
        engine = self.engine.streams.get(name) if name else None
        last: StoredRound | None = engine.last_round if engine else None
        return StatusReport(
            uptime_s=round(time.time() - self.started_at, 1),
            stream=name,
            rounds=engine.rounds_seen if engine else 0,
            rounds_all=self.engine.rounds_seen,
            last_seq=self.engine.last_seq,
            stream_seq=engine.next_stream_seq - 1 if engine else 0,
            latest_multiplier=last.multiplier if last else None,
            latest_timestamp=last.timestamp.isoformat() if last else None,
            selected_model=self.runtime.model,
            settings=self.runtime,
            store=self.store.dialect,
            store_error=self.engine.store_error or self.ingestor.store_error,
            bus=self.bus.status(),
            ingest=self.ingestor.status(),
            simulator=self.simulator.status() if self.simulator and self.is_leader else None,
            watcher=self.watcher.status() if self.watcher and self.is_leader else None,
            collector=self.collector.status() if self.collector and self.is_leader else None,
            auto_sync=self.watch_dir is not None,
            trainer=self.trainer.status(),
            leader=self.is_leader,
            lease=self.leadership.lease.status() if self.leadership else None,
            system=self.monitor.latest,
        )


def _report_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("background task %s failed: %r", task.get_name(), task.exception())
