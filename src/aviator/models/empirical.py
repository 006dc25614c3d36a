"""The survival curve of every round seen so far, shrunk toward the house curve where data is thin.

Rule (a beta-binomial posterior mean per grid point): with n rounds seen, n_x of them at or above x,
and a Beta(k S_house(x), k (1 - S_house(x))) prior worth k = ``PRIOR_ROUNDS`` rounds,

    S(x) = (n_x + k S_house(x)) / (n + k) = (n S_emp(x) + k S_house(x)) / (n + k).

With no rounds it is the house curve; each term is non-increasing in x, so S is a valid curve.
Counts are kept per grid bin (a round falls in the bin of the largest grid point <= M), so
``learn_one`` is O(1) and ``predict`` is O(grid); ``predict_range`` uses cumulative counts.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

import numpy as np
import numpy.typing as npt

from aviator.core.curve import GRID, GRID_ARRAY, FloatArray, clean_rows, house_survival
from aviator.models.base import Model, ModelParams

#: Pseudo-rounds of the house prior (k in the module docstring).
PRIOR_ROUNDS = 200.0
_EDGES = GRID_ARRAY - 1e-9
_EDGE_LIST = [float(e) for e in _EDGES]
_CHUNK = 32_768

IntArray = npt.NDArray[np.int64]


def bin_of(multipliers: FloatArray) -> npt.NDArray[np.intp]:
    """Index of the largest grid point <= M, for each multiplier."""
    found = np.searchsorted(_EDGES, np.asarray(multipliers, dtype=np.float64), side="right") - 1
    return np.asarray(np.clip(found, 0, len(GRID) - 1), dtype=np.intp)


def blend(at_or_above: IntArray, total: IntArray, rtp: float) -> FloatArray:
    """Rows of (n_x + k S_house(x)) / (n + k) from counts at or above each grid point."""
    prior = PRIOR_ROUNDS * house_survival(rtp)
    return np.asarray((at_or_above + prior) / (total[:, None] + PRIOR_ROUNDS), dtype=np.float64)


class EmpiricalModel(Model):
    """Smoothed history: the observed frequency of reaching each multiplier, shrunk toward house."""

    name = "empirical"
    description = (
        "Observed frequency of reaching each multiplier over all rounds seen, shrunk toward the "
        f"house curve with a prior worth {PRIOR_ROUNDS:.0f} rounds."
    )
    min_rounds = 1

    def __init__(self, params: ModelParams | None = None) -> None:
        super().__init__(params)
        self.counts: IntArray = np.zeros(len(GRID), dtype=np.int64)

    def learn_one(self, multiplier: float) -> None:
        self.counts[min(max(bisect_right(_EDGE_LIST, multiplier) - 1, 0), len(GRID) - 1)] += 1
        super().learn_one(multiplier)

    def predict(self, history: FloatArray) -> tuple[FloatArray, dict[str, Any]]:
        total = int(self.counts.sum())
        curve = blend(np.cumsum(self.counts[::-1])[::-1][None, :], np.array([total]), self.params.rtp)[0]
        details: dict[str, Any] = {
            "rounds": total,
            "prior_rounds": PRIOR_ROUNDS,
            "data_weight": total / (total + PRIOR_ROUNDS),
        }
        if total == 0:
            details["status"] = "no rounds seen yet: the house curve"
        return curve, details

    def predict_range(self, series: FloatArray, start: int, stop: int) -> FloatArray:
        rows = np.empty((stop - start, len(GRID)), dtype=np.float64)
        bins = bin_of(np.asarray(series[start:stop], dtype=np.float64))
        base = self.counts.copy()
        for lo in range(0, stop - start, _CHUNK):
            hi = min(lo + _CHUNK, stop - start)
            onehot = np.zeros((hi - lo, len(GRID)), dtype=np.int64)
            onehot[np.arange(hi - lo), bins[lo:hi]] = 1
            # counts before each round of the chunk: base + the rounds before it in the chunk
            before = base[None, :] + np.cumsum(onehot, axis=0) - onehot
            at_or_above = np.cumsum(before[:, ::-1], axis=1)[:, ::-1]
            rows[lo:hi] = clean_rows(blend(at_or_above, before.sum(axis=1), self.params.rtp))
            base = before[-1] + onehot[-1]
        self.counts = base
        self.rounds_seen += stop - start
        return rows
