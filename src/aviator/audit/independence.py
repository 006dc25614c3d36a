"""Independence: does a round depend on the ones before it? Every test here reads the running state.

None of them assumes the claimed law, only that the rounds are independent draws from one law, so a
wrong return or a cap does not show up as dependence:

- Ljung-Box on the PITs at lags 1, 5, 10 and 20, from running lag products (the offline audit
  checks these against statsmodels' ``acorr_ljungbox`` on the PIT series);
- the Wald-Wolfowitz runs test on M >= 2x;
- lag-1 transition tables of M >= t at 1.5, 2, 3, 5 and 10x (chi-square, or Fisher's exact test when
  a cell expects fewer than 5);
- the lengths of streaks below and above 2x against the geometric law they follow for independent
  rounds (chi-square, the geometric's parameter fitted from the streaks);
- the PIT's mean over consecutive blocks of 100 and of 1000 rounds, and the share of 1.00x crashes
  over blocks of 1000 (one-way analysis of variance, an F test): slow changes in the game, regimes,
  move block means apart long before any single lag shows.

A test that looks at several lags, thresholds, sides or block sizes reports its smallest p-value times
their number (Bonferroni), which is a valid p-value for the whole test.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import chi2, chi2_contingency, chisquare, f, fisher_exact, norm

from aviator.audit.report import Outcome
from aviator.audit.state import LB_LAGS, STREAK_CENTS, TRANSITION_CENTS, AuditState, BlockSums

LJUNG_BOX_HELP = (
    "Checks whether each round's PIT (its place in the law, see the fit tests) is correlated with the PIT of "
    "the round 1, 5, 10 or 20 before it (Ljung-Box test). Independent rounds have no such correlation."
)
RUNS_HELP = (
    "Counts the runs of rounds on the same side of 2x (a run ends when a round crosses it). Independent "
    "rounds give a predictable number of runs; too few means rounds stick together, too many means they "
    "alternate."
)
TRANSITIONS_HELP = (
    "For each of 1.5x, 2x, 3x, 5x and 10x: is a round as likely to reach it after a round that did as "
    "after a round that did not? Independent rounds do not care what came before."
)
STREAKS_HELP = (
    "How long streaks below 2x and above 2x last. For independent rounds streak lengths follow a fixed "
    "pattern (each streak goes on with the same chance every round); hot and cold spells would show as "
    "too many long streaks."
)
BLOCKS_HELP = (
    "Compares consecutive blocks of rounds: the average PIT over blocks of 100 and of 1000 rounds, and "
    "the share of 1.00x crashes over blocks of 1000. If the game changed between periods (a lower return "
    "for a while, then a higher one), blocks differ more than chance allows."
)
#: Fewest expected rounds per cell for the chi-square form of the transition test.
MIN_CELL = 5.0
#: A variance per round below this is no variation at all (float noise of a feed stuck on one value).
FLAT = 1e-12


def _bonferroni(p_values: list[float]) -> float:
    return min(1.0, len(p_values) * min(p_values)) if p_values else 1.0


def autocorrelations(state: AuditState) -> np.ndarray:
    """The PIT's sample autocorrelations at lags 1..MAX_LAG from the running sums (statsmodels' acf)."""
    n, total = state.rounds, state.sum_y
    mean = total / n
    denominator = state.sum_y2 - n * mean * mean
    if denominator <= FLAT * n:  # the PITs do not vary (a feed stuck on one value): nothing to correlate
        return np.zeros(state.lag_products.size)
    head, recent = np.cumsum(state.head), np.cumsum(list(reversed(state.recent)))
    out = np.zeros(state.lag_products.size)
    for k in range(1, min(state.lag_products.size, n - 1) + 1):
        first, last = head[k - 1], recent[k - 1]  # sums of the first k and the last k values
        numerator = (
            state.lag_products[k - 1] - mean * (total - last) - mean * (total - first) + (n - k) * mean**2
        )
        out[k - 1] = numerator / denominator
    return out


def ljung_box_statistics(rounds: int, acf: np.ndarray) -> list[tuple[int, float, float]]:
    """(lag, Q, p) at each of LB_LAGS: Q = n (n + 2) sum_k r_k^2 / (n - k), against chi-square(lag)."""
    k = np.arange(1, acf.size + 1)
    q = rounds * (rounds + 2) * np.cumsum(acf**2 / (rounds - k))
    return [(lag, float(q[lag - 1]), float(chi2.sf(q[lag - 1], lag))) for lag in LB_LAGS]


def ljung_box_test(rounds: int, per_lag: list[tuple[int, float, float]]) -> Outcome:
    """The Ljung-Box test over LB_LAGS, from (lag, Q, p) however they were computed."""
    p = _bonferroni([row[2] for row in per_lag])
    lag, q, p_lag = min(per_lag, key=lambda row: row[2])
    detail = f"strongest at lags 1-{lag}: Q = {q:.1f} (p = {p_lag:.3g}) on {rounds:,} rounds"
    return Outcome("correlation with earlier rounds", "independence", p, detail, LJUNG_BOX_HELP)


def runs_test(state: AuditState) -> Outcome:
    """Wald-Wolfowitz runs test (normal approximation) on M >= 2x."""
    n, high = state.rounds, state.highs
    low = n - high
    if high == 0 or low == 0:
        detail = f"every round fell on the same side of {STREAK_CENTS / 100:g}x: no runs to count"
        return Outcome("runs above and below 2x", "independence", 1.0, detail, RUNS_HELP)
    expected = 1.0 + 2.0 * high * low / n
    variance = 2.0 * high * low * (2.0 * high * low - n) / (n * n * (n - 1.0))
    z = (state.runs - expected) / np.sqrt(variance)
    p = float(2.0 * norm.sf(abs(z)))
    detail = f"{state.runs:,} runs where independent rounds give {expected:.1f} on average (z = {z:.2f})"
    return Outcome("runs above and below 2x", "independence", p, detail, RUNS_HELP)


def _table_p(table: np.ndarray) -> float:
    if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        return 1.0  # one side never happened: nothing to compare
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    if expected.min() < MIN_CELL:
        return float(fisher_exact(table).pvalue)
    return float(chi2_contingency(table, correction=False).pvalue)


def transitions_test(state: AuditState) -> Outcome:
    """Lag-1 transition tables at TRANSITION_CENTS: P(reach t | last reached) vs P(reach t | last did not)."""
    ps: list[float] = []
    words: list[tuple[float, float, float, float]] = []
    for i, cents in enumerate(TRANSITION_CENTS):
        table = state.transitions[i].reshape(2, 2)  # rows: previous below / at or above; columns: this
        ps.append(_table_p(table))
        after_high, after_low = table[1].sum(), table[0].sum()
        share_high = table[1, 1] / after_high if after_high else float("nan")
        share_low = table[0, 1] / after_low if after_low else float("nan")
        words.append((ps[-1], cents / 100.0, float(share_high), float(share_low)))
    _, t, share_high, share_low = min(words, key=lambda w: w[0])
    detail = (
        f"clearest at {t:g}x: {share_high:.1%} of rounds reached it after a round that did, "
        f"{share_low:.1%} after one that did not"
    )
    return Outcome(
        "what follows a high or low round", "independence", _bonferroni(ps), detail, TRANSITIONS_HELP
    )


def _streak_p(book: dict[int, int]) -> tuple[float, float] | None:
    """Chi-square of streak lengths against the fitted geometric law, and that law's mean length."""
    lengths = np.array(sorted(book), dtype=np.int64)
    counts = np.array([book[int(x)] for x in lengths], dtype=np.float64)
    streaks, total = counts.sum(), float((lengths * counts).sum())
    if streaks < 2 * MIN_CELL:
        return None
    go_on = 1.0 - streaks / total  # MLE of the chance a streak goes on another round
    top = 1
    while streaks * go_on**top >= MIN_CELL:  # the last bin, "top+1 or longer", still expects >= 5
        top += 1
    if top < 3:  # two bins leave no degree of freedom once the parameter is fitted
        return None
    k = np.arange(1, top + 1)
    expected = streaks * np.concatenate([(1.0 - go_on) * go_on ** (k[:-1] - 1), [go_on ** (top - 1)]])
    observed = np.concatenate([[book.get(int(x), 0) for x in k[:-1]], [counts[lengths >= top].sum()]])
    return float(chisquare(observed, expected, ddof=1).pvalue), total / streaks


def streaks_test(state: AuditState) -> Outcome:
    """Streak lengths below and above 2x against the geometric law (the streak going on is not counted)."""
    results = {
        side: _streak_p(book) for side, book in (("below", state.streaks_low), ("above", state.streaks_high))
    }
    found = {side: r for side, r in results.items() if r is not None}
    if not found:
        return Outcome("streak lengths", "independence", 1.0, "too few streaks to compare yet", STREAKS_HELP)
    side, (p_side, mean) = min(found.items(), key=lambda item: item[1][0])
    detail = f"clearest for streaks {side} 2x (p = {p_side:.3g}), which last {mean:.2f} rounds on average"
    p = _bonferroni([r[0] for r in found.values()])
    return Outcome("streak lengths", "independence", p, detail, STREAKS_HELP)


def block_f(block: BlockSums) -> tuple[float, float] | None:
    """One-way ANOVA F of the PIT across complete blocks, and its p-value (None under two blocks)."""
    b, size = block.blocks, block.size
    if b < 2:
        return None
    rounds = b * size
    between = block.sum_block_squares / size - block.total**2 / rounds
    within = block.total_squares - block.sum_block_squares / size
    if within <= FLAT * rounds:  # nothing varies inside the blocks: no yardstick for between them
        return None
    statistic = (between / (b - 1)) / (within / (rounds - b))
    return float(statistic), float(f.sf(statistic, b - 1, rounds - b))


def blocks_test(state: AuditState) -> Outcome:
    """Block means of the PIT over BLOCK_SIZES and block shares of 1.00x crashes (slow changes, regimes)."""
    candidates = [(f"the average PIT over blocks of {b.size:,} rounds", b) for b in state.blocks]
    candidates.append(
        (f"the share of 1.00x crashes over blocks of {state.crash_blocks.size:,}", state.crash_blocks)
    )
    found = [(what, r) for what, block in candidates if (r := block_f(block)) is not None]
    if not found:
        return Outcome("changes over time", "independence", 1.0, "too few rounds for two blocks", BLOCKS_HELP)
    what, (statistic, p_what) = min(found, key=lambda item: item[1][1])
    detail = f"clearest in {what}: it varies {statistic:.2f} times as much as chance gives (p = {p_what:.3g})"
    p = _bonferroni([r[1] for _, r in found])
    return Outcome("changes over time", "independence", p, detail, BLOCKS_HELP)
