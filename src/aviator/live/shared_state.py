"""What the processes sharing one store agree on: the runtime settings and the count of resets.

Each is saved in the store's state; a process that did not make a change learns of it by polling
(``changes``), so a setting changed or a reset made through any process reaches every engine.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Collection
from dataclasses import dataclass

from pydantic import ValidationError

from aviator.core.baseline import BASELINE
from aviator.core.runtime import RuntimeSettings
from aviator.store.repository import Store
from aviator.store.state_keys import StateKey


@dataclass(frozen=True)
class Changes:
    """What another process changed since the last look."""

    runtime: RuntimeSettings | None
    reset: bool


class SharedState:
    """The runtime settings in force, and the reset generation this process has seen."""

    def __init__(self, store: Store, defaults: RuntimeSettings, models: Collection[str]) -> None:
        self.store = store
        self.runtime = defaults
        self.models = models
        self.reset_generation = 0

    def _merge(self, saved: object) -> RuntimeSettings | None:
        if not isinstance(saved, dict):
            return None
        with contextlib.suppress(ValidationError):
            runtime = RuntimeSettings.model_validate({**self.runtime.model_dump(), **saved})
            if runtime.model not in self.models:
                runtime = runtime.model_copy(update={"model": BASELINE})
            return runtime
        return None

    async def load(self) -> RuntimeSettings:
        """The saved settings over the defaults (a saved model that no longer exists falls back to house)."""
        saved = await asyncio.to_thread(self.store.get_state, StateKey.RUNTIME_SETTINGS)
        self.runtime = self._merge(saved) or self.runtime
        if self.runtime.model not in self.models:
            self.runtime = self.runtime.model_copy(update={"model": BASELINE})
        self.reset_generation = int(
            await asyncio.to_thread(self.store.get_state, StateKey.RESET_GENERATION) or 0
        )
        return self.runtime

    async def save(self, runtime: RuntimeSettings) -> None:
        self.runtime = runtime
        await asyncio.to_thread(self.store.set_state, StateKey.RUNTIME_SETTINGS, runtime.model_dump())

    async def count_reset(self) -> None:
        """A reset was made here: the next generation, so the other processes follow."""
        generation = int(await asyncio.to_thread(self.store.get_state, StateKey.RESET_GENERATION) or 0) + 1
        await asyncio.to_thread(self.store.set_state, StateKey.RESET_GENERATION, generation)
        self.reset_generation = generation

    async def changes(self) -> Changes:
        """Settings and resets another process made since the last call."""
        saved = self._merge(await asyncio.to_thread(self.store.get_state, StateKey.RUNTIME_SETTINGS))
        runtime = saved if saved is not None and saved != self.runtime else None
        if runtime is not None:
            self.runtime = runtime
        generation = int(await asyncio.to_thread(self.store.get_state, StateKey.RESET_GENERATION) or 0)
        reset = generation != self.reset_generation
        self.reset_generation = generation
        return Changes(runtime, reset)
