"""The per-round pipeline: score the pending forecasts, let the models learn, forecast the next round.

Rounds are taken from the store in ``seq`` order (whoever stored them: a source, HTTP, a watched file),
so an acknowledged round is never lost: after a restart the engine goes on from the last round it
processed. Per-round cost is O(models x window); nothing here scans the whole history per round.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np

from aviator.bus.base import Bus
from aviator.core.baseline import BASELINE
from aviator.core.curve import THRESHOLDS, FloatArray, survival_at
from aviator.core.events import encode_event
from aviator.core.forecast import Forecast
from aviator.core.rounds import StoredRound
from aviator.core.runtime import RuntimeSettings
from aviator.evaluation.scores import score_forecast
from aviator.evaluation.tracker import Tracker
from aviator.models.base import HISTORY_WINDOW, Model, ModelParams
from aviator.models.registry import create_models
from aviator.store.repository import Store

logger = logging.getLogger(__name__)

#: A backlog larger than this (an import, a long stop) is learned in bulk, not scored round by round:
#: live scores are only for rounds the engine forecast before they happened.
LIVE_BACKLOG_LIMIT = 500
_STATE_KEY = "engine"
_BATCH = 500


class Engine:
    """Owns the models, their pending forecasts and the live scores."""

    def __init__(
        self,
        store: Store,
        bus: Bus,
        runtime: RuntimeSettings,
        model_names: list[str] | None = None,
    ) -> None:
        self.store = store
        self.bus = bus
        self.runtime = runtime
        self.models: dict[str, Model] = create_models(model_names, self._params())
        self.tracker = Tracker()
        self.history: deque[float] = deque(maxlen=HISTORY_WINDOW)
        self.last_seq = 0
        self.rounds_seen = 0
        self.pending: dict[str, Forecast] = {}
        self.last_round: StoredRound | None = None
        self.step_ms: deque[float] = deque(maxlen=1000)
        self.predictions_made = 0
        self.store_error: str | None = None
        self.after_rounds: list[Callable[[], Awaitable[None]]] = []
        self._wake = asyncio.Event()
        self._state_saved_at = 0.0

    def _params(self) -> ModelParams:
        return ModelParams(rtp=self.runtime.rtp, window=self.runtime.window)

    # -- start-up -------------------------------------------------------------------------------
    async def start(self) -> None:
        """Restore the saved state and learn the history the models have not seen."""
        state = await asyncio.to_thread(self.store.get_state, _STATE_KEY)
        if state:
            self.last_seq = int(state.get("last_seq", 0))
            self.tracker = Tracker.from_state(state.get("tracker", {}))
        backlog = await asyncio.to_thread(self.store.count_rounds, self.last_seq)
        if backlog > LIVE_BACKLOG_LIMIT:
            # Learn the whole backlog but its last round in bulk; that one is then processed live.
            newest = await asyncio.to_thread(self.store.recent_rounds, 2)
            self.last_seq = newest[-1].seq if len(newest) == 2 else 0
        series = await asyncio.to_thread(self.store.multipliers, self.last_seq)
        self._learn_history(series)
        self.pending = self._forecast_all()
        logger.info("engine ready: %d rounds learned, models: %s", self.rounds_seen, ", ".join(self.models))

    def _learn_history(self, series: FloatArray) -> None:
        for model in self.models.values():
            model.learn_many(series)
        self.history.clear()
        self.history.extend(float(x) for x in series[-HISTORY_WINDOW:])
        self.rounds_seen = int(series.size)

    # -- forecasting ----------------------------------------------------------------------------
    def _forecast_all(self) -> dict[str, Forecast]:
        history = np.fromiter(self.history, dtype=np.float64, count=len(self.history))
        return {name: self._forecast(name, model, history) for name, model in self.models.items()}

    def _forecast(self, name: str, model: Model, history: FloatArray) -> Forecast:
        started = time.perf_counter()
        curve, details = model.predict(history)
        details = {**details, "trained": model.trained, "elapsed_ms": (time.perf_counter() - started) * 1e3}
        forecast = Forecast.from_curve(name, self.last_seq, curve, self.runtime.target, details)
        self.predictions_made += 1
        return forecast

    def forecast(self, model: str | None = None) -> Forecast:
        """The pending forecast of one model (the selected one by default)."""
        name = model or self.runtime.model
        return self.pending[name]

    # -- the per-round step ---------------------------------------------------------------------
    def step(self, rnd: StoredRound) -> list[dict[str, Any]]:
        """Score every pending forecast against ``rnd``, learn it, forecast the next round."""
        started = time.perf_counter()
        actual = rnd.multiplier
        scores = {
            name: score_forecast(f.curve(), f.median, f.target, f.p_target, actual)
            for name, f in self.pending.items()
        }
        house_log = scores[BASELINE].log_score
        rows = []
        for name, score in scores.items():
            self.tracker.record(name, score, house_log)
            forecast = self.pending[name]
            curve = forecast.curve()
            rows.append(
                {
                    "model": name,
                    "round_seq": rnd.seq,
                    "made_at": forecast.made_at,
                    "target": forecast.target,
                    "median": forecast.median,
                    "p_target": forecast.p_target,
                    "thresholds": json.dumps({str(t): survival_at(curve, t) for t in THRESHOLDS}),
                    "actual": actual,
                    "hit": score.hit,
                    "log_score": score.log_score,
                    "scores": json.dumps(score.as_dict()),
                }
            )
        for model in self.models.values():
            model.learn_one(actual)
        self.history.append(actual)
        self.last_seq, self.last_round = rnd.seq, rnd
        self.rounds_seen += 1
        self.pending = self._forecast_all()
        self.step_ms.append((time.perf_counter() - started) * 1e3)
        return rows

    # -- the loop -------------------------------------------------------------------------------
    def wake(self) -> None:
        """New rounds were stored: process them now rather than at the next poll."""
        self._wake.set()

    async def run(self, poll_seconds: float = 1.0, max_backoff: float = 30.0) -> None:
        """Process stored rounds as they come, until cancelled. When the store stops answering, say
        so (log and ``store_error``) and retry with backoff: the rounds wait in the store."""
        failures = 0
        while True:
            try:
                await self.process_new_rounds()
            except Exception as exc:
                failures += 1
                delay = min(max_backoff, poll_seconds * 2 ** (failures - 1))
                self.store_error = f"{type(exc).__name__}: {exc}"[:500]
                logger.error("engine: the store failed (%s); retrying in %.1f s", self.store_error, delay)
                await asyncio.sleep(delay)
                continue
            if failures:
                logger.info("engine: the store answers again after %d failed attempt(s)", failures)
                failures, self.store_error = 0, None
            try:
                await asyncio.wait_for(self._wake.wait(), poll_seconds)
            except TimeoutError:
                pass
            self._wake.clear()

    async def process_new_rounds(self) -> int:
        """Process every stored round after ``last_seq``; returns how many."""
        done = 0
        while True:
            batch = await asyncio.to_thread(self.store.rounds_after, self.last_seq, _BATCH)
            if not batch:
                break
            rows: list[dict[str, Any]] = []
            for rnd in batch:
                rows.extend(self.step(rnd))
                await self.bus.publish(encode_event("round", rnd))
            await asyncio.to_thread(self.store.add_predictions, rows)
            await self.publish_prediction()
            done += len(batch)
        if done:
            await self._save_state()
            for hook in self.after_rounds:
                await hook()
        return done

    async def publish_prediction(self) -> None:
        await self.bus.publish(encode_event("prediction", self.prediction_payload()))

    def prediction_payload(self, model: str | None = None) -> dict[str, Any]:
        """The selected model's forecast and the skill line of every model."""
        forecast = self.forecast(model)
        return {
            "forecast": forecast,
            "selected": forecast.model,
            "rounds": self.rounds_seen,
            "skill": self.skill_lines(),
            # The game's own odds at the same target: the one return figure that is not a model's claim.
            "house_expected_return": self.pending[BASELINE].expected_return,
        }

    def skill_lines(self) -> list[dict[str, Any]]:
        """One compact line per model: its measured skill against house, beside every forecast."""
        lines = []
        for name, model in self.models.items():
            summary = self.tracker.summary(name)
            skill, scores = summary["skill"], summary["scores"]
            lines.append(
                {
                    "model": name,
                    "trained": model.trained,
                    "scored": summary["rounds"],
                    "skill": skill["mean"],
                    "skill_ci": [skill["low"], skill["high"]],
                    "verdict": skill["verdict"],
                    "verdict_code": skill["code"],
                    "log_score": scores["log_score"],
                    "hit_rate": scores["hit_rate"],
                }
            )
        return lines

    async def _save_state(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._state_saved_at < 2.0:
            return
        self._state_saved_at = now
        state = {"last_seq": self.last_seq, "tracker": self.tracker.to_state()}
        await asyncio.to_thread(self.store.set_state, _STATE_KEY, state)

    async def close(self) -> None:
        await self._save_state(force=True)

    # -- settings and reset ---------------------------------------------------------------------
    def apply_settings(self, runtime: RuntimeSettings) -> None:
        """New settings take effect from the next forecast on (the pending ones are redone)."""
        self.runtime = runtime
        params = self._params()
        for model in self.models.values():
            model.configure(params)
        self.pending = self._forecast_all()

    async def reset(self) -> None:
        """Forget everything: the store's session data, the models' learning and the scores."""
        await asyncio.to_thread(self.store.reset)
        self.forget()

    def forget(self) -> None:
        """Forget the models' learning and the scores: the store was reset (here or elsewhere), or
        the store's saved state is to be loaded afresh by ``start``."""
        self.models = create_models(list(self.models), self._params())
        self.tracker = Tracker()
        self.history.clear()
        self.last_seq = self.rounds_seen = 0
        self.last_round = None
        self.pending = self._forecast_all()
