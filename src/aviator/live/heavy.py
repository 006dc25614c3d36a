"""Heavy work (strategy simulations, long hash-chain walks) in a bounded pool of its own processes.

Never on the event loop, never in the thread pool the store and ingest use: a worker process per
core (at most ``workers``), at most ``queue_limit`` jobs waiting, and each job given ``timeout``
seconds. A full queue is refused at once (the client is told to come back), a job that runs too long
is stopped (its worker is replaced), and nothing a client sends can stall the rounds.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from aviator.core.errors import RateLimited, Unavailable

logger = logging.getLogger(__name__)

T = TypeVar("T")


class HeavyWork:
    """A bounded process pool for CPU-heavy requests."""

    def __init__(self, workers: int = 1, queue_limit: int = 4, timeout: float = 30.0) -> None:
        self.workers = workers
        self.queue_limit = queue_limit
        self.timeout = timeout
        self.running = 0
        self.refused = 0
        self.timed_out = 0
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        return self._pool

    async def run(self, what: str, call: Callable[..., T], *args: Any) -> T:
        """``call(*args)`` in a worker; RateLimited when the queue is full, Unavailable on a timeout."""
        if self.running >= self.workers + self.queue_limit:
            self.refused += 1
            raise RateLimited(
                f"the server is busy with {self.running} heavy requests; try {what} again in a few seconds",
                "busy",
                retry_after=max(1.0, self.timeout / 4),
            )
        self.running += 1
        try:
            future = asyncio.get_running_loop().run_in_executor(self._executor(), call, *args)
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            self.timed_out += 1
            self._replace_pool()
            raise Unavailable(
                f"{what} took longer than {self.timeout:g} s and was stopped: ask for less work", "too_long"
            ) from None
        except BrokenProcessPool:
            self._replace_pool()
            raise Unavailable(f"{what} failed: its worker process died", "worker_died") from None
        finally:
            self.running -= 1

    def _replace_pool(self) -> None:
        """Stop the workers (a job still running in one would hold it): the next job gets new ones."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        workers = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for worker in workers:
            if worker.is_alive():
                worker.terminate()

    def status(self) -> dict[str, int]:
        return {"running": self.running, "refused": self.refused, "timed_out": self.timed_out}

    def close(self) -> None:
        self._replace_pool()
