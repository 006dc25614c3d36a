"""The response models of the routes (and the request bodies that are not domain types)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from aviator.core.forecast import Forecast
from aviator.core.reports import ModelReport, SkillLine
from aviator.core.rounds import StoredRound
from aviator.core.status import StatusReport, WatcherStatus
from aviator.core.streams import StreamInfo
from aviator.fairness import SimulatedCheck


class RoundsPage(BaseModel):
    stream: str
    rounds: list[StoredRound] = Field(description="Newest first.")
    next_before: int | None = Field(description="Pass as `before` for the next page (None: no more).")


class Rejected(BaseModel):
    index: int = Field(description="Position of the item in the batch (0 for a single object).")
    reason: str


class IngestResponse(BaseModel):
    received: int
    stored: int
    duplicates: int = Field(description="Items already stored (a retry), not stored again.")
    rejected: list[Rejected]
    rounds: list[StoredRound] = Field(description="The rounds stored, with their numbers.")


class RoundCheck(BaseModel):
    round: StoredRound
    check: SimulatedCheck


class DesignPrediction(BaseModel):
    """The field names the auto-sync design's clients read, computed from our forecast."""

    model: str
    predicted_multiplier: float = Field(description="The forecast's median.")
    prediction_range: list[float] = Field(description="The middle half of the forecast: [low, high].")
    confidence: float = Field(description="P(reach the target).")
    last_actual: float | None
    trend: str = Field(description="up, down, flat or unknown, over the last 10 rounds (not a forecast).")
    predicted_at: str
    data_points_used: int


class PredictResponse(BaseModel):
    success: bool
    prediction: DesignPrediction
    stream: str
    seq: int
    rounds: int
    selected: str
    target: float
    forecast: Forecast
    forecasts: dict[str, Forecast]
    skill: list[SkillLine]
    house_expected_return: float
    house_p_target: float
    claim: str


class ModelsResponse(BaseModel):
    stream: str
    selected: str = Field(description="The default model for new viewers.")
    models: list[ModelReport]


class StreamsResponse(BaseModel):
    default: str | None
    streams: list[StreamInfo]


class StreamChange(BaseModel):
    rtp: float = Field(gt=0.5, le=1.0, description="The return to player this stream is measured against.")


class StatusResponse(StatusReport):
    """Ours, with the auto-sync design's field names beside them."""

    model_trained: bool = Field(description="Every batch model of the stream forecasts on its own.")
    model_accuracy: SkillLine | None = Field(description="The default model's measured skill.")
    current_prediction: DesignPrediction | None
    prediction_history: list[dict[str, Any]] = Field(
        description="The default model's latest scored forecasts."
    )
    auto_train_enabled: bool
    csv_file: str | None
    csv_records: int
    streams: list[StreamInfo]


class Health(BaseModel):
    ok: bool
    rounds: int


class Ready(BaseModel):
    ready: bool
    store: str


class ResetResponse(BaseModel):
    success: bool
    message: str


class RecentRound(BaseModel):
    timestamp: str
    multiplier: float
    seq: int


class RoundStatistics(BaseModel):
    mean: float | None
    std: float | None
    min: float | None
    max: float | None
    median: float | None


class LoadCsvResponse(BaseModel):
    success: bool
    stream: str
    filename: str | None
    total_records: int
    latest_multiplier: float | None
    latest_timestamp: str | None
    statistics: RoundStatistics
    recent_data: list[RecentRound]
    watcher: WatcherStatus | None
    skill: list[SkillLine]


class TrainedReport(BaseModel):
    rounds: int
    seconds: float
    scores: dict[str, float]
    error: str | None
    trained_at: str


class TrainResponse(BaseModel):
    success: bool
    message: str
    accuracy: dict[str, Any] = Field(
        description="The design's accuracy fields: held-out figures of the training."
    )
    models: dict[str, TrainedReport]
    note: str
    skill: list[SkillLine]
