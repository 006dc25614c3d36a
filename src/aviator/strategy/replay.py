"""Replay: what a rule would have done on recorded rounds, round by round, from the first one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aviator.strategy.base import FloatArray, Rule
from aviator.strategy.laws import RecordedLaw
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
    wald: float

    @property
    def profit(self) -> int:
        return self.final_bank - self.session.bankroll


def replay(rule: Rule, series: FloatArray | list[float], session: Session) -> Replay:
    """Play ``rule`` once over ``series`` in order (at most ``session.rounds`` rounds, never wrapping)."""
    values = np.asarray(series, dtype=np.float64)
    law = RecordedLaw(values, random_start=False)
    played_session = Session(
        session.bankroll, min(session.rounds, len(values)), session.stop_loss, session.take_profit
    )
    result = simulate(rule, law, played_session, 1, np.random.default_rng(0), trace=True)
    assert result.trace is not None
    played = int(result.played[0])
    kept = result.trace
    trace = Trace(kept.stakes[:played], kept.won[:played], kept.bank[:played])  # the rounds it played
    return Replay(
        session=played_session,
        multipliers=[float(m) for m in law.hundredths[:played] / 100.0],
        trace=trace,
        ended=End(int(result.ended[0])),
        played=played,
        final_bank=int(result.final_bank[0]),
        staked=int(result.staked[0]),
        wald=float(result.wald[0]),
    )
