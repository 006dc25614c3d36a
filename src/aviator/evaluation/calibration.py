"""Calibration: forecast P(M >= t) binned in tenths, against how often M >= t happened in each bin.

``CalibrationCounts`` keeps per threshold and bin the count, the sum of the forecast probabilities
and the number of times it happened, so it updates in O(1) per round and merges batches.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from aviator.core.curve import THRESHOLDS, FloatArray
from aviator.core.extras import need

BINS = 10
_EPS = 1e-9


class CalibrationCounts:
    """Counts behind a calibration table for P(M >= t) at each threshold."""

    def __init__(self, thresholds: Sequence[float] = THRESHOLDS, bins: int = BINS) -> None:
        self.thresholds = tuple(float(t) for t in thresholds)
        self.bins = bins
        shape = (len(self.thresholds), bins)
        self.count = np.zeros(shape, dtype=np.int64)
        self.sum_p = np.zeros(shape, dtype=np.float64)
        self.hits = np.zeros(shape, dtype=np.int64)

    def _bin(self, p: FloatArray) -> Any:
        return np.clip((np.asarray(p) * self.bins).astype(np.intp), 0, self.bins - 1)

    def add_one(self, probs: Sequence[float], actual: float) -> None:
        """One forecast: P(M >= t) for each threshold, and the multiplier that happened."""
        for k, (t, p) in enumerate(zip(self.thresholds, probs, strict=True)):
            b = min(max(int(p * self.bins), 0), self.bins - 1)
            self.count[k, b] += 1
            self.sum_p[k, b] += p
            self.hits[k, b] += int(actual + _EPS >= t)

    def add(self, probs: FloatArray, actuals: FloatArray) -> None:
        """Many forecasts: ``probs`` of shape (n, thresholds), ``actuals`` of shape (n,)."""
        probs = np.asarray(probs, dtype=np.float64)
        actuals = np.asarray(actuals, dtype=np.float64)
        for k, t in enumerate(self.thresholds):
            b = self._bin(probs[:, k])
            self.count[k] += np.bincount(b, minlength=self.bins)
            self.sum_p[k] += np.bincount(b, weights=probs[:, k], minlength=self.bins)
            self.hits[k] += np.bincount(
                b, weights=(actuals + _EPS >= t).astype(np.float64), minlength=self.bins
            ).astype(np.int64)

    def table(self, *, skip_empty: bool = False) -> list[dict[str, Any]]:
        """Rows: threshold, bin edges, count, mean forecast and observed frequency (None if empty)."""
        rows: list[dict[str, Any]] = []
        for k, t in enumerate(self.thresholds):
            for b in range(self.bins):
                n = int(self.count[k, b])
                if skip_empty and n == 0:
                    continue
                rows.append(
                    {
                        "threshold": t,
                        "bin": [b / self.bins, (b + 1) / self.bins],
                        "count": n,
                        "predicted": float(self.sum_p[k, b]) / n if n else None,
                        "observed": int(self.hits[k, b]) / n if n else None,
                    }
                )
        return rows

    def to_state(self) -> dict[str, Any]:
        return {
            "thresholds": list(self.thresholds),
            "bins": self.bins,
            "count": self.count.tolist(),
            "sum_p": self.sum_p.tolist(),
            "hits": self.hits.tolist(),
        }

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> CalibrationCounts:
        counts = cls(state["thresholds"], int(state["bins"]))
        counts.count = np.asarray(state["count"], dtype=np.int64).reshape(counts.count.shape)
        counts.sum_p = np.asarray(state["sum_p"], dtype=np.float64).reshape(counts.sum_p.shape)
        counts.hits = np.asarray(state["hits"], dtype=np.int64).reshape(counts.hits.shape)
        return counts


def calibration_table(
    probs: FloatArray, actuals: FloatArray, thresholds: Sequence[float] = THRESHOLDS, bins: int = BINS
) -> list[dict[str, Any]]:
    """The calibration table of forecasts ``probs`` (n, thresholds) against the actual multipliers."""
    counts = CalibrationCounts(thresholds, bins)
    counts.add(probs, actuals)
    return counts.table()


def plot_calibration(
    tables: Mapping[str, Sequence[Mapping[str, Any]]], path: Path, *, title: str = "Calibration"
) -> Path:
    """Draw one reliability panel per threshold (a line per model) and save it as PNG at ``path``."""
    matplotlib = need("matplotlib", "plots", "the calibration plot")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    thresholds = sorted({float(row["threshold"]) for rows in tables.values() for row in rows})
    if not thresholds:
        thresholds = list(THRESHOLDS)
    fig, axes = plt.subplots(1, len(thresholds), figsize=(3.2 * len(thresholds), 3.6), squeeze=False)
    for ax, t in zip(axes[0], thresholds, strict=True):
        ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1, label="perfect")
        for name, rows in tables.items():
            points = [
                (r["predicted"], r["observed"], r["count"])
                for r in rows
                if float(r["threshold"]) == t and r["count"]
            ]
            if not points:
                continue
            xs, ys, ns = zip(*points, strict=True)
            sizes = [10 + 60 * (n / max(ns)) for n in ns]
            (line,) = ax.plot(xs, ys, linewidth=1, label=name)
            ax.scatter(xs, ys, s=sizes, color=line.get_color())
        ax.set_title(f"P(M ≥ {t:g})")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("forecast probability")
        ax.set_aspect("equal")
    axes[0][0].set_ylabel("observed frequency")
    axes[0][-1].legend(loc="upper left", fontsize="small")
    fig.suptitle(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=110)
    plt.close(fig)
    return path
