"""All settings in one place: environment variables prefixed ``AVIATOR_`` and an optional ``.env``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from aviator.core.baseline import BASELINE

SourceName = Literal["simulator", "none"]
#: The kinds of ``fairness.planted.Plant`` (core cannot import fairness; a test keeps them equal).
PlantName = Literal["fair", "shortfall", "cap", "thin", "lag", "regime", "periodic"]


class Settings(BaseSettings):
    """Every ``AVIATOR_*`` setting; README.md lists them in a table."""

    model_config = SettingsConfigDict(env_prefix="AVIATOR_", env_file=".env", extra="ignore")

    host: str = Field("127.0.0.1", description="Address the server binds to.")
    port: int = Field(8765, ge=1, le=65535, description="Port the server listens on.")
    database_url: str = Field(
        "sqlite:///data/aviator.db",
        description="SQLAlchemy URL of the store (SQLite by default; postgresql://... for several hosts).",
    )
    redis_url: str | None = Field(None, description="redis://... puts the event bus on Redis pub/sub.")
    api_token: str | None = Field(
        None, description="When set, requests that change state (and whole exports) must carry it."
    )
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="More Host names the server answers to, besides loopback and the bind address "
        "(comma-separated; '*' for any).",
    )
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="More origins whose pages may change state (comma-separated, e.g. https://me.example).",
    )
    max_body_bytes: int = Field(
        8_000_000, ge=1_000, le=1_000_000_000, description="Largest request body taken, in bytes."
    )
    rate_limit: float = Field(
        50.0,
        ge=0,
        le=100_000,
        description="API requests a second per client address (bursts of twice; 0: no limit).",
    )
    ws_rate_limit: float = Field(
        20.0, gt=0, le=100_000, description="WebSocket messages a second per connection (bursts of twice)."
    )
    source: SourceName = Field("simulator", description="Built-in round source: the simulator, or none.")
    sim_interval: float = Field(
        4.0, gt=0, le=3600, description="Seconds between simulated rounds (--fast uses 0.3)."
    )
    sim_plant: PlantName | None = Field(
        None,
        description="Simulator: play a stream with this planted deviation (a test of the measurement; "
        "its rounds are not provably fair).",
    )
    sim_strength: float = Field(
        0.2, ge=0.0, le=1.0, description="Simulator: strength of the planted deviation (see sim_plant)."
    )
    rtp: float = Field(0.97, gt=0.5, le=1.0, description="Return to player c of the game: P(M >= m) = c/m.")
    target: float = Field(2.0, ge=1.01, le=1000, description="Default cash-out target for P(reach target).")
    window: int = Field(20, ge=5, le=500, description="Rounds the heuristic model looks back over.")
    model: str = Field(BASELINE, description="Model whose forecast is shown first.")
    max_multiplier: float = Field(1_000_000.0, gt=1, description="Largest multiplier accepted by ingest.")
    watch_dir: Path | None = Field(None, description="Directory watched for round CSV files.")
    watch_pattern: str = Field("aviator_payouts_*.csv", description="File-name pattern the watcher reads.")
    watch_stream: str | None = Field(
        None,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:/@-]+$",
        description="Stream name of the watched files (default: files:DIR, or the collector's).",
    )
    default_stream: str | None = Field(
        None,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:/@-]+$",
        description="Stream pages and reads show when none is named (default: the built-in source's).",
    )
    collect_dir: Path | None = Field(
        None, description="Run the collector as its own process writing here, and watch this directory."
    )
    collect_interval: float = Field(4.0, gt=0, le=3600, description="Seconds between the collector's rounds.")
    collect_source: Literal["simulator", "browser"] = Field(
        "simulator",
        description="What the collector process reads: the simulator, or a game page in a browser.",
    )
    collect_url: str | None = Field(None, description="Browser collector: the game page's URL.")
    collect_selector: str | None = Field(
        None, description="Browser collector: CSS selector of history items."
    )
    collect_frame: str | None = Field(
        None, description="Browser collector: CSS selector of the game's iframe."
    )
    collect_profile: Path | None = Field(None, description="Browser collector: Chromium profile directory.")
    auto_train: bool = Field(True, description="Retrain batch models by themselves as rounds arrive.")
    retrain_min_rounds: int = Field(30, ge=2, description="Rounds needed before the first training.")
    retrain_every: int = Field(5, ge=1, description="New rounds that trigger a retraining.")
    retrain_fraction: float = Field(
        0.05, gt=0, le=10, description="Growth of the data (fraction) that also triggers a retraining."
    )
    ws_queue_size: int = Field(256, ge=8, le=100_000, description="Events buffered per WebSocket client.")
    metrics_interval: float = Field(5.0, gt=0, description="Seconds between system-metric samples.")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="Logging level.")

    @field_validator("allowed_hosts", "allowed_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        return (
            [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value
        )


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the setting and the value."""


def load_settings(**overrides: object) -> Settings:
    """Build the settings, turning pydantic's report into one readable line per bad setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"])
            lines.append(f"AVIATOR_{name.upper()}={error.get('input')!r}: {error['msg']}")
        raise SettingsError("invalid settings:\n  " + "\n  ".join(lines)) from None
