"""Leading and following: of the processes sharing one store, the lease holder runs the sources and
the persisting engine; the others run the same engine loop without persisting.

When leadership changes, the tasks of the old role stop and those of the new one start. A process
that takes over reloads the engine from what the store says the last leader saved, so no round is
scored twice or skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aviator.live.engine import Engine
from aviator.ops.lease import Lease

logger = logging.getLogger(__name__)

#: A coroutine to run while this process leads (a source, the watcher, the collector's supervisor).
LeaderTask = Callable[[], Coroutine[Any, Any, Any]]


class Leadership:
    """Runs the lease and switches this process between leading and following."""

    def __init__(
        self,
        lease: Lease,
        engine: Engine,
        *,
        reload: Callable[[], Awaitable[None]],
        events_reach_every_process: bool,
    ) -> None:
        self.lease = lease
        self.engine = engine
        self.reload = reload
        self.events_reach_every_process = events_reach_every_process
        self.leader_tasks: list[tuple[str, LeaderTask]] = []
        self.on_lead: list[Callable[[], Awaitable[None]]] = []
        self._running: list[asyncio.Task[Any]] = []
        self._engine_current = True

    @property
    def is_leader(self) -> bool:
        return self.lease.is_leader

    def add(self, name: str, task: LeaderTask) -> None:
        """A task that runs only while this process leads."""
        self.leader_tasks.append((name, task))

    async def start(self) -> None:
        await self.lease.step()
        await self._switch(self.lease.is_leader)

    async def run(self) -> None:
        """Keep the lease (or keep trying) until cancelled, switching roles as it changes."""
        await self.lease.run(self._switch)

    async def _switch(self, leader: bool) -> None:
        await self._stop_role()
        if leader:
            if not self._engine_current:
                await self.reload()
                self._engine_current = True
            self.engine.publishing = True
            self._spawn("engine", self.engine.run(persist=True))
            for name, task in self.leader_tasks:
                self._spawn(name, task())
            for hook in self.on_lead:
                await hook()
        else:
            self._engine_current = False
            # With a bus that reaches every process the leader's events reach this process's clients.
            self.engine.publishing = not self.events_reach_every_process
            self._spawn("follower", self.engine.run(persist=False))

    def _spawn(self, name: str, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work, name=name)
        task.add_done_callback(_report_failure)
        self._running.append(task)

    async def _stop_role(self) -> None:
        running, self._running = self._running, []
        for task in running:
            task.cancel()
        for task in running:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def stop(self) -> None:
        await self._stop_role()
        await self.lease.release()


def _report_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("background task %s failed: %r", task.get_name(), task.exception())
