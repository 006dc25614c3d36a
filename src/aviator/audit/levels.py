"""The levels the audit reads the rounds at, and the histogram of rounds that answers every count it needs.

The histogram has one bin per cent from 1.00 to 100.00 (where the equal-probability bins of the fit
test and the fine return curve live), then one bin between consecutive tail levels up to 10^7. Any
count "rounds with M >= L" for L one of its edges is a suffix sum, so the offline audit and the live
one read the same numbers from the same bins.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from aviator.audit.law import ONE, IntArray
from aviator.core.curve import THRESHOLDS

#: Every cent up to here has its own bin.
DENSE_TOP = 10_000
#: Tail levels: ten a decade from 10x to 10^7 x, in cents.
TAIL_LEVELS: IntArray = np.unique(np.rint(100.0 * 10.0 ** (1.0 + np.arange(61) / 10.0)).astype(np.int64))
#: The fine set of cash-outs of the return curve test, 1.01x to 10x, in cents.
RETURN_LEVELS: IntArray = np.unique(
    np.concatenate(
        [
            np.rint(100.0 * np.geomspace(1.01, 10.0, 100)).astype(np.int64),
            np.rint(100.0 * np.asarray(THRESHOLDS)).astype(np.int64),
        ]
    )
)
#: The lower edge of each histogram bin, in cents (the last bin is open above).
EDGES: IntArray = np.concatenate(
    [np.arange(ONE, DENSE_TOP + 1, dtype=np.int64), TAIL_LEVELS[TAIL_LEVELS > DENSE_TOP]]
)
#: A level is one the data can speak to when the law expects at least this many rounds at or above it.
MIN_EXPECTED = 5.0


def bin_index(cents: npt.ArrayLike) -> IntArray:
    """The histogram bin of each multiplier (in cents)."""
    k = np.asarray(cents, dtype=np.int64)
    return np.asarray(np.searchsorted(EDGES, k, side="right") - 1, dtype=np.int64)


def counts_at_least(hist: IntArray, levels: npt.ArrayLike) -> IntArray:
    """Rounds with M >= each level (levels must be histogram edges)."""
    level = np.asarray(levels, dtype=np.int64)
    where = np.searchsorted(EDGES, level)
    if np.any(where >= EDGES.size) or np.any(EDGES[np.minimum(where, EDGES.size - 1)] != level):
        raise ValueError("every level must be an edge of the audit histogram")
    suffix = np.concatenate([np.cumsum(hist[::-1])[::-1], [0]])
    return np.asarray(suffix[where], dtype=np.int64)


def speaking_levels(levels: IntArray, rounds: int, rtp: float) -> IntArray:
    """The levels at which the law expects at least MIN_EXPECTED of ``rounds`` at or above."""
    return levels[rounds * rtp * 100.0 / levels >= MIN_EXPECTED]
