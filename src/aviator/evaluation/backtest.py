"""Walk-forward backtest of registered models, in statsforecast's ``cross_validation`` vocabulary.

Windows are counted back from the end of the series: the last window forecasts its final ``h``
rounds, each earlier one starts ``step_size`` rounds before. At a window's cutoff c the model knows
rounds 0..c-1 only and forecasts rounds c..c+h-1; with h > 1 it gets no new data inside the window,
so one ``predict`` on the history serves all h steps. Batch models are trained on at most
``input_size`` rounds before the cutoff, at the first window and then every ``refit`` windows.
For online models ``input_size`` bounds the warm-up they learn before the first cutoff.

Skill is judged with the fixed-n Diebold-Mariano test (HAC standard error); with several models the
verdicts come from Holm's correction of their p-values, so the chance that any model is falsely
called skilled (or worse) stays within 5%. Each model also gets the smallest edge its number of
rounds could detect.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from aviator.core.baseline import BASELINE
from aviator.core.curve import THRESHOLDS, FloatArray, clean_curve, curve_medians, house_survival
from aviator.evaluation.calibration import CalibrationCounts
from aviator.evaluation.report import BacktestReport, ModelResult
from aviator.evaluation.scores import MEAN_KEYS, bin_index, bin_probabilities, score_matrix, summarize, tkey
from aviator.evaluation.skill import (
    Skill,
    VerdictCode,
    baseline_skill,
    compute_skill,
    diebold_mariano,
    min_detectable_edge,
    newey_west_lags,
    verdict_words,
)
from aviator.models.base import HISTORY_WINDOW, BatchModel, Model, ModelParams
from aviator.models.registry import MODEL_CLASSES, UnknownModelError, create_model, known_models

logger = logging.getLogger(__name__)

#: Rounds forecast per ``predict_range`` call (bounds memory on long series).
CHUNK = 50_000
#: The error rate of all the backtest's verdicts together (Holm's correction over the models).
ALPHA = 0.05
#: Power at which the smallest detectable edge is quoted.
POWER = 0.8
IntArray = npt.NDArray[np.intp]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Plan:
    """Where the windows are: cutoff k is the number of rounds known when window k is forecast."""

    h: int
    step_size: int
    cutoffs: IntArray
    input_size: int | None
    refit: int  # retrain batch models every `refit` windows; 0 = fit once at the first cutoff

    @property
    def n_windows(self) -> int:
        return len(self.cutoffs)

    @property
    def forecasts(self) -> int:
        return self.n_windows * self.h


def refit_every(refit: bool | int) -> int:
    """True -> every window (1), False -> never (0), an int -> every that many windows."""
    if isinstance(refit, bool):
        return int(refit)
    if refit < 0:
        raise ValueError(f"refit must be a bool or an int >= 0, got {refit}")
    return int(refit)


def make_plan(
    n: int,
    *,
    h: int = 1,
    n_windows: int | None = None,
    step_size: int | None = None,
    input_size: int | None = None,
    refit: bool | int = False,
    warmup: int = 1,
) -> Plan:
    """The cutoffs for a series of n rounds; by default every window after ``warmup`` rounds."""
    step = h if step_size is None else step_size
    if h < 1 or step < 1:
        raise ValueError(f"h and step_size must be >= 1, got h={h}, step_size={step}")
    if input_size is not None and input_size < 1:
        raise ValueError(f"input_size must be >= 1 or None, got {input_size}")
    if n_windows is None:
        n_windows = max(0, (n - max(1, warmup) - h) // step + 1)
    elif n_windows < 1:
        raise ValueError(f"n_windows must be >= 1, got {n_windows}")
    last = n - h
    cutoffs = last - step * np.arange(n_windows - 1, -1, -1, dtype=np.intp)
    if n_windows and cutoffs[0] < 1:
        raise ValueError(
            f"{n_windows} windows of h={h} every {step} rounds need at least "
            f"{step * (n_windows - 1) + h + 1} rounds; the data has {n}"
        )
    return Plan(h, step, cutoffs, input_size, refit_every(refit))


def _learn(model: Model, series: FloatArray, start: int, stop: int) -> int:
    for value in series[start:stop]:
        model.learn_one(float(value))
    return max(start, stop)


def _fit(model: Model, series: FloatArray, cutoff: int, input_size: int | None) -> None:
    if isinstance(model, BatchModel):
        lo = 0 if input_size is None else max(0, cutoff - input_size)
        model.install(model.train(series[lo:cutoff], model.params), cutoff - lo)


def walk_forward(model: Model, series: FloatArray, plan: Plan) -> Iterator[tuple[IntArray, FloatArray]]:
    """(indices of the rounds forecast, their curves) chunk by chunk; each curve from earlier rounds only."""
    cutoffs = plan.cutoffs
    if not len(cutoffs):
        return
    first = int(cutoffs[0])
    pos = 0 if plan.input_size is None else max(0, first - plan.input_size)
    if plan.h == 1 and plan.step_size == 1:
        # Contiguous one-step windows: predict_range, one segment per fit.
        per_fit = plan.refit if model.batch and plan.refit else len(cutoffs)
        for k0 in range(0, len(cutoffs), per_fit):
            start = int(cutoffs[k0])
            stop = int(cutoffs[min(k0 + per_fit, len(cutoffs)) - 1]) + 1
            pos = _learn(model, series, pos, start)
            _fit(model, series, start, plan.input_size)
            for a in range(start, stop, CHUNK):
                b = min(a + CHUNK, stop)
                yield np.arange(a, b, dtype=np.intp), model.predict_range(series, a, b)
            pos = stop
        return
    for k, cutoff in enumerate(int(c) for c in cutoffs):
        pos = _learn(model, series, pos, cutoff)
        if k == 0 or (plan.refit and k % plan.refit == 0):
            _fit(model, series, cutoff, plan.input_size)
        curve = clean_curve(model.predict(series[max(0, cutoff - HISTORY_WINDOW) : cutoff])[0])
        yield np.arange(cutoff, cutoff + plan.h, dtype=np.intp), np.repeat(curve[None, :], plan.h, axis=0)


class _Accumulator:
    """Running sums of one model's scores, and its and house's per-forecast log scores."""

    def __init__(self, target: float, house_bin_logs: FloatArray) -> None:
        self.target = target
        self.house_bin_logs = house_bin_logs
        self.n = 0
        self.sums = dict.fromkeys(MEAN_KEYS, 0.0)
        self.log_scores: list[FloatArray] = []
        self.house_scores: list[FloatArray] = []
        self.calibration = CalibrationCounts()

    def add(self, curves: FloatArray, actuals: FloatArray) -> None:
        scores = score_matrix(curves, curve_medians(curves), actuals, self.target)
        for key in MEAN_KEYS:
            self.sums[key] += float(scores[key].sum())
        self.log_scores.append(scores["log_score"])
        self.house_scores.append(self.house_bin_logs[bin_index(actuals)])
        probs = np.column_stack([scores[f"p@{tkey(t)}"] for t in THRESHOLDS])
        self.calibration.add(probs, actuals)
        self.n += len(actuals)

    def result(self, name: str, h: int) -> ModelResult:
        if name == BASELINE:
            return ModelResult(
                name, self.n, summarize(self.sums, self.n), baseline_skill(self.n), self.calibration.table()
            )
        model = np.concatenate(self.log_scores) if self.log_scores else np.empty(0)
        house = np.concatenate(self.house_scores) if self.house_scores else np.empty(0)
        lags = max(h - 1, newey_west_lags(len(model)))
        skill = compute_skill(model, house, lags=lags)
        result = ModelResult(name, self.n, summarize(self.sums, self.n), skill, self.calibration.table())
        if skill.low is not None:
            test = diebold_mariano(model - house, lags)
            result.p_value = test.p_value
            result.min_detectable_edge = test.se  # scaled by the corrected level in correct_over_models
        return result


def correct_over_models(results: dict[str, ModelResult], alpha: float = ALPHA, power: float = POWER) -> int:
    """Holm's correction over the models tested against house: each verdict from its Holm-adjusted
    p-value; the smallest detectable edge at the Bonferroni level alpha / K. Returns K."""
    from statsmodels.stats.multitest import multipletests

    tested = [name for name, r in results.items() if r.p_value is not None]
    if not tested:
        return 0
    _, adjusted, _, _ = multipletests([results[name].p_value for name in tested], alpha=alpha, method="holm")
    k = len(tested)
    method = (
        f"Diebold-Mariano (Newey-West HAC), fixed-n 95% interval; verdict after Holm's correction over "
        f"{k} model{'s' if k > 1 else ''} at {alpha:.0%}"
    )
    for name, p_holm in zip(tested, adjusted, strict=True):
        result, skill = results[name], results[name].skill
        result.p_holm = float(p_holm)
        se = result.min_detectable_edge or 0.0
        result.min_detectable_edge = min_detectable_edge(se, result.rounds, alpha / k, power)
        code = VerdictCode.NO_SKILL
        if p_holm <= alpha and skill.mean is not None:
            code = VerdictCode.SKILL if skill.mean > 0 else VerdictCode.WORSE
        result.skill = Skill(
            skill.mean, skill.low, skill.high, skill.n, verdict_words(code, skill.n), method, code
        )
    return k


def _skip_reason(model: Model, n: int, plan_first: int | None, h: int, input_size: int | None) -> str | None:
    need = model.rounds_needed
    if need + h > n:
        return f"needs {need + h} rounds, the data has {n}"
    if plan_first is not None:
        available = plan_first if input_size is None else min(plan_first, input_size)
        if need > available:
            return f"needs {need} rounds of history before the first cutoff, it has {available}"
    return None


def resolve_models(models: Sequence[str]) -> list[str]:
    """The names to run (all registered ones when empty), house first; unknown names raise."""
    names = [name for name in models if name] or known_models()
    for name in names:
        if name not in MODEL_CLASSES:
            raise UnknownModelError(name)
    return [BASELINE, *(name for name in dict.fromkeys(names) if name != BASELINE)]


def run_backtest(
    series: FloatArray,
    models: list[str],
    *,
    h: int = 1,
    n_windows: int | None = None,
    step_size: int | None = None,
    input_size: int | None = None,
    refit: bool | int = False,
    rtp: float = 0.97,
    target: float = 2.0,
    progress: Progress | None = None,
) -> BacktestReport:
    """Walk-forward backtest of ``models`` (all registered when empty; house is always included)."""
    series = np.asarray(series, dtype=np.float64)
    n = len(series)
    params = ModelParams(rtp=rtp)
    instances = {name: create_model(name, params) for name in resolve_models(models)}
    skipped = {name: reason for name, m in instances.items() if (reason := _skip_reason(m, n, None, h, None))}
    runnable = {name: m for name, m in instances.items() if name not in skipped}
    warmup = max([1, *(m.rounds_needed for m in runnable.values())])
    plan = make_plan(
        n, h=h, n_windows=n_windows, step_size=step_size, input_size=input_size, refit=refit, warmup=warmup
    )
    first = int(plan.cutoffs[0]) if plan.n_windows else None
    for name, m in list(runnable.items()):
        if first is None:
            skipped[name] = f"needs {warmup + h} rounds, the data has {n}"
        elif reason := _skip_reason(m, n, first, h, input_size):
            skipped[name] = reason
        else:
            continue
        del runnable[name]
    for name, reason in skipped.items():
        logger.info("backtest skips %s: %s", name, reason)

    settings: dict[str, Any] = {
        "h": plan.h,
        "n_windows": plan.n_windows,
        "step_size": plan.step_size,
        "input_size": input_size,
        "refit": plan.refit,
        "rtp": rtp,
        "target": target,
        "first_cutoff": first,
        "skill_method": "Diebold-Mariano (Newey-West HAC), 95%; verdicts after Holm's correction over models",
        "alpha": ALPHA,
        "min_detectable_edge": (
            f"the true skill a model would need to be found ('evidence of skill') with {POWER:.0%} "
            f"probability at its number of rounds, at level {ALPHA:g} / (models tested)"
        ),
    }
    report = BacktestReport(rounds=n, settings=settings, skipped=skipped)
    house_bin_logs = np.log(bin_probabilities(house_survival(rtp)[None, :])[0])
    total, done = plan.forecasts * len(runnable), 0
    for name, model in runnable.items():
        began = time.perf_counter()
        acc = _Accumulator(target, house_bin_logs)
        for rows, curves in walk_forward(model, series, plan):
            acc.add(curves, series[rows])
            done += len(rows)
            if progress is not None:
                progress(done, total)
        report.models[name] = acc.result(name, plan.h)
        report.models[name].seconds = time.perf_counter() - began
    report.settings["models_tested"] = correct_over_models(report.models)
    return report
