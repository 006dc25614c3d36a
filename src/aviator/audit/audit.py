"""The audit of a series of rounds against a claimed return: every part, the verdict, the power.

``audit_rounds`` is the offline audit (a whole series at once). ``build_report`` turns any
``AuditState`` into the report, which is how the live audit (live.py) reports: both read the same
counts, and only the Ljung-Box statistics differ in how they are computed (statsmodels on the PIT
series offline, running lag products live; a test checks they agree).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from statsmodels.tsa.stattools import acf

from aviator.audit import fit, independence, returns, tail
from aviator.audit.independence import FLAT
from aviator.audit.law import FloatArray, check_rtp
from aviator.audit.montecarlo import SIMULATIONS, null_minima
from aviator.audit.power import power as compute_power
from aviator.audit.report import AuditReport, AuditTest, Outcome, Power, Shortfall, Verdict
from aviator.audit.state import DEFAULT_SEED, LB_LAGS, AuditState, state_and_pits
from aviator.audit.verdict import ALPHA, failed_parts, holm, too_few_words, verdict_words

#: Below this many rounds the verdict is ``too_few``: the tests' approximations need it.
MIN_ROUNDS = 500
#: How many tests the verdict runs (the power figures are for alpha / TEST_COUNT per test).
TEST_COUNT = 11

HELP: dict[str, str] = {
    "verdict": "consistent: no test found the rounds out of line with the claimed law; inconsistent: at "
    "least one did, after allowing for running many tests (a game that follows the law is called "
    "inconsistent at most 5% of the time); too_few: not enough rounds to judge yet.",
    "failed_parts": "The parts of the law the rounds failed: return (what cashing out pays), tail (how often "
    "big multipliers come), fit (the spread of all multipliers), independence (rounds not depending on "
    "earlier ones).",
    "rounds_needed": "How many more rounds the audit needs before it gives a verdict (0 once it has enough).",
    "rtp": "The return to player: what a bet pays back on average. The estimate is 1.01 times the share of "
    "rounds that reach 1.01x, which is the best estimate the law allows; the interval holds the true value "
    "19 times in 20.",
    "instant_crashes": "Rounds that crash at 1.00x, before anyone can cash out, against the share the law "
    "says.",
    "largest_shortfall": "The cash-out whose return falls furthest below the claim, measured against its own "
    "uncertainty.",
    "tail_break": "When the tail fails: the level from which fewer rounds than the law says reach it and "
    "above.",
    "return_curve": "The return of always cashing out at each multiplier, with a band that holds the true "
    "return 19 times in 20 at each point. Under the law it is the flat line at the claimed return.",
    "survival": "The share of rounds that reached each multiplier, against the law's c/m (on log-log axes a "
    "straight line).",
    "pit_histogram": "Every round turned into a number between 0 and 1 that is spread evenly when the law "
    "holds; bars outside the band are uneven beyond what chance gives 19 times in 20 for one bar.",
    "tail_levels": "Rounds at or above each level from 10x against the law's expected count; the p-value is "
    "the exact chance of that few or fewer.",
    "power": "What these rounds could catch at least 8 times in 10: a return lower by rtp_shortfall, and any "
    "cap on the results below cap_below. More rounds catch smaller differences.",
    "p_value": "The chance of a result at least this far from the law if the game follows it. Small means "
    "surprising.",
    "p_adjusted": "The p-value after allowing for running all the tests (Holm); a test fails below 0.05.",
}

Progress = Callable[[str], None]


@dataclass(frozen=True)
class _Found:
    outcomes: list[Outcome]
    shortfall: Shortfall | None
    tail_level: float
    tail_minima: FloatArray


def _run_tests(state: AuditState, ljung_box: list[tuple[int, float, float]]) -> _Found:
    n, c, hist = state.rounds, state.rtp, state.hist
    return_levels = returns.return_levels(n, c)
    tail_levels = tail.tail_levels(n, c)
    levels = np.union1d(return_levels, tail_levels)
    groups = [np.searchsorted(levels, return_levels), np.searchsorted(levels, tail_levels)]
    return_minima, tail_minima = null_minima(n, c, levels, groups)
    curve_outcome, shortfall = returns.return_curve_test(hist, n, c, return_minima)
    tail_outcome, tail_level = tail.tail_test(hist, n, c, state.max_cents / 100.0, tail_minima)
    outcomes = [
        returns.instant_crash_test(hist, n, c),
        curve_outcome,
        tail_outcome,
        fit.chi_square_test(hist, n, c),
        *fit.pit_tests(state.pit_cells),
        independence.ljung_box_test(n, ljung_box),
        independence.runs_test(state),
        independence.transitions_test(state),
        independence.streaks_test(state),
        independence.blocks_test(state),
    ]
    assert len(outcomes) == TEST_COUNT
    return _Found(outcomes, shortfall, tail_level, tail_minima)


def build_report(
    state: AuditState,
    ljung_box: list[tuple[int, float, float]] | None = None,
    progress: Progress | None = None,
) -> AuditReport:
    """The report of the rounds in ``state`` (Ljung-Box from its running sums unless given)."""
    n, c, hist = state.rounds, state.rtp, state.hist
    verdict: Verdict = "too_few"
    tests: list[AuditTest] = []
    power: Power | None = None
    shortfall: Shortfall | None = None
    tail_break: float | None = None
    words = too_few_words(n, MIN_ROUNDS)
    if n >= MIN_ROUNDS:
        if progress:
            progress("testing")
        if ljung_box is None:
            ljung_box = independence.ljung_box_statistics(n, independence.autocorrelations(state))
        found = _run_tests(state, ljung_box)
        tests = holm(found.outcomes, ALPHA)
        verdict = "inconsistent" if failed_parts(tests) else "consistent"
        shortfall = found.shortfall
        if "tail" in failed_parts(tests):
            tail_break = found.tail_level
        if progress:
            progress("power")
        power = compute_power(n, c, found.tail_minima, ALPHA / TEST_COUNT)
        words = verdict_words(verdict, tests, n, c, power, tail_break)
    if progress:
        progress("curves")
    return AuditReport(
        verdict=verdict,
        verdict_words=words,
        rounds=n,
        rounds_needed=max(0, MIN_ROUNDS - n),
        failed_parts=failed_parts(tests),
        rtp=returns.rtp_estimate(hist, n, c),
        instant_crashes=returns.instant_crashes(hist, n, c),
        largest_shortfall=shortfall,
        tail_break=tail_break,
        tests=tests,
        power=power,
        return_curve=returns.return_curve(hist, n, c),
        survival=returns.survival_curve(hist, n, c, state.max_cents),
        tail_levels=tail.tail_table(hist, n, c),
        pit_histogram=fit.pit_histogram(state.pit_cells),
        settings={"alpha": ALPHA, "seed": state.seed, "simulations": SIMULATIONS, "min_rounds": MIN_ROUNDS},
        help=HELP,
    )


def ljung_box_of(pits: npt.NDArray[np.float64]) -> list[tuple[int, float, float]]:
    """(lag, Q, p) at LB_LAGS from statsmodels on the PIT series (``acf`` with ``qstat``: the Ljung-Box Q of
    ``acorr_ljungbox``, through the FFT, where ``acorr_ljungbox`` correlates directly in O(n^2))."""
    if float(np.var(pits)) <= FLAT:  # as the running sums do: no variation, nothing to correlate
        return [(lag, 0.0, 1.0) for lag in LB_LAGS]
    result = acf(pits, nlags=max(LB_LAGS), fft=True, qstat=True, result_object=True)
    return [(lag, float(result.qstat[lag - 1]), float(result.pvalues[lag - 1])) for lag in LB_LAGS]


def audit_rounds(
    multipliers: npt.ArrayLike, rtp: float, *, seed: int = DEFAULT_SEED, progress: Progress | None = None
) -> AuditReport:
    """The audit of ``multipliers`` (in time order) against the claimed return ``rtp``."""
    rtp = check_rtp(rtp)
    if progress:
        progress("counting")
    state, pits = state_and_pits(multipliers, rtp, seed)
    ljung_box = ljung_box_of(pits) if state.rounds >= MIN_ROUNDS else None
    return build_report(state, ljung_box, progress)
