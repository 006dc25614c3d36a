"""Runs the collector as its own process beside the server and keeps it running (the design's run_parallel).

If the collector dies, the server says so in its status and log and restarts it with exponential
backoff; stopping the server stops the collector (SIGTERM, then SIGKILL after a grace period).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from aviator.core.status import CollectorStatus

logger = logging.getLogger(__name__)


class CollectorSupervisor:
    """Starts ``aviator collect --out DIR ...`` and restarts it when it exits."""

    def __init__(
        self,
        out_dir: Path,
        extra_args: Sequence[str] = (),
        *,
        backoff_start: float = 1.0,
        backoff_max: float = 30.0,
        stable_after: float = 60.0,
        grace: float = 5.0,
    ) -> None:
        self.out_dir = out_dir
        self.command = [sys.executable, "-m", "aviator", "collect", "--out", str(out_dir), *extra_args]
        self.backoff_start = backoff_start
        self.backoff_max = backoff_max
        self.stable_after = stable_after
        self.grace = grace
        self.process: asyncio.subprocess.Process | None = None
        self.restarts = 0
        self.last_exit_code: int | None = None
        self.last_error: str | None = None
        self.started_at: float | None = None
        self.next_start_at: float | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def run(self) -> None:
        """Keep the collector running until cancelled; then stop it."""
        delay = self.backoff_start
        try:
            while True:
                self.started_at = time.monotonic()
                self.next_start_at = None
                self.process = await asyncio.create_subprocess_exec(
                    *self.command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
                )
                logger.info("collector started (pid %d): %s", self.process.pid, " ".join(self.command[2:]))
                _, stderr = await self.process.communicate()
                code = self.process.returncode
                self.last_exit_code = code
                lines = stderr.decode(errors="replace").strip().splitlines()
                self.last_error = lines[-1] if lines else None
                if time.monotonic() - self.started_at >= self.stable_after:
                    delay = self.backoff_start
                self.restarts += 1
                self.next_start_at = time.time() + delay
                logger.error(
                    "collector exited with code %s%s; restarting in %.0f s",
                    code,
                    f" ({self.last_error})" if self.last_error else "",
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.backoff_max)
        finally:
            await self._stop_process()

    async def _stop_process(self) -> None:
        process = self.process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        try:
            await asyncio.wait_for(process.wait(), self.grace)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
        logger.info("collector stopped")

    def status(self) -> CollectorStatus:
        return CollectorStatus(
            running=self.running,
            pid=self.process.pid if self.running and self.process else None,
            out_dir=str(self.out_dir),
            restarts=self.restarts,
            last_exit_code=self.last_exit_code,
            last_error=self.last_error,
            next_start_at=self.next_start_at,
        )
