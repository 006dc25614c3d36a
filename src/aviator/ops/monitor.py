"""System monitoring: this process's CPU and memory, the store's size, WebSocket connections,
predictions per minute, events per second and event-loop lag, sampled every few seconds.

Each sample is kept as ``latest`` (``/api/status`` shows it under ``system``), pushed as a ``status``
event, stored as metric rows (by the leader only, so the series are not interleaved; rows older than
a day are pruned) and mirrored into Prometheus metrics for ``GET /metrics``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import time
from collections.abc import Awaitable, Callable, Sized
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import numpy as np
import psutil
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, generate_latest, multiprocess

from aviator.core.status import SystemSample
from aviator.live.events import EventType, StatusUpdate, encode_event
from aviator.store.repository import Store

logger = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
KEEP = timedelta(hours=24)
_PRUNE_EVERY = 3600.0
_LAG_PROBE = 0.05


@dataclass(frozen=True)
class PromMetrics:
    """The Prometheus metrics. With PROMETHEUS_MULTIPROC_DIR set, every worker writes its values
    there and GET /metrics merges them: per-process gauges carry a pid label, sums add up."""

    cpu: Gauge
    memory: Gauge
    loop_lag: Gauge
    connections: Gauge
    leader: Gauge
    db_size: Gauge
    rounds: Gauge
    events: Counter
    predictions: Counter


@functools.cache
def prom_metrics() -> PromMetrics:
    """Created on first use, in the process that serves (not in the CLI that starts the workers)."""
    return PromMetrics(
        cpu=Gauge("aviator_process_cpu_percent", "CPU use of the process.", multiprocess_mode="liveall"),
        memory=Gauge("aviator_process_memory_bytes", "Resident memory.", multiprocess_mode="liveall"),
        loop_lag=Gauge(
            "aviator_event_loop_lag_seconds",
            "p99 event-loop lag of the last interval.",
            multiprocess_mode="liveall",
        ),
        connections=Gauge(
            "aviator_ws_connections", "Open WebSocket connections.", multiprocess_mode="livesum"
        ),
        leader=Gauge("aviator_leader", "1 in the process that runs the engine.", multiprocess_mode="livesum"),
        db_size=Gauge("aviator_database_size_bytes", "Size of the store.", multiprocess_mode="livemax"),
        rounds=Gauge("aviator_rounds", "Rounds the engine has learned.", multiprocess_mode="livemax"),
        events=Counter("aviator_ws_events", "Bus events fanned out to WebSocket clients."),
        predictions=Counter("aviator_predictions", "Forecasts made by the models."),
    )


class HubLike(Protocol):
    """What the monitor reads of the WebSocket hub."""

    @property
    def clients(self) -> Sized: ...

    @property
    def delivered(self) -> int: ...


def render_metrics() -> bytes:
    """The Prometheus text exposition: of every worker when PROMETHEUS_MULTIPROC_DIR is set."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return bytes(generate_latest(registry))
    return bytes(generate_latest(REGISTRY))


def mark_process_dead() -> None:
    """Drop this process's live gauges from the multiprocess directory (at shutdown)."""
    if os.environ.get(MULTIPROC_ENV):
        with contextlib.suppress(OSError):
            multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


class LagProbe:
    """Event-loop lag: how late a short sleep wakes up, collected until read."""

    def __init__(self, period: float = _LAG_PROBE) -> None:
        self.period = period
        self.samples: list[float] = []

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            await asyncio.sleep(self.period)
            self.samples.append(max(0.0, loop.time() - started - self.period))

    def take(self) -> tuple[float, float]:
        """p99 and max lag (seconds) since the last call."""
        samples, self.samples = self.samples, []
        if not samples:
            return 0.0, 0.0
        return float(np.percentile(samples, 99)), max(samples)


class Monitor:
    """Samples the system every ``interval`` seconds and reports each sample."""

    def __init__(
        self,
        store: Store,
        publish: Callable[[str], Awaitable[None]],
        interval: float,
        *,
        predictions: Callable[[], int],
        rounds: Callable[[], int],
        hub: Callable[[], HubLike | None],
        leader: Callable[[], bool],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.publish = publish
        self.interval = interval
        self._predictions = predictions
        self._rounds = rounds
        self._hub = hub
        self._leader = leader
        self.latest: SystemSample | None = None
        self.lag = LagProbe()
        self._process = psutil.Process()
        self._process.cpu_percent(None)  # the first reading only starts the measurement
        self._clock = clock
        self._last = (clock(), predictions(), self._delivered())
        self._pruned_at = 0.0

    def _delivered(self) -> int:
        hub = self._hub()
        return hub.delivered if hub is not None else 0

    def _connections(self) -> int:
        hub = self._hub()
        return len(hub.clients) if hub is not None else 0

    async def run(self) -> None:
        """Sample, push and store until cancelled."""
        probe = asyncio.create_task(self.lag.run(), name="loop-lag-probe")
        try:
            while True:
                await asyncio.sleep(self.interval)
                try:
                    sample = await self.sample()
                    await self.publish(encode_event(EventType.STATUS, StatusUpdate(system=sample)))
                    if self._leader():
                        await asyncio.to_thread(self._persist, sample)
                except Exception:
                    logger.exception("monitor: could not take or store a sample")
        finally:
            probe.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await probe

    async def sample(self) -> SystemSample:
        """One sample of every measure (and the Prometheus gauges updated from it)."""
        now = self._clock()
        predictions, delivered = self._predictions(), self._delivered()
        then, predictions_then, delivered_then = self._last
        self._last = (now, predictions, delivered)
        elapsed = max(now - then, 1e-9)
        lag_p99, lag_max = self.lag.take()
        memory = self._process.memory_info().rss
        db_size = await asyncio.to_thread(self.store.database_size)
        sample = SystemSample(
            ts=time.time(),
            pid=os.getpid(),
            cpu_percent=self._process.cpu_percent(None),
            memory_mb=memory / 2**20,
            db_size_mb=db_size / 2**20 if db_size is not None else None,
            ws_connections=self._connections(),
            predictions_per_min=(predictions - predictions_then) * 60.0 / elapsed,
            events_per_s=(delivered - delivered_then) / elapsed,
            loop_lag_p99_ms=lag_p99 * 1e3,
            loop_lag_max_ms=lag_max * 1e3,
            leader=self._leader(),
        )
        self.latest = sample
        prom = prom_metrics()
        prom.cpu.set(sample.cpu_percent)
        prom.memory.set(memory)
        prom.loop_lag.set(lag_p99)
        if db_size is not None:
            prom.db_size.set(db_size)
        prom.events.inc(max(0, delivered - delivered_then))
        prom.predictions.inc(max(0, predictions - predictions_then))
        self.refresh_gauges()
        return sample

    def refresh_gauges(self) -> None:
        """The gauges that are cheap to read now (called by GET /metrics as well)."""
        prom = prom_metrics()
        prom.connections.set(self._connections())
        prom.leader.set(1 if self._leader() else 0)
        prom.rounds.set(self._rounds())

    def _persist(self, sample: SystemSample) -> None:
        values = {
            key: float(value)
            for key, value in sample.model_dump().items()
            if key not in ("ts", "pid", "leader") and isinstance(value, int | float)
        }
        self.store.add_metrics(values)
        if time.monotonic() - self._pruned_at > _PRUNE_EVERY:
            self._pruned_at = time.monotonic()
            removed = self.store.prune_metrics(datetime.now(UTC) - KEEP)
            if removed:
                logger.debug("monitor: pruned %d metric rows older than %s", removed, KEEP)
