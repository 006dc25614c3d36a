"""Anytime-valid confidence sequences for a running mean: the two-sided normal-mixture boundary.

A 95% interval computed for a fixed number of rounds is wrong one time in twenty *at that number*.
Re-read after every round it is wrong far more often: sooner or later a fair stream shows "evidence
of skill" by chance. A confidence sequence holds at every round at once: with probability at least
1 - alpha it never excludes the true mean, however long and however often it is watched.

The boundary is Robbins' normal mixture in the form of Howard, Ramdas, McAuliffe and Sekhon (2021,
"Time-uniform, nonparametric, nonasymptotic confidence sequences", Proposition 4, two-sided): for a
sum S_t of centred terms with intrinsic time (variance process) V_t,

    P(exists t: |S_t| >= u(V_t)) <= alpha,   u(v) = sqrt((v + rho) log((v + rho) / (rho alpha^2))),

and rho sets the intrinsic time where the boundary is tightest (their section 3.5):
best_rho(v_opt, alpha) = v_opt / (2 log(1/alpha) + log(1 + 2 log(1/alpha))).

For the mean of d with running sd s_t, the interval is mean_t +/- s_t u(t) / t (V_t = t in units of the
variance): the asymptotic confidence sequence of Waudby-Smith, Arbour, Sinha, Kennedy and Ramdas (2021,
"Time-uniform central limit theory and asymptotic confidence sequences"), whose tuning rho^2 is 1/rho
here. It costs O(1) per round: a running mean and variance. ``bonferroni_alpha`` splits the error rate
over the models shown, so the chance that *any* of them ever shows a false verdict stays within alpha.
"""

from __future__ import annotations

import math

import numpy as np

from aviator.core.curve import FloatArray

#: The error rate of the whole page of verdicts (split over its models).
ALPHA = 0.05
#: Rounds at which the live interval is tightest (a few hours to a few days of a live game).
ROUNDS_OPT = 10_000


def best_rho(v_opt: float, alpha: float) -> float:
    """The mixture precision that makes the two-sided boundary tightest at intrinsic time ``v_opt``."""
    if v_opt <= 0 or not 0 < alpha < 1:
        raise ValueError(f"need v_opt > 0 and alpha in (0, 1), got v_opt={v_opt}, alpha={alpha}")
    log_inv = math.log(1.0 / alpha)
    return v_opt / (2.0 * log_inv + math.log(1.0 + 2.0 * log_inv))


def normal_mixture_bound(v: float, alpha: float, rho: float) -> float:
    """u(v): |S_t| crosses it at some t with probability at most ``alpha`` (two-sided)."""
    if v < 0 or rho <= 0 or not 0 < alpha < 1:
        raise ValueError(f"need v >= 0, rho > 0 and alpha in (0, 1), got v={v}, rho={rho}, alpha={alpha}")
    return math.sqrt((v + rho) * math.log((v + rho) / (rho * alpha * alpha)))


def normal_log_mixture(s: float, v: float, rho: float) -> float:
    """ln of the two-sided mixture martingale sqrt(rho / (v + rho)) exp(s^2 / (2 (v + rho)));
    1 / exp of it is an anytime-valid p-value for "the mean is zero"."""
    return 0.5 * math.log(rho / (v + rho)) + s * s / (2.0 * (v + rho))


def half_width(n: int, sd: float, alpha: float, rounds_opt: int = ROUNDS_OPT) -> float:
    """Half-width of the asymptotic confidence sequence for a mean after n terms of running sd ``sd``."""
    if n < 1:
        raise ValueError(f"need at least one term, got n={n}")
    return sd * normal_mixture_bound(float(n), alpha, best_rho(float(rounds_opt), alpha)) / n


def half_widths(n: FloatArray, alpha: float, rounds_opt: int = ROUNDS_OPT) -> FloatArray:
    """``half_width`` with sd 1 for many n at once (n >= 1)."""
    rho = best_rho(float(rounds_opt), alpha)
    v = np.asarray(n, dtype=np.float64)
    return np.asarray(np.sqrt((v + rho) * np.log((v + rho) / (rho * alpha * alpha))) / v, dtype=np.float64)


def bonferroni_alpha(alpha: float, tests: int) -> float:
    """Each of ``tests`` verdicts at alpha / tests: the chance of any false one stays within alpha."""
    return alpha / max(1, tests)
