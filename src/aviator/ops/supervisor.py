"""Runs the collector as its own process beside the server and keeps it running (the design's run_parallel).

If the collector dies, the server says so in its status and log and restarts it with exponential
backoff; stopping the server stops the collector (SIGTERM, then SIGKILL after a grace period).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from aviator.core.status import CollectorStatus

logger = logging.getLogger(__name__)


PID_FILE = ".collector.pid"
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In the collector's process, before it runs: the kernel sends it SIGTERM when its parent (the
    server) dies, even by kill -9, so no collector lives on without its server (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() == 1:  # the parent is already gone
            os._exit(1)


def stop_stray(pid_file: Path) -> None:
    """Stop a collector a crashed server left running (named in ``pid_file``), if it is still there."""
    try:
        pid = int(pid_file.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (OSError, ValueError):
        return
    if " collect " not in f" {cmdline} ":
        return  # the pid was reused by another program
    logger.warning("a collector left by an earlier server (pid %d) was still running: stopping it", pid)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            time.sleep(0.05)
            os.kill(pid, 0)
        os.kill(pid, signal.SIGKILL)


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
        grace: float = 2.0,
    ) -> None:
        self.out_dir = out_dir
        self.command = [sys.executable, "-m", "aviator", "collect", "--out", str(out_dir), *extra_args]
        self.backoff_start = backoff_start
        self.backoff_max = backoff_max
        self.stable_after = stable_after
        self.grace = grace
        self.process: asyncio.subprocess.Process | None = None
        #: The running collector's pid, so a server started after a crash stops a stray one.
        self.pid_file = out_dir / PID_FILE
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
        stop_stray(self.pid_file)
        try:
            while True:
                self.started_at = time.monotonic()
                self.next_start_at = None
                self.process = await asyncio.create_subprocess_exec(
                    *self.command,
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.PIPE,
                    preexec_fn=die_with_parent,
                )
                self.pid_file.write_text(f"{self.process.pid}\n")
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
