"""Skill over house: the verdict logic and the interval's variance."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from aviator.evaluation.skill import NO_SKILL, SKILL, WORSE, compute_skill, hac_variance_of_mean, verdict


def test_verdict_needs_the_whole_interval_on_one_side() -> None:
    assert verdict(0.01, 0.2, 100) == SKILL == "evidence of skill over the house odds"
    assert verdict(-0.2, -0.01, 100) == WORSE == "worse than the house odds"
    assert verdict(-0.01, 0.2, 100) == NO_SKILL == "no evidence of skill"
    assert verdict(0.0, 0.2, 100) == NO_SKILL
    assert verdict(0.1, 0.2, 29) == "not enough rounds scored yet (29 of 30)"
    assert verdict(None, None, 500) == "not enough rounds scored yet (500 of 30)"


def test_skill_from_log_scores() -> None:
    rng = np.random.default_rng(0)
    house = rng.normal(-1.7, 1.0, 2000)
    noise = rng.normal(0, 0.05, 2000)
    better = compute_skill(house + 0.05 + noise, house)
    assert better.verdict == SKILL
    assert better.mean == pytest.approx(0.05 + noise.mean())
    assert better.low is not None and better.high is not None and better.mean is not None
    assert better.low < better.mean < better.high
    assert compute_skill(house - 0.05 + noise, house).verdict == WORSE
    assert compute_skill(house + noise, house).verdict == NO_SKILL
    boot = compute_skill(house + 0.05 + noise, house, method="bootstrap")
    assert boot.verdict == SKILL and boot.method == "bootstrap"
    assert boot.low is not None and boot.low > 0


def test_few_rounds_give_a_mean_but_no_interval() -> None:
    few = compute_skill(np.zeros(10), np.ones(10))
    assert (few.mean, few.low, few.high, few.n) == (-1.0, None, None, 10)
    assert few.verdict == "not enough rounds scored yet (10 of 30)"
    none = compute_skill(np.zeros(0), np.zeros(0))
    assert none.mean is None and none.n == 0


def test_hac_variance_matches_statsmodels() -> None:
    rng = np.random.default_rng(1)
    d = np.convolve(rng.normal(size=500), [1.0, 0.6, 0.3], mode="same")
    for lags in (0, 3, 7):
        fit = sm.OLS(d, np.ones(len(d))).fit(
            cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": False}
        )
        assert hac_variance_of_mean(d, lags) == pytest.approx(float(fit.bse[0]) ** 2, rel=1e-10)
