"""The server-wide settings that may change while the app runs (target, RTP, window, model, auto-train)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aviator.core.baseline import BASELINE
from aviator.core.settings import Settings


class RuntimeSettings(BaseModel):
    """Validated on every change; an out-of-range value is refused with its range."""

    model_config = ConfigDict(extra="forbid")

    target: float = Field(
        2.0,
        ge=1.01,
        le=1000.0,
        description="Cash-out target forecasts are scored at; new viewers start here.",
    )
    rtp: float = Field(
        0.97,
        gt=0.5,
        le=1.0,
        description="Return to player c of the default stream and of new Aviator streams.",
    )
    window: int = Field(20, ge=5, le=500, description="Rounds the heuristic looks back over (5 to 500).")
    model: str = Field(BASELINE, description="The model new viewers see first (each viewer picks its own).")
    auto_train: bool = Field(True, description="Retrain batch models by themselves.")

    @classmethod
    def from_settings(cls, settings: Settings) -> RuntimeSettings:
        return cls(
            target=settings.target,
            rtp=settings.rtp,
            window=settings.window,
            model=settings.model,
            auto_train=settings.auto_train,
        )


def describe_errors(exc: ValidationError) -> list[str]:
    """One line per refused field, with the value and the allowed range."""
    lines = []
    for error in exc.errors():
        field = ".".join(str(p) for p in error["loc"]) or "settings"
        lines.append(f"{field}={error.get('input')!r}: {error['msg']}")
    return lines
