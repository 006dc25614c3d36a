"""What each running component reports about itself (``/api/status``, the ``hello`` and ``status``
events). Components return these; nothing is assembled from loose dictionaries."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from aviator.core.runtime import RuntimeSettings


class _Open(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BusStatus(_Open):
    backend: str
    connected: bool
    publishing: bool | None = None
    subscriptions: int | None = None
    subscriptions_down: int | None = None
    url: str | None = None
    channel: str | None = None
    published: int | None = None
    outbox: int | None = None
    dropped: int | None = None
    publish_errors: int | None = None
    subscribe_errors: int | None = None
    last_error: str | None = None


class IngestStatus(_Open):
    stored: int
    duplicates: int
    rejected: int


class SimulatorStatus(_Open):
    name: str
    stream: str
    interval_s: float
    rounds_played: int
    next_round_id: int
    next_server_hash: str | None
    provably_fair: bool = Field(True, description="Its rounds carry seeds that verify.")
    plant: str | None = Field(None, description="A planted deviation (a test stream, not provably fair).")
    note: str | None = None


class WatchedFile(_Open):
    rows: int
    offset: int
    errors: int


class WatcherStatus(_Open):
    directory: str
    pattern: str
    stream: str
    files: dict[str, WatchedFile]
    last_file: str | None
    last_rows_at: str | None
    total_rows: int


class CollectorStatus(_Open):
    running: bool
    pid: int | None
    out_dir: str
    restarts: int
    last_exit_code: int | None
    last_error: str | None
    next_start_at: float | None


class TrainedModel(_Open):
    last_trained_at: str | None
    rounds_trained_on: int | None
    last_error: str | None
    scores: dict[str, float]
    seconds: float | None


class TrainerStatus(_Open):
    training: list[str]
    models: dict[str, TrainedModel]


class LeaseStatus(_Open):
    kind: str
    holder: str
    leader: bool
    since: float | None
    changes: int
    last_error: str | None
    key: str | None = None
    ttl_s: float | None = None
    current_holder: str | None = None
    url: str | None = None
    lock_key: int | None = None
    lock_file: str | None = None


class SystemSample(_Open):
    ts: float
    pid: int
    cpu_percent: float
    memory_mb: float
    db_size_mb: float | None
    ws_connections: int
    predictions_per_min: float
    events_per_s: float
    loop_lag_p99_ms: float
    loop_lag_max_ms: float
    leader: bool


class StatusReport(_Open):
    """What the server is doing (for the default stream where a figure is per stream)."""

    uptime_s: float
    stream: str | None = Field(description="The stream the per-stream figures are of.")
    rounds: int = Field(description="Rounds the engine has processed in that stream.")
    rounds_all: int = Field(description="Rounds processed in every stream.")
    last_seq: int = Field(description="The store's queue position the engine has reached.")
    stream_seq: int = Field(description="The number of the last round of the stream the engine processed.")
    latest_multiplier: float | None
    latest_timestamp: str | None
    selected_model: str = Field(description="The default model for new viewers.")
    settings: RuntimeSettings
    store: str
    store_error: str | None
    bus: BusStatus
    ingest: IngestStatus
    simulator: SimulatorStatus | None
    watcher: WatcherStatus | None
    collector: CollectorStatus | None
    auto_sync: bool = Field(description="A watched folder or a collector feeds the server.")
    trainer: TrainerStatus
    leader: bool
    lease: LeaseStatus | None
    system: SystemSample | None
