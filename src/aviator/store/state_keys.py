"""The keys of the store's small JSON state, in one place."""

from __future__ import annotations

from enum import StrEnum


class StateKey(StrEnum):
    #: Shared by the processes of one deployment: names its lease and bus channel (kept by a reset).
    DEPLOYMENT = "deployment"
    #: Counts resets, so every process sharing the store learns of one (kept by a reset).
    RESET_GENERATION = "reset_generation"
    #: The settings users change while the app runs.
    RUNTIME_SETTINGS = "runtime_settings"
    #: The engine's place in the store's queue (the last seq it processed).
    ENGINE = "engine"
    #: Written and read back by the readiness probe (``GET /api/ready``).
    READY_PROBE = "ready_probe"
    #: Per stream: the live scores and audit of the engine (``StateKey.ENGINE_STREAM.of(id)``).
    ENGINE_STREAM = "engine:stream:"

    def of(self, stream_id: int) -> str:
        """The key of this per-stream entry for one stream."""
        return f"{self.value}{stream_id}"


#: Entries a reset keeps.
KEPT_BY_RESET = (StateKey.DEPLOYMENT, StateKey.RESET_GENERATION)
