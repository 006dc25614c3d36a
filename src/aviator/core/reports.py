"""The shapes of what the live record says about each model: scores, skill, verdict, calibration.

The evaluation layer fills them; the API and the WebSocket publish them as they are, so the page
reads only fields that exist here.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

VerdictCodeText = str


class SkillReport(BaseModel):
    """Mean log-score difference to house (nats per round), its interval and the verdict."""

    mean: float | None = Field(description="Skill: mean of (model's log score - house's), nats per round.")
    low: float | None = Field(description="Lower end of the interval (None until enough rounds).")
    high: float | None = Field(description="Upper end of the interval.")
    n: int = Field(description="Rounds scored.")
    verdict: str = Field(description="The verdict in words.")
    method: str = Field(description="Which kind of interval the verdict rests on.")
    code: str = Field(description="The verdict for machines: skill, no_skill, worse, too_few or baseline.")


class Streak(BaseModel):
    current: int
    best: int


class CalibrationRow(BaseModel):
    """Forecasts of P(M >= threshold) in one bin, and how often it happened."""

    threshold: float
    bin: list[float] = Field(description="The bin's lower and upper edge.")
    count: int
    predicted: float | None
    observed: float | None


class ModelReport(BaseModel):
    """One model on one stream: what it is, and everything measured about it live."""

    name: str
    description: str
    batch: bool
    trained: bool = Field(description="The model forecasts on its own (else it answers with house).")
    rounds_seen: int
    default: bool = Field(description="The model new viewers see first.")
    model: str
    rounds: int = Field(description="Rounds its forecasts were scored on.")
    scores: dict[str, float | None] = Field(description="Mean scores by name (log_score, brier@2, ...).")
    streak: Streak
    skill: SkillReport
    calibration: list[CalibrationRow]


class SkillLine(BaseModel):
    """One model's measured skill in one line, shown beside every forecast."""

    model: str
    trained: bool
    scored: int
    skill: float | None
    skill_ci: list[float | None] = Field(description="The interval: [low, high] (None until enough rounds).")
    verdict: str
    verdict_code: str
    method: str
    log_score: float | None
    hit_rate: float | None
