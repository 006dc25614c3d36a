"""Everything a running server holds, started and stopped in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from aviator.bus import Bus, create_bus
from aviator.config import Settings
from aviator.engine import Engine
from aviator.files.parse import ParsedRow, RowError, to_round
from aviator.files.watcher import FileWatcher
from aviator.ingest import Ingestor
from aviator.logstream import BusLogHandler
from aviator.runtime_settings import RuntimeSettings
from aviator.sources.simulator import SOURCE_NAME, SimulatorSource
from aviator.store.db import connect, migrate
from aviator.store.repository import Store
from aviator.supervisor import CollectorSupervisor

logger = logging.getLogger(__name__)

_RUNTIME_KEY = "runtime_settings"
_ERRORS_LOGGED = 20
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

    def spawn(self, coroutine: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        """A background task that logs its failure instead of dying silently."""
        task = asyncio.create_task(coroutine, name=name)
        task.add_done_callback(_report_failure)
        self._tasks.append(task)
        return task

    async def start(self) -> None:
        await asyncio.to_thread(migrate, self.db)
        await self.bus.connect()
        self.log_handler = BusLogHandler(self.bus, asyncio.get_running_loop())
        logging.getLogger("aviator").addHandler(self.log_handler)
        saved = await asyncio.to_thread(self.store.get_state, _RUNTIME_KEY)
        if saved:
            with contextlib.suppress(ValueError):
                self.runtime = RuntimeSettings.model_validate({**self.runtime.model_dump(), **saved})
        if self.runtime.model not in self.engine.models:
            self.runtime = self.runtime.model_copy(update={"model": "house"})
        self.engine.runtime = self.runtime
        await self.engine.start()
        self.engine.apply_settings(self.runtime)
        self.spawn(self.engine.run(), "engine")
        if self.settings.source == "simulator":
            await self.start_simulator()
        self.start_auto_sync()
        logger.info("server ready: store %s, bus %s", self.store.dialect, self.bus.name)

    async def start_simulator(self) -> None:
        ids = await asyncio.to_thread(self.store.source_round_ids, SOURCE_NAME)
        next_id = int(ids[0]) + 1 if ids and ids[0].isdigit() else 1
        rtp = self.settings.rtp
        self.simulator = SimulatorSource(
            self.ingestor.submit, self.settings.sim_interval, lambda: rtp, next_id
        )
        self.spawn(self.simulator.run(), "simulator")

    def start_auto_sync(self) -> None:
        """The collector process (``collect_dir``) and the watcher of its directory (or ``watch_dir``)."""
        settings = self.settings
        if settings.collect_dir is not None:
            interval = ["--interval", str(settings.collect_interval)]
            self.collector = CollectorSupervisor(settings.collect_dir, interval)
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
        for error in errors[:_ERRORS_LOGGED]:
            logger.warning("rejected %s", error)
        if len(errors) > _ERRORS_LOGGED:
            logger.warning("%d more rejected lines in %s", len(errors) - _ERRORS_LOGGED, path.name)
        for start in range(0, len(rows), _FILE_CHUNK):
            await self.ingestor.submit([to_round(row) for row in rows[start : start + _FILE_CHUNK]])

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
        await self.engine.close()
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
        }


def _report_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("background task %s failed: %r", task.get_name(), task.exception())
