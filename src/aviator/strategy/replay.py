"""Replay: what a rule would have done on recorded rounds, round by round, from the first one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aviator.strategy.base import FloatArray, Rule, payout
from aviator.strategy.laws import GameLaw, RecordedLaw
from aviator.strategy.session import End, Session
from aviator.strategy.simulate import Trace, simulate


@dataclass(frozen=True)
class Replay:
    """One session on the recorded rounds (cents): how it ended, and every round it played."""

    session: Session
    multipliers: list[float]
    trace: Trace
    ended: End
    played: int
    final_bank: int
    staked: int
    #: What the game's law expects for the stakes placed: stake x (c - 1), less the rounding of payouts.
    wald: float

    @property
    def profit(self) -> int:
        return self.final_bank - self.session.bankroll


def game_law_expectation(trace: Trace, rtp: float) -> float:
    """The game's expected profit (cents) for the bets in ``trace``, each at its stake and cash-out."""
    law = GameLaw(rtp)
    total = 0.0
    for stakes, cashouts in zip(trace.stakes, trace.cashouts, strict=True):
        for stake, cashout in zip(stakes, cashouts, strict=True):
            chance = float(law.survival(cashout))
            total += chance * int(payout(stake, cashout)) - stake
    return total


def replay(rule: Rule, series: FloatArray | list[float], session: Session, rtp: float = 0.97) -> Replay:
    """Play ``rule`` once over ``series`` in order (at most ``session.rounds`` rounds, never wrapping);
    ``rtp`` is the return of the game's law the stakes are measured against."""
    values = np.asarray(series, dtype=np.float64)
    law = RecordedLaw(values)
    played_session = Session(
        session.bankroll, min(session.rounds, len(values)), session.stop_loss, session.take_profit
    )
    result = simulate(rule, law, played_session, 1, np.random.default_rng(0), trace=True)
    assert result.trace is not None
    played = int(result.played[0])
    kept = result.trace
    trace = Trace(kept.stakes[:played], kept.cashouts[:played], kept.won[:played], kept.bank[:played])
    return Replay(
        session=played_session,
        multipliers=[float(m) for m in law.hundredths[:played] / 100.0],
        trace=trace,
        ended=End(int(result.ended[0])),
        played=played,
        final_bank=int(result.final_bank[0]),
        staked=int(result.staked[0]),
        wald=game_law_expectation(trace, rtp),
    )
