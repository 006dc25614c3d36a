"""Verdicts watched after every round: when a model's live verdict first says "evidence of skill".

This is what a person watching the dashboard sees, replayed fast: every model forecasts every round
from the rounds before it (``predict_range``, which gives the numbers of the live ``predict`` loop),
each forecast is scored against house, and the verdict is read after every round exactly as the live
``Tracker`` reads it (the running mean of d and its confidence sequence at ``alpha / tests``). With
``interval="fixed"`` it is read the old way instead (mean +/- 1.96 sd / sqrt(n), no correction), which
is what shows why the confidence sequence is needed. Used by the false-alarm and power benchmarks and
their tests; the test checks that it agrees with the ``Tracker`` round by round.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np

from aviator.core.baseline import BASELINE
from aviator.core.curve import FloatArray, house_survival
from aviator.evaluation.confseq import ALPHA, bonferroni_alpha, half_widths
from aviator.evaluation.scores import bin_index, bin_probabilities, score_matrix
from aviator.evaluation.skill import MIN_ROUNDS, z_value
from aviator.models.base import BatchModel, ModelParams
from aviator.models.registry import create_model

Interval = Literal["sequence", "fixed"]
#: Models that learn round by round (every registered one but the batch models), house excluded.
FAST_MODELS: tuple[str, ...] = ("empirical", "heuristic", "online", "context", "drift", "cycle")


def live_differences(series: FloatArray, models: Iterable[str], rtp: float = 0.97) -> dict[str, FloatArray]:
    """Per model, d = its log score minus house's on every round of ``series``, each forecast made from
    the rounds before it only (the model starts knowing nothing, as a fresh live engine does)."""
    values = np.asarray(series, dtype=np.float64)
    house = np.log(bin_probabilities(house_survival(rtp)[None, :])[0])[bin_index(values)]
    out: dict[str, FloatArray] = {}
    for name in models:
        model = create_model(name, ModelParams(rtp=rtp))
        if isinstance(model, BatchModel) or name == BASELINE:
            raise ValueError(f"{name!r} is not a round-by-round model; use one of {', '.join(FAST_MODELS)}")
        curves = model.predict_range(values, 0, len(values))
        logs = score_matrix(curves, np.ones(len(values)), values, 2.0)["log_score"]
        out[name] = np.asarray(logs - house, dtype=np.float64)
    return out


def running_bounds(
    d: FloatArray, tests: int, interval: Interval = "sequence", alpha: float = ALPHA
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(mean, low, high) of the skill after each round, as the tracker reads them (NaN before
    ``MIN_ROUNDS``)."""
    x = np.asarray(d, dtype=np.float64)
    n = np.arange(1, len(x) + 1, dtype=np.float64)
    mean = np.cumsum(x) / n
    centred = np.cumsum((x - mean[-1]) ** 2) - n * (mean - mean[-1]) ** 2  # shifted for float accuracy
    sd = np.sqrt(np.maximum(centred, 0.0) / np.maximum(n - 1.0, 1.0))
    if interval == "sequence":
        level = bonferroni_alpha(alpha, tests)
        factor = half_widths(n, level)
    else:
        factor = z_value(0.95) / np.sqrt(n)
    half = sd * factor
    low, high = mean - half, mean + half
    early = n < MIN_ROUNDS
    low[early], high[early] = np.nan, np.nan
    return mean, low, high


def first_skill(
    d: FloatArray, tests: int, interval: Interval = "sequence", alpha: float = ALPHA
) -> int | None:
    """The number of rounds after which the verdict first says "evidence of skill" (None: never)."""
    _, low, _ = running_bounds(d, tests, interval, alpha)
    hits = np.flatnonzero(np.nan_to_num(low, nan=-np.inf) > 0)
    return int(hits[0]) + 1 if hits.size else None


def any_false_alarm(
    differences: dict[str, FloatArray], interval: Interval = "sequence", alpha: float = ALPHA
) -> bool:
    """Whether any model's verdict ever said "evidence of skill" (all models shown together)."""
    tests = len(differences)
    return any(first_skill(d, tests, interval, alpha) is not None for d in differences.values())
