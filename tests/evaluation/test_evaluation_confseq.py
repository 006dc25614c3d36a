"""The confidence sequence: the published figures of the normal mixture, and validity under watching."""

from __future__ import annotations

import math

import numpy as np
import pytest

from aviator.evaluation.confseq import (
    best_rho,
    bonferroni_alpha,
    half_width,
    half_widths,
    normal_log_mixture,
    normal_mixture_bound,
)


def test_two_sided_normal_mixture_matches_the_published_figures() -> None:
    # Reference values of Howard et al.'s two-sided normal mixture (Proposition 4), as published with
    # their confseq library's tests: v_opt = 100, alpha_opt = alpha = 0.05.
    rho = best_rho(100.0, 0.05)
    assert rho == pytest.approx(12.60056, abs=1e-5)
    assert normal_mixture_bound(100.0, 0.05, rho) == pytest.approx(30.35209, abs=1e-5)
    assert normal_log_mixture(10.0, 100.0, rho) == pytest.approx(-0.6510052, abs=1e-5)


def test_the_bound_is_where_the_mixture_reaches_one_over_alpha() -> None:
    rho = best_rho(500.0, 0.01)
    for v in (1.0, 50.0, 500.0, 1e5):
        u = normal_mixture_bound(v, 0.01, rho)
        assert normal_log_mixture(u, v, rho) == pytest.approx(math.log(100.0))


def test_the_sequence_is_wider_than_the_fixed_n_interval_but_not_by_much_at_its_best() -> None:
    fixed = 1.959963984540054 / math.sqrt(10_000)
    at_best = half_width(10_000, 1.0, 0.05)
    assert fixed < at_best < 1.6 * fixed
    assert half_width(100, 1.0, 0.05) > 3 * 1.96 / 10  # early on it is far wider than 1.96 sd/sqrt(n)
    assert half_width(10_000, 1.0, 0.01) > at_best


def test_bonferroni_split() -> None:
    assert bonferroni_alpha(0.05, 5) == pytest.approx(0.01)
    assert bonferroni_alpha(0.05, 0) == 0.05


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="alpha"):
        best_rho(100.0, 1.5)
    with pytest.raises(ValueError, match="n=0"):
        half_width(0, 1.0, 0.05)


def test_watched_after_every_term_it_covers_the_mean_in_at_least_95_percent_of_runs() -> None:
    # 400 runs of 2,000 skewed terms (centred exponentials), checked after every term from the 30th on.
    rng = np.random.default_rng(11)
    runs, n = 400, 2_000
    x = rng.exponential(1.0, size=(runs, n)) - 1.0
    t = np.arange(1, n + 1)
    mean = np.cumsum(x, axis=1) / t
    var = (np.cumsum(x * x, axis=1) - t * mean**2) / np.maximum(t - 1, 1)
    bound = half_widths(t.astype(np.float64), 0.05)
    assert bound[99] == pytest.approx(half_width(100, 1.0, 0.05))
    half = np.sqrt(np.maximum(var, 0.0)) * bound
    watched = slice(29, None)
    cs_missed = (np.abs(mean[:, watched]) > half[:, watched]).any(axis=1).mean()
    fixed_missed = (
        (np.abs(mean[:, watched]) > 1.96 * np.sqrt(var[:, watched] / t[watched])).any(axis=1).mean()
    )
    assert cs_missed <= 0.05
    assert fixed_missed > 0.2  # the fixed-n interval, watched, fails far more often than 5%
