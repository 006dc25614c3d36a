"""What the audit computes by hand from its running state agrees with the libraries on the full data."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest, f_oneway
from statsmodels.stats.diagnostic import acorr_ljungbox
from statsmodels.stats.multitest import multipletests

from aviator.audit.audit import ljung_box_of
from aviator.audit.independence import autocorrelations, block_f, ljung_box_statistics
from aviator.audit.law import to_cents
from aviator.audit.montecarlo import p_value
from aviator.audit.report import Outcome
from aviator.audit.state import LB_LAGS, state_and_pits
from aviator.audit.verdict import holm
from aviator.fairness.planted import Plant, planted_rounds


def test_ljung_box_from_running_sums_is_statsmodels_acorr_ljungbox() -> None:
    rounds = planted_rounds(4_000, Plant("lag", 0.1), seed=11)
    state, pits = state_and_pits(rounds, 0.97)
    ours = ljung_box_statistics(state.rounds, autocorrelations(state))
    table = acorr_ljungbox(pits, lags=list(LB_LAGS), return_df=True)
    assert [lag for lag, _, _ in ours] == list(LB_LAGS)
    assert [q for _, q, _ in ours] == pytest.approx(list(table["lb_stat"]), rel=1e-9)
    assert [p for _, _, p in ours] == pytest.approx(list(table["lb_pvalue"]), rel=1e-7, abs=1e-300)
    assert [q for _, q, _ in ljung_box_of(pits)] == pytest.approx(list(table["lb_stat"]), rel=1e-9)


def test_block_f_is_scipy_one_way_anova_on_the_blocks() -> None:
    rounds = planted_rounds(5_300, Plant("regime", 0.04, switch=0.002), seed=12)
    state, pits = state_and_pits(rounds, 0.97)
    for block in state.blocks:
        full = pits[: block.blocks * block.size].reshape(block.blocks, block.size)
        reference = f_oneway(*full)
        result = block_f(block)
        assert result is not None
        assert result[0] == pytest.approx(float(reference.statistic), rel=1e-9)
        assert result[1] == pytest.approx(float(reference.pvalue), rel=1e-6)
    crashes = (to_cents(rounds) == 100).astype(float)
    full = crashes[: state.crash_blocks.blocks * 1000].reshape(-1, 1000)
    result = block_f(state.crash_blocks)
    assert result is not None and result[0] == pytest.approx(float(f_oneway(*full).statistic), rel=1e-9)


def test_holm_is_statsmodels_multipletests() -> None:
    p = [0.2, 0.001, 0.04, 0.0049, 0.5, 0.006, 0.03]
    tests = holm([Outcome(str(i), "fit", x, "", "") for i, x in enumerate(p)])
    reject, adjusted, _, _ = multipletests(p, alpha=0.05, method="holm")
    assert [t.p_adjusted for t in tests] == pytest.approx(list(adjusted))
    assert [not t.passed for t in tests] == list(reject)


def test_the_instant_crash_test_is_the_exact_binomial_test() -> None:
    from aviator.audit.returns import instant_crash_test

    hist = np.zeros(10, dtype=np.int64)
    for k in (20, 40, 55, 75):
        hist[0] = k
        ours = instant_crash_test(hist, 1_000, 0.97).p_value
        # twice the smaller tail, close to scipy's two-sided ("minlike") p-value
        reference = binomtest(k, 1_000, 1 - 0.97 / 1.01).pvalue
        assert ours == pytest.approx(reference, rel=0.3, abs=1e-6)


def test_a_monte_carlo_p_value_is_never_zero_and_counts_ties_against_the_data() -> None:
    sims = np.array([-3.0, -2.0, -1.0, 0.0])
    assert p_value(-5.0, sims) == pytest.approx(1 / 5)
    assert p_value(-2.0, sims) == pytest.approx(3 / 5)
    assert p_value(1.0, sims) == 1.0
