"""Goodness of fit of the whole law: equal-probability bins, and the randomized PIT against uniform.

- Chi-square (Pearson, with the G statistic beside it) on K bins of (as near as the 0.01 grid allows)
  equal probability under the law, K about 2 n^0.4 (10 to 50), every bin with its exact expected count.
- The randomized PIT of each round (law.py) is uniform when the law holds. Kolmogorov-Smirnov and
  Cramer-von Mises (scipy.stats) test that, on the PITs as the audit keeps them: counted in 81,920
  cells of [0, 1) and read at each cell's centre (off by at most 1/163,840, far below what either
  test can see at any realistic n). Keeping cells instead of values is what lets the live audit run
  the same two tests from its running state.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import binom, chisquare, cramervonmises, kstest, power_divergence

from aviator.audit.law import IntArray, survival
from aviator.audit.levels import counts_at_least
from aviator.audit.report import Outcome, PitBin
from aviator.audit.state import PIT_CELLS

PIT_BINS = 20

CHI_SQUARE_HELP = (
    "Splits the multipliers into ranges that should each hold the same share of rounds under the law, "
    "and checks the counts in them are as even as chance allows (chi-square test)."
)
KS_HELP = (
    "Turns every round into a number between 0 and 1 that is spread evenly when the law holds (its PIT: "
    "where the round falls in the law, with ties at the same multiplier split at random), and measures the "
    "largest gap between how they are spread and even (Kolmogorov-Smirnov test)."
)
CVM_HELP = (
    "The same PIT numbers, but the gap from even is summed over the whole range instead of taken at its "
    "worst point, which catches small differences spread everywhere (Cramer-von Mises test)."
)


def equal_probability_edges(rounds: int, rtp: float) -> IntArray:
    """Lower edges (cents) of the bins after the first, each bin about 1/K of the law's probability."""
    k = int(np.clip(round(2.0 * rounds**0.4), 10, 50))
    targets = rtp / (1.0 - np.arange(1, k) / k)
    return np.unique(np.maximum(np.rint(100.0 * targets).astype(np.int64), 101))


def chi_square_test(hist: IntArray, rounds: int, rtp: float) -> Outcome:
    """Pearson chi-square on equal-probability bins (no parameter estimated: c is the claim)."""
    edges = equal_probability_edges(rounds, rtp)
    at_least = np.concatenate([[rounds], counts_at_least(hist, edges), [0]])
    observed = -np.diff(at_least)
    law = np.concatenate([[1.0], survival(edges, rtp), [0.0]])
    expected = rounds * -np.diff(law)
    pearson = chisquare(observed, expected)
    g = power_divergence(observed, expected, lambda_="log-likelihood")
    worst = int(np.argmax(np.abs(observed - expected) / np.sqrt(expected)))
    low = 1.0 if worst == 0 else edges[worst - 1] / 100.0
    where = f"{low:g}x and up" if worst == edges.size else f"{low:g}x to {edges[worst] / 100.0:g}x"
    detail = (
        f"{observed.size} ranges; the furthest from the law is {where}: {observed[worst]:,} rounds where "
        f"{expected[worst]:.1f} are expected (chi-square {float(pearson.statistic):.1f}, "
        f"G {float(g.statistic):.1f}, {observed.size - 1} degrees of freedom)"
    )
    return Outcome("spread over ranges", "fit", float(pearson.pvalue), detail, CHI_SQUARE_HELP)


def pit_sample(pit_cells: IntArray) -> np.ndarray:
    """The PITs as kept: each cell's centre, repeated by its count (already sorted)."""
    centres = (np.arange(PIT_CELLS, dtype=np.float64) + 0.5) / PIT_CELLS
    return np.repeat(centres, pit_cells)


def pit_tests(pit_cells: IntArray) -> list[Outcome]:
    """Kolmogorov-Smirnov and Cramer-von Mises of the PITs against uniform on [0, 1)."""
    sample = pit_sample(pit_cells)
    ks = kstest(sample, "uniform")
    cvm = cramervonmises(sample, "uniform")
    gap = float(ks.statistic)
    return [
        Outcome(
            "PIT evenness (largest gap)",
            "fit",
            float(ks.pvalue),
            f"the PITs' largest gap from even is {gap:.4f} (Kolmogorov-Smirnov)",
            KS_HELP,
        ),
        Outcome(
            "PIT evenness (overall)",
            "fit",
            float(min(1.0, max(0.0, cvm.pvalue))),
            f"Cramer-von Mises statistic {float(cvm.statistic):.3f} on {sample.size:,} PITs",
            CVM_HELP,
        ),
    ]


def pit_histogram(pit_cells: IntArray) -> list[PitBin]:
    """Twenty bars of the PIT with the pointwise 95% band of a game that follows the law."""
    rounds = int(pit_cells.sum())
    counts = pit_cells.reshape(PIT_BINS, -1).sum(axis=1)
    low, high = binom.ppf([0.025, 0.975], rounds, 1.0 / PIT_BINS) if rounds else (0.0, 0.0)
    return [
        PitBin(
            low=j / PIT_BINS,
            high=(j + 1) / PIT_BINS,
            count=int(counts[j]),
            expected=rounds / PIT_BINS,
            band_low=int(low),
            band_high=int(high),
        )
        for j in range(PIT_BINS)
    ]
