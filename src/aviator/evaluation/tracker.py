"""The live (prequential) record of every model: each forecast scored when its round arrives.

Everything is a running sum, so recording a round costs O(1) and never scans the history. The running
skill against house uses d = (model log score) - (house log score) per round, with a Welford running
mean and variance. Its interval is an anytime-valid confidence sequence (``confseq``): the verdict is
re-read after every round, so a fixed-n 95% interval would sooner or later show "evidence of skill"
on a fair stream by chance alone. The error rate ``alpha`` is split over the models scored against
house (Bonferroni), so the chance that any of them ever shows a false verdict stays within alpha.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

from aviator.core.baseline import BASELINE
from aviator.evaluation.calibration import CalibrationCounts
from aviator.evaluation.confseq import ALPHA, ROUNDS_OPT, bonferroni_alpha, half_width
from aviator.evaluation.scores import MEAN_KEYS, RoundScore, summarize
from aviator.evaluation.skill import MIN_ROUNDS, Skill, baseline_skill, make_skill

logger = logging.getLogger(__name__)

STATE_VERSION = 1


def live_method(tests: int, alpha: float = ALPHA) -> str:
    """What the live interval rests on, in words."""
    share = f"{alpha:.0%} split over {tests} models (Bonferroni)" if tests > 1 else f"{alpha:.0%}"
    return (
        f"anytime-valid confidence sequence (normal mixture, tightest at {ROUNDS_OPT:,} rounds), "
        f"error rate {share}: valid however often it is watched"
    )


class ModelTracker:
    """Running scores, streaks, skill and calibration counts of one model."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.n = 0
        self.sums: dict[str, float] = dict.fromkeys(MEAN_KEYS, 0.0)
        self.streak = 0
        self.best_streak = 0
        # Welford running mean and sum of squared deviations of d.
        self.d_mean = 0.0
        self.d_m2 = 0.0
        self.calibration = CalibrationCounts()

    def record(self, score: RoundScore, house_log_score: float) -> None:
        self.n += 1
        values = score.as_dict()
        for key in MEAN_KEYS:
            self.sums[key] += values[key]
        self.streak = self.streak + 1 if score.hit else 0
        self.best_streak = max(self.best_streak, self.streak)
        d = score.log_score - house_log_score
        delta = d - self.d_mean
        self.d_mean += delta / self.n
        self.d_m2 += delta * (d - self.d_mean)
        self.calibration.add_one(score.probs, score.actual)

    def skill(self, tests: int = 1, alpha: float = ALPHA) -> Skill:
        """Skill over house with its confidence sequence at ``alpha / tests`` (``tests`` = the models
        whose verdicts are shown together)."""
        method = live_method(tests, alpha)
        if self.name == BASELINE:
            return baseline_skill(self.n, method)
        if self.n == 0:
            return make_skill(None, None, None, 0, method)
        if self.n < MIN_ROUNDS:
            return make_skill(self.d_mean, None, None, self.n, method)
        sd = math.sqrt(max(self.d_m2, 0.0) / (self.n - 1))
        half = half_width(self.n, sd, bonferroni_alpha(alpha, tests))
        return make_skill(self.d_mean, self.d_mean - half, self.d_mean + half, self.n, method)

    def summary(self, tests: int = 1, alpha: float = ALPHA) -> dict[str, Any]:
        """Every figure, JSON-safe; None where nothing has been measured yet."""
        return {
            "model": self.name,
            "rounds": self.n,
            "scores": summarize(self.sums, self.n),
            "streak": {"current": self.streak, "best": self.best_streak},
            "skill": self.skill(tests, alpha).as_dict(),
            "calibration": self.calibration.table(),
        }

    def to_state(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "sums": dict(self.sums),
            "streak": self.streak,
            "best_streak": self.best_streak,
            "d_mean": self.d_mean,
            "d_m2": self.d_m2,
            "calibration": self.calibration.to_state(),
        }

    @classmethod
    def from_state(cls, name: str, state: Mapping[str, Any]) -> ModelTracker:
        tracker = cls(name)
        tracker.n = int(state["n"])
        tracker.sums.update({key: float(value) for key, value in state["sums"].items()})
        tracker.streak = int(state["streak"])
        tracker.best_streak = int(state["best_streak"])
        tracker.d_mean = float(state["d_mean"])
        tracker.d_m2 = float(state["d_m2"])
        tracker.calibration = CalibrationCounts.from_state(state["calibration"])
        return tracker


class Tracker:
    """The live record of all models, fed by the engine one scored round at a time.

    ``alpha`` is the error rate of all verdicts together: each model scored against house gets
    ``alpha / K`` with K the number of such models recorded.
    """

    def __init__(self, alpha: float = ALPHA) -> None:
        self.models: dict[str, ModelTracker] = {}
        self.alpha = alpha

    @property
    def tests(self) -> int:
        """The models whose verdicts share the error rate: every one recorded but house."""
        return sum(name != BASELINE for name in self.models)

    def record(self, model: str, score: RoundScore, house_log_score: float) -> None:
        """Add one scored forecast of ``model``; ``house_log_score`` is house's on the same round."""
        tracker = self.models.get(model)
        if tracker is None:
            tracker = self.models[model] = ModelTracker(model)
        tracker.record(score, house_log_score)

    def summary(self, model: str) -> dict[str, Any]:
        """The figures of one model (all None / zero for a model not scored yet)."""
        tracker = self.models.get(model)
        return (tracker or ModelTracker(model)).summary(self.tests, self.alpha)

    def summaries(self) -> dict[str, dict[str, Any]]:
        tests = self.tests
        return {name: tracker.summary(tests, self.alpha) for name, tracker in self.models.items()}

    def reset(self) -> None:
        self.models.clear()

    def to_state(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "alpha": self.alpha,
            "models": {name: tracker.to_state() for name, tracker in self.models.items()},
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Tracker:
        """Restore ``to_state()``; an empty state, or one of another version, starts a fresh record."""
        tracker = cls(float(state.get("alpha", ALPHA)) if state else ALPHA)
        if not state:
            return tracker
        if state.get("version") != STATE_VERSION:
            logger.warning(
                "tracker state version %r is not %d: the scores start afresh",
                state.get("version"),
                STATE_VERSION,
            )
            return tracker
        for name, model_state in state["models"].items():
            tracker.models[name] = ModelTracker.from_state(name, model_state)
        return tracker
