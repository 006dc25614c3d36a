"""How far below the law the counts above many levels can fall by chance: one simulation shared by the
return-curve and tail tests.

At each level L the law says the count of rounds with M >= L is Binomial(n, c/L). A shortfall is
measured by the signed root of the binomial deviance (about a z-score, and well behaved when the
expected count is small); a test over many levels takes the most negative one. Its null distribution
is exactly that of the law's counts, which are multinomial over the gaps between levels, so it is
simulated (``SIMULATIONS`` draws, seeded by n and c so a report is reproducible). The p-value
(1 + #simulated minima <= observed) / (1 + SIMULATIONS) is a valid p-value for any number of draws.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.special import xlogy

from aviator.audit.law import FloatArray, IntArray, survival

SIMULATIONS = 2000
_SEED = 51_017


def signed_root_deviance(counts: IntArray | FloatArray, rounds: int, p: FloatArray) -> FloatArray:
    """sign(N - np) sqrt(2 [N ln(N/np) + (n-N) ln((n-N)/(n - np))]) for N ~ Binomial(n, p)."""
    n_at = np.asarray(counts, dtype=np.float64)
    expected = rounds * p
    with np.errstate(divide="ignore", invalid="ignore"):
        deviance = 2.0 * (
            xlogy(n_at, n_at / expected) + xlogy(rounds - n_at, (rounds - n_at) / (rounds - expected))
        )
    return np.asarray(np.sign(n_at - expected) * np.sqrt(np.maximum(deviance, 0.0)), dtype=np.float64)


@lru_cache(maxsize=64)
def _simulate(
    rounds: int, rtp: float, levels: tuple[int, ...], groups: tuple[tuple[int, ...], ...]
) -> tuple[FloatArray, ...]:
    level = np.asarray(levels, dtype=np.int64)
    p = survival(level, rtp)
    gaps = -np.diff(
        np.concatenate([[1.0], p, [0.0]])
    )  # below the first level, between levels, above the last
    rng = np.random.default_rng([_SEED, rounds, int(round(rtp * 1e6))])
    draws = rng.multinomial(rounds, np.maximum(gaps, 0.0) / np.maximum(gaps, 0.0).sum(), size=SIMULATIONS)
    at_least = np.cumsum(draws[:, ::-1], axis=1)[:, ::-1][:, 1:]
    r = signed_root_deviance(at_least, rounds, p[None, :])
    out = []
    for group in groups:
        minima = np.sort(r[:, list(group)].min(axis=1))
        minima.setflags(write=False)
        out.append(minima)
    return tuple(out)


def null_minima(rounds: int, rtp: float, levels: IntArray, groups: list[IntArray]) -> list[FloatArray]:
    """Per group of level indices: the sorted simulated minima of the signed root deviance under the law."""
    return list(
        _simulate(rounds, rtp, tuple(int(x) for x in levels), tuple(tuple(int(i) for i in g) for g in groups))
    )


def p_value(observed_min: float, sorted_minima: FloatArray) -> float:
    """The Monte Carlo p-value of an observed minimum."""
    below = int(np.searchsorted(sorted_minima, observed_min, side="right"))
    return (1 + below) / (1 + sorted_minima.size)


def critical_value(sorted_minima: FloatArray, alpha: float) -> float | None:
    """The value an observed minimum must fall below for a p-value <= alpha (None when none can)."""
    k = int(np.floor(alpha * (sorted_minima.size + 1))) - 1
    return float(sorted_minima[k]) if k >= 0 else None
