"""The claimed law of a crash round on the 0.01 grid, and the randomized PIT that turns rounds into uniforms.

A round's multiplier M is a whole number of cents k >= 100 (M = k / 100). The law with return c says
P(M >= m) = c/m for m >= 1.01 and P(M >= 1.00) = 1, so P(M = 1.00) = 1 - c/1.01 (the atom of instant
crashes). Everything here works on cents, so there is no float doubt about which side of a level a
round is on.

The randomized PIT of a round is F(M-) + V (F(M) - F(M-)) with V uniform on [0, 1): for a discrete law
this is exactly uniform on [0, 1) when the law holds and the rounds are independent uniforms when they
are independent. The tie randomization V is what a law with an atom and a grid needs (a plain
F(M) would pile up at the atom and the grid points).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: The return to player each game publishes.
GAME_RTP: dict[str, float] = {"aviator": 0.97, "bustabit": 0.99, "stake": 0.99}
#: The smallest crash point, in cents.
ONE = 100
#: A multiplier may sit this far (in cents) from the 0.01 grid and still be read as on it (float noise).
_GRID_TOLERANCE = 1e-6


def check_rtp(rtp: float) -> float:
    """``rtp`` as a float, or ValueError: the return of a crash game is within (0, 1]."""
    value = float(rtp)
    if not 0.0 < value <= 1.0:
        raise ValueError(f"the return to player must be within (0, 1], got {rtp!r}")
    return value


def to_cents(values: npt.ArrayLike) -> IntArray:
    """Multipliers as whole cents; ValueError names the first bad round (0-based) and how many are bad."""
    m = np.asarray(values, dtype=np.float64).reshape(-1)
    scaled = m * 100.0
    cents = np.rint(scaled)
    bad_value = ~np.isfinite(m) | (m < 1.0)
    off_grid = ~bad_value & (np.abs(scaled - cents) > _GRID_TOLERANCE * np.maximum(1.0, np.abs(scaled)))
    bad = bad_value | off_grid
    if bad.any():
        first = int(np.argmax(bad))
        reason = "is not on the 0.01 grid" if off_grid[first] else "is not a multiplier of 1.00 or more"
        count = f"{int(bad.sum())} bad of {m.size} rounds"
        raise ValueError(f"round {first}: {float(m[first])!r} {reason} ({count})")
    return cents.astype(np.int64)


def survival(cents: npt.ArrayLike, rtp: float) -> FloatArray:
    """P(M >= k/100) under the law: 1 at 1.00, c/m above."""
    k = np.asarray(cents, dtype=np.float64)
    return np.asarray(np.where(k <= ONE, 1.0, np.minimum(1.0, rtp * 100.0 / np.maximum(k, 1.0))))


def probability(cents: npt.ArrayLike, rtp: float) -> FloatArray:
    """P(M = k/100) under the law."""
    k = np.asarray(cents, dtype=np.int64)
    return np.asarray(survival(k, rtp) - survival(k + 1, rtp), dtype=np.float64)


def instant_crash_probability(rtp: float) -> float:
    """P(M = 1.00) = 1 - c/1.01."""
    return 1.0 - rtp / 1.01


def randomized_pit(cents: npt.ArrayLike, rtp: float, v: npt.ArrayLike) -> FloatArray:
    """F(M-) + V P(M = m): uniform on [0, 1) under the law, for V uniform on [0, 1)."""
    k = np.asarray(cents, dtype=np.int64)
    upper = survival(k, rtp)  # P(M >= m) = 1 - F(M-)
    lower = survival(k + 1, rtp)  # P(M > m) = 1 - F(M)
    return np.asarray(1.0 - upper + np.asarray(v, dtype=np.float64) * (upper - lower), dtype=np.float64)
