"""Retrains batch models in a worker process and swaps the fitted state in atomically.

The event loop only awaits futures: ``train`` runs in an executor (a one-worker spawn process pool
by default), and ``install`` is a single assignment on the loop thread when it finishes.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from aviator.core.curve import FloatArray
from aviator.core.status import TrainedModel, TrainerStatus
from aviator.models.base import BatchModel, Model

logger = logging.getLogger(__name__)

SeriesLoader = Callable[[], Awaitable[FloatArray]]


@dataclass(frozen=True)
class RetrainPolicy:
    """First training at ``min_rounds``; then after ``every`` new rounds or ``fraction`` more rounds."""

    min_rounds: int = 30
    every: int = 5
    fraction: float = 0.05

    def due(self, total_rounds: int, trained_on: int | None) -> bool:
        if trained_on is None:
            return total_rounds >= self.min_rounds
        new = total_rounds - trained_on
        return new > 0 and (new >= self.every or new >= self.fraction * trained_on)


@dataclass(frozen=True)
class TrainingReport:
    """The outcome of one training."""

    model: str
    rounds: int
    seconds: float
    finished_at: datetime
    scores: dict[str, float] = field(default_factory=dict)
    error: str | None = None


@dataclass
class _ModelStatus:
    last_trained_at: datetime | None = None
    rounds_trained_on: int | None = None
    last_error: str | None = None
    scores: dict[str, float] = field(default_factory=dict)
    seconds: float | None = None


def _scores_of(fitted: Any) -> dict[str, float]:
    scores = getattr(fitted, "scores", None)
    return {str(k): float(v) for k, v in scores.items()} if isinstance(scores, Mapping) else {}


def _key(scope: str, name: str) -> str:
    return f"{scope}/{name}" if scope else name


class Trainer:
    """Starts background trainings of batch models, at most one per model at a time."""

    def __init__(self, policy: RetrainPolicy, executor: Executor | None = None) -> None:
        self.policy = policy
        self._executor = executor
        self._own_executor = executor is None
        self._locks: dict[str, asyncio.Lock] = {}
        self._tasks: dict[str, asyncio.Task[TrainingReport]] = {}
        self._status: dict[str, _ModelStatus] = {}
        #: Rounds of the latest training attempt per model (failed ones too), for the policy.
        self._attempted: dict[str, int] = {}
        self._latest: dict[str, tuple[Mapping[str, Model], int, SeriesLoader]] = {}
        self.on_trained: Callable[[str, TrainingReport], None] | None = None

    def _pool(self) -> Executor:
        if self._executor is None:
            context = multiprocessing.get_context("spawn")
            self._executor = ProcessPoolExecutor(max_workers=1, mp_context=context)
        return self._executor

    def training_now(self) -> list[str]:
        """Models with a training started or running."""
        locked = {name for name, lock in self._locks.items() if lock.locked()}
        return sorted(locked | set(self._tasks))

    async def maybe_retrain(
        self, models: Mapping[str, Model], total_rounds: int, load_series: SeriesLoader, scope: str = ""
    ) -> list[str]:
        """Start a background training of every batch model that is due; return their keys.

        ``scope`` (a stream's name) keeps the trainings of the same model on different streams apart:
        a training is known by ``scope/model``."""
        keyed = {_key(scope, name): model for name, model in models.items()}
        self._latest[scope] = (keyed, total_rounds, load_series)
        return [
            key for key, model in keyed.items() if self._start_if_due(key, model, total_rounds, load_series)
        ]

    async def train_now(self, model: Model, load_series: SeriesLoader, scope: str = "") -> TrainingReport:
        """Train one batch model now (waiting for a training of it already running) and install it."""
        if not isinstance(model, BatchModel):
            raise TypeError(f"model {model.name!r} is not a batch model: it learns every round")
        return await self._train(_key(scope, model.name), model, load_series)

    def status(self) -> TrainerStatus:
        return TrainerStatus(
            training=self.training_now(),
            models={
                name: TrainedModel(
                    last_trained_at=s.last_trained_at.isoformat() if s.last_trained_at else None,
                    rounds_trained_on=s.rounds_trained_on,
                    last_error=s.last_error,
                    scores=dict(s.scores),
                    seconds=s.seconds,
                )
                for name, s in self._status.items()
            },
        )

    def forget(self) -> None:
        """The models were replaced (a reset, a takeover): their trainings' bookkeeping goes too."""
        self._latest.clear()
        self._attempted.clear()

    async def close(self) -> None:
        """Cancel the waits on running trainings and shut the owned worker pool down."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._own_executor and self._executor is not None:
            executor, self._executor = self._executor, None
            # A training still running would hold the process's exit until it ends (the pool joins its
            # workers at exit): its result is not wanted any more, so stop the worker now.
            workers = list(getattr(executor, "_processes", {}).values())
            executor.shutdown(wait=False, cancel_futures=True)
            await asyncio.to_thread(_stop, workers)

    def _drop_broken_pool(self) -> None:
        if self._own_executor and self._executor is not None:
            executor, self._executor = self._executor, None
            executor.shutdown(wait=False, cancel_futures=True)

    def _lock(self, name: str) -> asyncio.Lock:
        return self._locks.setdefault(name, asyncio.Lock())

    def _start_if_due(self, name: str, model: Model, total_rounds: int, load_series: SeriesLoader) -> bool:
        if not isinstance(model, BatchModel) or self._lock(name).locked() or name in self._tasks:
            return False
        if not self.policy.due(total_rounds, self._attempted.get(name)):
            return False
        self._tasks[name] = asyncio.create_task(self._background(name, model, load_series))
        return True

    async def _background(self, name: str, model: BatchModel, load_series: SeriesLoader) -> TrainingReport:
        try:
            report = await self._train(name, model, load_series)
        finally:
            self._tasks.pop(name, None)
        for models, total, loader in list(self._latest.values()):  # rounds may have come: check again
            if models.get(name) is model:
                self._start_if_due(name, model, total, loader)
        return report

    async def _train(self, name: str, model: BatchModel, load_series: SeriesLoader) -> TrainingReport:
        async with self._lock(name):
            status = self._status.setdefault(name, _ModelStatus())
            started = time.perf_counter()
            rounds = 0
            try:
                series = np.asarray(await load_series(), dtype=np.float64)
                rounds = len(series)
                self._attempted[name] = rounds  # a failure waits for new rounds before trying again
                loop = asyncio.get_running_loop()
                fitted = await loop.run_in_executor(self._pool(), type(model).train, series, model.params)
            except BrokenProcessPool:
                # The worker process ended under it (the server is stopping, or it was killed): the
                # pool cannot be used again, so the next training starts a new one.
                self._drop_broken_pool()
                error = "the training's worker process ended before it finished"
                logger.warning("training %s on %d rounds stopped: %s", name, rounds, error)
                status.last_error = error
                report = TrainingReport(
                    name, rounds, time.perf_counter() - started, datetime.now(UTC), {}, error
                )
            except Exception as exc:  # a failed training is reported, never fatal
                logger.exception("training %s on %d rounds failed", name, rounds)
                error = f"{type(exc).__name__}: {exc}"
                status.last_error = error
                report = TrainingReport(
                    name, rounds, time.perf_counter() - started, datetime.now(UTC), {}, error
                )
            else:
                model.install(fitted, rounds)
                scores = _scores_of(fitted)
                report = TrainingReport(
                    name, rounds, time.perf_counter() - started, datetime.now(UTC), scores
                )
                status.last_trained_at, status.rounds_trained_on = report.finished_at, rounds
                status.last_error, status.scores, status.seconds = None, scores, report.seconds
                logger.info("retrained %s: scores %s rounds %d (%.2fs)", name, scores, rounds, report.seconds)
            if self.on_trained is not None:
                try:
                    self.on_trained(name, report)
                except Exception:
                    logger.exception("on_trained callback failed for %s", name)
            return report


def _stop(workers: list[multiprocessing.process.BaseProcess], grace: float = 2.0) -> None:
    """SIGTERM, and SIGKILL for a worker still there after ``grace`` seconds (a signal mask or an
    ignored SIGTERM inherited from whatever started it would otherwise keep it alive)."""
    for worker in workers:
        if worker.is_alive():
            worker.terminate()
    for worker in workers:
        worker.join(grace)
        if worker.is_alive():
            logger.warning("training worker %s ignored SIGTERM: killing it", worker.pid)
            worker.kill()
            worker.join(grace)
