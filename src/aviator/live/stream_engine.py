"""One stream's models, pending forecasts and live record: nothing learned or scored on one stream
touches another.

Per round (``step``): score every pending forecast against the round, record the scores, let every
model learn the round, forecast the next one. O(models x window); never a scan of the history.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np

from aviator.audit.live import LiveAudit
from aviator.core.baseline import BASELINE
from aviator.core.curve import THRESHOLDS, FloatArray
from aviator.core.forecast import Forecast
from aviator.core.reports import ModelReport, SkillLine
from aviator.core.rounds import StoredRound
from aviator.core.runtime import RuntimeSettings
from aviator.evaluation.claims import LABELS as CLAIM_LABELS
from aviator.evaluation.scores import RoundScore, score_forecast, score_forecasts
from aviator.evaluation.skill import VerdictCode
from aviator.evaluation.tracker import Tracker
from aviator.live.events import PredictionPayload
from aviator.models.base import HISTORY_WINDOW, Model, ModelParams
from aviator.models.registry import create_models
from aviator.store.records import prediction_row
from aviator.store.repository import StreamRecord


class StreamEngine:
    """The live models of one stream."""

    def __init__(self, stream: StreamRecord, runtime: RuntimeSettings, model_names: Sequence[str]) -> None:
        self.stream = stream
        self.runtime = runtime
        self.model_names = list(model_names)
        self.models: dict[str, Model] = create_models(self.model_names, self._params())
        self.tracker = Tracker()
        self.history: deque[float] = deque(maxlen=HISTORY_WINDOW)
        self.rounds_seen = 0
        #: The global seq of the last round of this stream the models have learned.
        self.learned_through = 0
        self.last_round: StoredRound | None = None
        #: When the stream's first and latest rounds ended (of every round learned, not only scored).
        self.first_at: datetime | None = None
        self.last_at: datetime | None = None
        self.next_stream_seq = 1
        self.pending: dict[str, Forecast] = {}
        self.predictions_made = 0
        self.dirty = False
        #: The live fairness audit of every round of the stream against its RTP (O(1) a round).
        self.audit = LiveAudit(stream.rtp)
        #: The RTP changed: the audit must be rebuilt from the stored rounds before it is read.
        self.audit_stale = False
        self.pending = self._forecast_all()

    @property
    def name(self) -> str:
        return self.stream.name

    def _params(self) -> ModelParams:
        return ModelParams(rtp=self.stream.rtp, window=self.runtime.window)

    # -- learning ---------------------------------------------------------------------------------
    def learn_history(
        self,
        series: FloatArray,
        through_seq: int,
        next_stream_seq: int,
        span: tuple[datetime | None, datetime | None] = (None, None),
    ) -> None:
        """Learn a backlog in bulk (not scored): the rounds up to global seq ``through_seq``, which
        ended between the times of ``span``."""
        self.first_at, self.last_at = span
        self.audit = LiveAudit.from_rounds(series, self.stream.rtp)
        self.audit_stale = False
        for model in self.models.values():
            model.learn_many(series)
        self.history.clear()
        self.history.extend(float(x) for x in series[-HISTORY_WINDOW:])
        self.rounds_seen = int(series.size)
        self.learned_through = through_seq
        self.next_stream_seq = next_stream_seq
        self.pending = self._forecast_all()

    def step(self, rnd: StoredRound, persist: bool) -> list[dict[str, Any]]:
        """Score the pending forecasts against ``rnd``, learn it, forecast the next round; returns the
        prediction rows to store (none when not persisting)."""
        actual = rnd.multiplier
        scores = self._score_pending(actual)
        house_log = scores[BASELINE].log_score
        rows = []
        for name, score in scores.items():
            self.tracker.record(name, score, house_log)
            if persist:
                forecast = self.pending[name]
                rows.append(
                    prediction_row(
                        model=name,
                        stream_id=self.stream.id,
                        round_seq=rnd.seq,
                        made_at=forecast.made_at,
                        target=forecast.target,
                        median=forecast.median,
                        p_target=forecast.p_target,
                        thresholds={f"{t:g}": p for t, p in zip(THRESHOLDS, score.probs, strict=True)},
                        actual=actual,
                        hit=score.hit,
                        log_score=score.log_score,
                        scores=score.as_dict(),
                    )
                )
        for model in self.models.values():
            model.learn_one(actual)
        self.audit.add(actual)
        self.history.append(actual)
        self.learned_through, self.last_round = rnd.seq, rnd
        self.first_at = self.first_at or rnd.timestamp
        self.last_at = rnd.timestamp
        self.next_stream_seq = rnd.stream_seq + 1
        self.rounds_seen += 1
        self.dirty = True
        self.pending = self._forecast_all()
        return rows

    def _score_pending(self, actual: float) -> dict[str, RoundScore]:
        """Every pending forecast scored against ``actual``, all models as one matrix per target."""
        pending = list(self.pending.values())
        if len({f.target for f in pending}) > 1:
            return {
                f.model: score_forecast(f.curve(), f.median, f.target, f.p_target, actual) for f in pending
            }
        scores = score_forecasts(
            np.array([f.survival for f in pending]),
            np.array([f.median for f in pending]),
            pending[0].target,
            np.array([f.p_target for f in pending]),
            actual,
        )
        return {f.model: score for f, score in zip(pending, scores, strict=True)}

    # -- forecasting ------------------------------------------------------------------------------
    def _forecast_all(self) -> dict[str, Forecast]:
        history = np.fromiter(self.history, dtype=np.float64, count=len(self.history))
        made = []
        for name, model in self.models.items():
            started = time.perf_counter()
            curve, details = model.predict(history)
            details = {**details, "elapsed_ms": (time.perf_counter() - started) * 1e3}
            made.append((name, curve, details, model.trained))
        self.predictions_made += len(made)
        forecasts = Forecast.from_curves(self.next_stream_seq - 1, self.runtime.target, made)
        return {forecast.model: forecast for forecast in forecasts}

    def forecast(self, model: str, target: float | None = None) -> Forecast:
        """A model's pending forecast, at ``target`` (the scoring target by default)."""
        pending = self.pending[model]
        return pending if target is None or target == pending.target else pending.at_target(target)

    def prediction(self, selected: str | None = None, target: float | None = None) -> PredictionPayload:
        """Every model's pending forecast at ``target``, the selected one first, and every skill line."""
        chosen = selected or self.runtime.model
        if chosen not in self.pending:
            chosen = BASELINE
        at = target if target is not None else self.runtime.target
        forecasts = {name: self.forecast(name, at) for name in self.pending}
        skill = self.skill_lines()
        code = next(line.verdict_code for line in skill if line.model == chosen)
        house = forecasts[BASELINE]
        return PredictionPayload(
            stream=self.name,
            seq=self.next_stream_seq - 1,
            rounds=self.rounds_seen,
            selected=chosen,
            target=at,
            forecast=forecasts[chosen],
            forecasts=forecasts,
            skill=skill,
            house_expected_return=house.expected_return,
            house_p_target=house.p_target,
            claim=CLAIM_LABELS[VerdictCode(code)],
        )

    # -- reports ----------------------------------------------------------------------------------
    def skill_lines(self) -> list[SkillLine]:
        """One compact line per model: its measured skill against house."""
        lines = []
        for name, model in self.models.items():
            summary = self.tracker.summary(name)
            skill, scores = summary["skill"], summary["scores"]
            lines.append(
                SkillLine(
                    model=name,
                    trained=model.trained,
                    scored=summary["rounds"],
                    skill=skill["mean"],
                    skill_ci=[skill["low"], skill["high"]],
                    verdict=skill["verdict"],
                    verdict_code=str(skill["code"]),
                    method=skill["method"],
                    log_score=scores["log_score"],
                    hit_rate=scores["hit_rate"],
                )
            )
        return lines

    def model_reports(self) -> list[ModelReport]:
        """Each model: what it is, trained?, rounds seen, live scores, skill, verdict, calibration."""
        return [
            ModelReport.model_validate(
                {
                    "name": name,
                    "description": model.description,
                    "batch": model.batch,
                    "trained": model.trained,
                    "rounds_seen": model.rounds_seen,
                    "default": name == self.runtime.model,
                    **self.tracker.summary(name),
                }
            )
            for name, model in self.models.items()
        ]

    # -- settings and state -----------------------------------------------------------------------
    def apply(self, runtime: RuntimeSettings, stream: StreamRecord | None = None) -> None:
        """New settings (or a new RTP of the stream) take effect from the next forecast on."""
        self.runtime = runtime
        if stream is not None:
            self.audit_stale = self.audit_stale or stream.rtp != self.stream.rtp
            self.stream = stream
        params = self._params()
        for model in self.models.values():
            model.configure(params)
        self.pending = self._forecast_all()

    def to_state(self) -> dict[str, Any]:
        return {"tracker": self.tracker.to_state(), "learned_through": self.learned_through}

    def restore(self, state: dict[str, Any]) -> None:
        self.tracker = Tracker.from_state(state.get("tracker", {}))
        self.learned_through = int(state.get("learned_through", 0))
