"""Everything a running server holds, started and stopped in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from aviator.bus import Bus, MemoryBus, create_bus
from aviator.bus.redis import RedisBus
from aviator.core.baseline import BASELINE
from aviator.core.curve import FloatArray
from aviator.core.events import encode_event
from aviator.core.runtime import RuntimeSettings
from aviator.core.settings import Settings
from aviator.files.parse import ParsedRow, RowError, to_round
from aviator.files.watcher import FileWatcher
from aviator.live.engine import Engine
from aviator.live.ingest import Ingestor
from aviator.live.trainer import RetrainPolicy, Trainer
from aviator.ops.lease import Lease, create_lease
from aviator.ops.logstream import BusLogHandler
from aviator.ops.monitor import HubLike, Monitor, mark_process_dead
from aviator.ops.supervisor import CollectorSupervisor
from aviator.sources.simulator import SOURCE_NAME, SimulatorSource
from aviator.store.db import connect, migrate
from aviator.store.repository import Store

logger = logging.getLogger(__name__)

_RUNTIME_KEY = "runtime_settings"
_RESET_KEY = "reset_generation"
_FILE_CHUNK = 5_000


class Services:
    """The store, bus, engine, ingest and sources of one server process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.started_at = time.time()
        self.db = connect(settings.database_url)
        self.store = Store(self.db)
        self.bus: Bus = create_bus(settings.redis_url)
        self.runtime = RuntimeSettings.from_settings(settings)
        self.engine = Engine(self.store, self.bus, self.runtime)
        self.ingestor = Ingestor(self.store, self.engine.wake, settings.max_multiplier)
        self.simulator: SimulatorSource | None = None
        self.watcher: FileWatcher | None = None
        self.collector: CollectorSupervisor | None = None
        self.log_handler: BusLogHandler | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        # Scale-out: the lease decides whether this process runs the engine and the sources.
        self.lease: Lease | None = None
        self.hub: HubLike | None = None  # set by the app: the monitor counts its clients
        self.monitor = Monitor(
            self.store,
            self.bus,
            settings.metrics_interval,
            predictions=lambda: self.engine.predictions_made,
            rounds=lambda: self.engine.rounds_seen,
            hub=lambda: self.hub,
            leader=lambda: self.is_leader,
        )
        self.trainer = Trainer(
            RetrainPolicy(settings.retrain_min_rounds, settings.retrain_every, settings.retrain_fraction)
        )
        self.engine.after_rounds.append(self.maybe_retrain)
        self._role_tasks: list[asyncio.Task[Any]] = []
        self._reset_generation = 0
        self._engine_current = True  # False once the engine may be ahead of the store's saved state

    @property
    def is_leader(self) -> bool:
        return self.lease is not None and self.lease.is_leader

    def spawn(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """A background task that logs its failure instead of dying silently."""
        task = asyncio.create_task(coroutine, name=name)
        task.add_done_callback(_report_failure)
        self._tasks.append(task)
        return task

    async def start(self) -> None:
        await asyncio.to_thread(migrate, self.db)
        # Processes sharing this store share a deployment id: it names the lease and the channel.
        deployment = await asyncio.to_thread(self.store.setdefault_state, "deployment", uuid.uuid4().hex[:12])
        namespace = f"aviator:{deployment}"
        if isinstance(self.bus, RedisBus):
            self.bus.channel = f"{namespace}:events"
        await self.bus.connect()
        self.log_handler = BusLogHandler(self.bus, asyncio.get_running_loop())
        logging.getLogger("aviator").addHandler(self.log_handler)
        saved = await asyncio.to_thread(self.store.get_state, _RUNTIME_KEY)
        if saved:
            with contextlib.suppress(ValueError):
                self.runtime = RuntimeSettings.model_validate({**self.runtime.model_dump(), **saved})
        if self.runtime.model not in self.engine.models:
            self.runtime = self.runtime.model_copy(update={"model": BASELINE})
        self.engine.runtime = self.runtime
        self._reset_generation = int(await asyncio.to_thread(self.store.get_state, _RESET_KEY) or 0)
        await self.engine.start()
        self.engine.apply_settings(self.runtime)
        self.lease = create_lease(self.settings.database_url, self.settings.redis_url, namespace)
        await self.lease.step()
        await self._on_lease(self.lease.is_leader)
        self.spawn(self.lease.run(self._on_lease), "lease")
        if self.lease.kind != "local":
            self.spawn(self._sync_runtime(), "runtime-sync")
        self.spawn(self.monitor.run(), "monitor")
        logger.info(
            "server ready: store %s, bus %s, lease %s (%s)",
            self.store.dialect,
            self.bus.name,
            self.lease.kind,
            "leader" if self.is_leader else "follower",
        )

    # -- leading and following ------------------------------------------------------------------
    async def _on_lease(self, leader: bool) -> None:
        """Lead (the engine and the sources run here) or follow, as the lease says."""
        for task in self._role_tasks:
            task.cancel()
        for task in self._role_tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
            with contextlib.suppress(ValueError):
                self._tasks.remove(task)
        self._role_tasks = []
        self.simulator = self.watcher = self.collector = None
        first = len(self._tasks)
        if leader:
            if not self._engine_current:
                await self._reload_engine()
            self.spawn(self.engine.run(), "engine")
            if self.settings.source == "simulator":
                await self.start_simulator()
            self.start_auto_sync()
            await self.maybe_retrain()
        else:
            self._engine_current = False
            self.spawn(self._follow(), "follower")
        self._role_tasks = self._tasks[first:]

    async def _reload_engine(self) -> None:
        """Go on from where the store says the previous leader's engine stopped."""
        await self._restore_runtime()
        self.engine.runtime = self.runtime
        self.engine.forget()
        await self.engine.start()
        self.engine.apply_settings(self.runtime)
        self._engine_current = True

    async def _follow(self, poll_seconds: float = 1.0, batch: int = 500) -> None:
        """Not the leader: keep this process's forecasts current from the store, writing nothing.
        With a process-local bus this process's clients get their events from here."""
        local = isinstance(self.bus, MemoryBus)
        while True:
            try:
                rounds = await asyncio.to_thread(self.store.rounds_after, self.engine.last_seq, batch)
            except Exception as exc:  # the store is away for a moment: say so, try again later
                logger.error("follower: cannot read the store (%s); retrying", exc)
                await asyncio.sleep(poll_seconds * 5)
                continue
            for rnd in rounds:
                self.engine.step(rnd)
                if local:
                    await self.bus.publish(encode_event("round", rnd))
            if rounds and local:
                await self.engine.publish_prediction()
            if len(rounds) < batch:
                await asyncio.sleep(poll_seconds)

    async def _restore_runtime(self) -> None:
        saved = await asyncio.to_thread(self.store.get_state, _RUNTIME_KEY)
        if not saved:
            return
        with contextlib.suppress(ValueError):
            runtime = RuntimeSettings.model_validate({**self.runtime.model_dump(), **saved})
            if runtime.model in self.engine.models and runtime != self.runtime:
                self.runtime = runtime
                self.engine.apply_settings(runtime)

    async def _sync_runtime(self, poll_seconds: float = 2.0) -> None:
        """Settings changed and resets made through another process reach this one's engine."""
        while True:
            await asyncio.sleep(poll_seconds)
            await self._restore_runtime()
            await self.follow_reset()

    async def reset(self) -> None:
        """Forget the session here, and tell the other processes (they follow within seconds)."""
        await self.engine.reset()
        generation = int(await asyncio.to_thread(self.store.get_state, _RESET_KEY) or 0) + 1
        await asyncio.to_thread(self.store.set_state, _RESET_KEY, generation)
        self._reset_generation = generation

    async def follow_reset(self) -> bool:
        """When another process reset the session, forget what this one's models learned."""
        generation = int(await asyncio.to_thread(self.store.get_state, _RESET_KEY) or 0)
        if generation == self._reset_generation:
            return False
        self._reset_generation = generation
        self.engine.forget()
        logger.info("the session was reset by another process: models and scores start afresh")
        return True

    async def start_simulator(self) -> None:
        ids = await asyncio.to_thread(self.store.source_round_ids, SOURCE_NAME)
        next_id = int(ids[0]) + 1 if ids and ids[0].isdigit() else 1
        self.simulator = SimulatorSource(
            self.ingestor.submit, self.settings.sim_interval, self.settings.rtp, next_id
        )
        self.spawn(self.simulator.run(), "simulator")

    def start_auto_sync(self) -> None:
        """The collector process (``collect_dir``) and the watcher of its directory (or ``watch_dir``)."""
        settings = self.settings
        if settings.collect_dir is not None:
            self.collector = CollectorSupervisor(settings.collect_dir, collector_arguments(settings))
            self.spawn(self.collector.run(), "collector")
        directory = settings.watch_dir or settings.collect_dir
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            self.watcher = FileWatcher(
                directory,
                settings.watch_pattern,
                self.store,
                self._deliver_file_rows,
                max_multiplier=settings.max_multiplier,
            )
            self.spawn(self.watcher.run(), "watcher")
            logger.info("auto-sync active: watching %s for %s", directory, settings.watch_pattern)

    async def _deliver_file_rows(self, path: Path, rows: list[ParsedRow], errors: list[RowError]) -> None:
        """Store a watched file's new rows (the watcher has logged its rejected lines)."""
        for start in range(0, len(rows), _FILE_CHUNK):
            await self.ingestor.submit([to_round(row) for row in rows[start : start + _FILE_CHUNK]])

    # -- training -------------------------------------------------------------------------------
    async def training_series(self) -> FloatArray:
        """Every round the engine has processed, oldest first: never the round being forecast."""
        return await asyncio.to_thread(self.store.multipliers, self.engine.last_seq)

    async def maybe_retrain(self) -> None:
        """Start the batch models' trainings that are due (on the leader, with auto-train on)."""
        if self.runtime.auto_train and (self.lease is None or self.lease.is_leader):
            await self.trainer.maybe_retrain(
                self.engine.models, self.engine.rounds_seen, self.training_series
            )

    async def update_runtime(self, runtime: RuntimeSettings) -> None:
        self.runtime = runtime
        self.engine.apply_settings(runtime)
        await asyncio.to_thread(self.store.set_state, _RUNTIME_KEY, runtime.model_dump())

    async def stop(self) -> None:
        for task in reversed(self._tasks):
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        self._role_tasks.clear()
        if self.lease is None or self.lease.is_leader:
            await self.engine.close()  # a follower must not overwrite the leader's saved state
        await self.trainer.close()
        if self.lease is not None:
            await self.lease.release()
        mark_process_dead()
        if self.log_handler is not None:
            logging.getLogger("aviator").removeHandler(self.log_handler)
        await self.bus.disconnect()
        self.db.dispose()

    def status(self) -> dict[str, Any]:
        engine = self.engine
        last = engine.last_round
        return {
            "uptime_s": round(time.time() - self.started_at, 1),
            "rounds": engine.rounds_seen,
            "last_seq": engine.last_seq,
            "latest_multiplier": last.multiplier if last else None,
            "latest_timestamp": last.timestamp.isoformat() if last else None,
            "selected_model": self.runtime.model,
            "settings": self.runtime.model_dump(),
            "store": self.store.dialect,
            "bus": self.bus.status(),
            "ingest": self.ingestor.status(),
            "sources": {"simulator": self.simulator.status() if self.simulator else None},
            "watcher": self.watcher.status() if self.watcher else None,
            "collector": self.collector.status() if self.collector else None,
            "auto_sync": self.watcher is not None,
            "trainer": self.trainer.status(),
            "store_error": self.engine.store_error,
            "leader": self.is_leader,
            "lease": self.lease.status() if self.lease else None,
            "system": self.monitor.latest,
        }


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


def _report_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("background task %s failed: %r", task.get_name(), task.exception())
