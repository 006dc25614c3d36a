"""``run_strategy``: one request in, every figure out (the CLI and the server both call it)."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from aviator.strategy.base import Rule, dollars
from aviator.strategy.exact import ExactResult, ExactUnavailable, solve_exact
from aviator.strategy.laws import GameLaw, Law
from aviator.strategy.overfit import OverfitCheck, ended_words, overfit_check
from aviator.strategy.percent import PercentRule, kelly_fraction
from aviator.strategy.registry import rule_class
from aviator.strategy.replay import Replay, replay
from aviator.strategy.schema import (
    Estimate,
    ExactFigures,
    FanChart,
    OverfitResult,
    OverfitRow,
    PartResult,
    ReplayResult,
    StrategyRequest,
    StrategyResult,
    WaldCheck,
)
from aviator.strategy.session import END_WORDS, End, Session
from aviator.strategy.simulate import FAN_PERCENTILES, Progress, Simulation, simulate
from aviator.strategy.summary import QUANTILES, Interval, Summary, summarize
from aviator.strategy.words import cost_sentence, explanations, overfit_sentence

#: Rows of the overfitting check's table.
OVERFIT_ROWS = 5


def _estimate(interval: Interval, exact: float | None = None, scale: float = 0.01) -> Estimate:
    scaled = interval.scaled(scale)
    return Estimate(
        estimate=scaled.estimate,
        low=scaled.low,
        high=scaled.high,
        exact=None if exact is None else exact * scale,
    )


def _exact_figures(exact: ExactResult) -> ExactFigures:
    return ExactFigures(
        ruin_probability=exact.ruin_probability,
        ahead_probability=exact.ahead_probability,
        expected_final_bankroll=dollars(exact.expected_final_bank),
        expected_profit=dollars(exact.expected_profit),
        expected_total_staked=dollars(exact.expected_total_staked),
        wald_expected_profit=dollars(exact.wald_expected_profit),
        quantiles={f"{q}%": dollars(exact.quantile(q / 100.0)) for q in QUANTILES},
        end_probability={END_WORDS[how]: p for how, p in exact.end_probability.items()},
        levels=exact.levels,
        cells=exact.cells,
    )


def _replay_result(played: Replay) -> ReplayResult:
    return ReplayResult(
        rounds_played=played.played,
        ended_by=END_WORDS[played.ended],
        final_bankroll=dollars(played.final_bank),
        profit=dollars(played.profit),
        total_staked=dollars(played.staked),
        wald_expected_profit=dollars(played.wald),
        multipliers=played.multipliers,
        stakes=[[dollars(s) for s in row] for row in played.trace.stakes],
        won=played.trace.won,
        bankroll=[dollars(b) for b in played.trace.bank],
    )


def _part(check: OverfitCheck, which: str, i: int) -> PartResult:
    part = check.first if which == "first" else check.rest
    profit, staked = int(part.profit[i]), int(part.staked[i])
    return PartResult(
        rounds=int(part.played[i]),
        profit=dollars(profit),
        roi=profit / check.bankroll,
        total_staked=dollars(staked),
        return_per_staked=profit / staked if staked else None,
        ended_by=ended_words(int(part.ended[i])),
    )


def _overfit_result(check: OverfitCheck, rule_type: type[Rule], rtp: float) -> OverfitResult:
    rows = [
        OverfitRow(
            settings=rule_type(**check.settings[i]).parameters(),
            in_sample=_part(check, "first", i),
            out_of_sample=_part(check, "rest", i),
        )
        for i in check.ranked()[:OVERFIT_ROWS]
    ]
    best = rows[0]
    return OverfitResult(
        split_round=check.split_round,
        settings_tried=len(check.settings),
        best=best,
        top=rows,
        in_sample_ahead_share=float((check.first.profit > 0).mean()),
        out_of_sample_ahead_share=float((check.rest.profit > 0).mean()),
        out_of_sample_mean_roi=float(check.rest.profit.mean() / check.bankroll),
        plain_words=overfit_sentence(
            len(check.settings),
            check.first.rounds,
            check.rest.rounds,
            best.in_sample.roi,
            best.out_of_sample.roi,
            rtp,
        ),
    )


def _wald_check(summary: Summary) -> WaldCheck:
    per_dollar = summary.return_per_staked
    return WaldCheck(
        return_per_dollar=1.0 + (per_dollar if per_dollar is not None else 0.0),
        expected_profit=dollars(summary.wald_expected_profit),
        simulated_profit=_estimate(summary.expected_profit),
        gap=_estimate(summary.wald_gap),
        holds=summary.wald_holds,
    )


def _fan(simulation: Simulation) -> FanChart:
    bands = {
        f"{p}%": [dollars(v) for v in row]
        for p, row in zip(FAN_PERCENTILES, simulation.fan_bands, strict=True)
    }
    return FanChart(rounds=[int(r) for r in simulation.fan_rounds], bands=bands)


def _exact(
    request: StrategyRequest, rule: Rule, law: Law, session: Session
) -> tuple[ExactResult | None, str | None]:
    if not request.exact:
        return None, None
    try:
        return solve_exact(rule, law, session), None
    except ExactUnavailable as error:
        return None, str(error)


def _fresh_seed() -> int:
    entropy = np.random.SeedSequence().entropy
    return int(entropy) % 2**63 if isinstance(entropy, int) else 0


def run_strategy(request: StrategyRequest, progress: Progress | None = None) -> StrategyResult:
    """Simulate the request's rule (and solve it exactly, replay it, check it for overfitting if asked)."""
    started = time.perf_counter()
    rule, law, session = request.build_rule(), request.build_law(), request.session()
    seed = request.seed if request.seed is not None else _fresh_seed()
    simulation = simulate(rule, law, session, request.paths, np.random.default_rng(seed), progress=progress)
    summary = summarize(simulation, request.confidence)
    exact, exact_note = _exact(request, rule, law, session)
    history = request.history or []
    replayed = replay(rule, history, session, request.rtp) if request.replay else None
    check = (
        overfit_check(rule_class(request.rule), history, session, request.split) if request.optimize else None
    )
    ruined = exact.ruin_probability if exact is not None else summary.ruin_probability.estimate
    staked = exact.expected_total_staked if exact is not None else summary.expected_total_staked.estimate
    law_return = None if isinstance(law, GameLaw) else 1.0 + (summary.return_per_staked or 0.0)
    settings: dict[str, Any] = rule.parameters()
    return StrategyResult(
        rule=rule.name,
        title=rule.title,
        summary=rule.summary,
        settings=settings,
        law=law.name,
        law_words=law.describe(),
        rtp=request.rtp,
        bankroll=dollars(session.bankroll),
        rounds=session.rounds,
        paths=request.paths,
        seed=seed,
        confidence=request.confidence,
        expected_profit=_estimate(summary.expected_profit, exact.expected_profit if exact else None),
        ruin_probability=_estimate(summary.ruin_probability, exact.ruin_probability if exact else None, 1.0),
        ahead_probability=_estimate(
            summary.ahead_probability, exact.ahead_probability if exact else None, 1.0
        ),
        expected_final_bankroll=_estimate(
            summary.expected_final_bank, exact.expected_final_bank if exact else None
        ),
        expected_total_staked=_estimate(
            summary.expected_total_staked, exact.expected_total_staked if exact else None
        ),
        wald_expected_profit=dollars(summary.wald_expected_profit),
        wald_check=_wald_check(summary),
        quantiles={f"{q}%": dollars(v) for q, v in summary.final_quantiles.items()},
        max_drawdown={"mean": dollars(summary.drawdown_mean)}
        | {f"{q}%": dollars(v) for q, v in summary.drawdown_quantiles.items()},
        time_to_ruin=None
        if summary.ruin_rounds_median is None or summary.ruin_rounds_mean is None
        else {"median": summary.ruin_rounds_median, "mean": summary.ruin_rounds_mean},
        ended={END_WORDS[how]: share for how, share in summary.end_shares.items()},
        rounds_played_mean=summary.rounds_played_mean,
        fan_chart=_fan(simulation),
        exact=None if exact is None else _exact_figures(exact),
        exact_note=exact_note,
        kelly_fraction=kelly_fraction(request.rtp, request.cashout)
        if isinstance(rule, PercentRule)
        else None,
        replay=None if replayed is None else _replay_result(replayed),
        overfit=None if check is None else _overfit_result(check, rule_class(request.rule), request.rtp),
        plain_words=cost_sentence(request.rtp, dollars(staked), session.rounds, ruined, law_return),
        explanations=explanations(request.confidence, exact is not None),
        path_rounds=simulation.path_rounds,
        seconds=time.perf_counter() - started,
    )


__all__ = ["End", "run_strategy"]
