"""What a backtest returns: per model its mean scores, skill over house, verdict and calibration."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aviator.evaluation.skill import Skill


@dataclass
class ModelResult:
    """One model's backtest: forecasts scored, mean scores, skill over house and calibration rows."""

    name: str
    rounds: int
    scores: dict[str, Any]
    skill: Skill
    calibration: list[dict[str, Any]]
    #: Wall time of this model's walk-forward and scoring.
    seconds: float = 0.0
    #: Diebold-Mariano two-sided p-value of "no skill", and the same after Holm's correction over models.
    p_value: float | None = None
    p_holm: float | None = None
    #: The smallest true skill (nats per round) this many rounds would show as "evidence of skill"
    #: four times in five (80% power), at the corrected level.
    min_detectable_edge: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "rounds": self.rounds,
            "scores": self.scores,
            "skill": self.skill.mean,
            "skill_ci": [self.skill.low, self.skill.high],
            "skill_method": self.skill.method,
            "verdict": self.skill.verdict,
            "verdict_code": self.skill.code.value,
            "p_value": self.p_value,
            "p_holm": self.p_holm,
            "min_detectable_edge": self.min_detectable_edge,
            "calibration": self.calibration,
            "seconds": round(self.seconds, 3),
        }


@dataclass
class BacktestReport:
    """The whole backtest: rounds in the series, the settings used, the models scored and skipped."""

    rounds: int
    settings: dict[str, Any]
    models: dict[str, ModelResult] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "rounds": self.rounds,
            "settings": self.settings,
            "models": {name: result.to_json() for name, result in self.models.items()},
            "skipped": dict(self.skipped),
        }

    def calibration_tables(self) -> dict[str, list[dict[str, Any]]]:
        return {name: result.calibration for name, result in self.models.items()}
