"""Monte Carlo: a rule played over many independent sessions at once, vectorized across paths.

Each round costs a handful of numpy operations over the paths still playing (int64 cents throughout);
the law's rounds come in blocks of about a million draws. A path that ends keeps its bankroll from
then on (the fan chart holds it there); ended paths are dropped from the arrays once they are half of
them. Beside what happened, every path carries its Wald term: the expected result of each bet it
placed, given what it knew when it placed it (stake x (return at the cash-out - 1), less the expected
cents lost to rounding payouts down). By Wald's identity the profits average to the Wald terms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from aviator.strategy.base import BoolArray, Cashout, FloatArray, IntArray, Rule
from aviator.strategy.laws import Block, Law
from aviator.strategy.session import End, Session

#: Draws per block of rounds (rounds x paths).
BLOCK_DRAWS = 1 << 20
#: Percentiles of the fan chart's bands.
FAN_PERCENTILES: tuple[int, ...] = (5, 25, 50, 75, 95)
#: Points of the fan chart along the rounds (at most).
FAN_POINTS = 200

Progress = Callable[[int, int], None]


@dataclass
class Trace:
    """Round by round, for the first path: stakes, cash-outs and wins per slot, the bankroll after."""

    stakes: list[list[int]] = field(default_factory=list)
    cashouts: list[list[int]] = field(default_factory=list)
    won: list[list[bool]] = field(default_factory=list)
    bank: list[int] = field(default_factory=list)


@dataclass
class Simulation:
    """Per path: how it ended and what it did; and the fan chart of the bankroll over rounds."""

    session: Session
    final_bank: IntArray
    staked: IntArray
    wald: FloatArray
    max_drawdown: IntArray
    ended: IntArray
    played: IntArray
    fan_rounds: IntArray
    fan_bands: FloatArray  # len(FAN_PERCENTILES) x len(fan_rounds), cents
    trace: Trace | None = None

    @property
    def paths(self) -> int:
        return len(self.final_bank)

    @property
    def path_rounds(self) -> int:
        """Rounds actually played, summed over paths."""
        return int(self.played.sum())


class _Wald:
    """The staked cents and rounding remainders per fixed cash-out, and the rest as floats."""

    def __init__(self, law: Law, n: int) -> None:
        self.law = law
        self.by_cashout: dict[int, list[IntArray]] = {}
        self.staked_other = np.zeros(n, dtype=np.int64)
        self.expected_other = np.zeros(n, dtype=np.float64)

    def add(self, stake: IntArray, cashout: Cashout, won: BoolArray, bank: IntArray) -> None:
        """Settle one slot into ``bank`` (floor(stake x cash-out) paid on a win) and book its Wald term."""
        if isinstance(cashout, int):
            sums = self.by_cashout.get(cashout)
            if sums is None:
                n = len(stake)
                sums = self.by_cashout[cashout] = [np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)]
            sums[0] += stake
            if cashout % 100 == 0:
                bank += stake * (cashout // 100) * won
                return
            product = stake * cashout
            paid = product // 100
            sums[1] += product - 100 * paid
            bank += paid * won
            return
        product = stake * cashout
        paid = product // 100
        bank += paid * won
        chance = self.law.survival(cashout)
        self.staked_other += stake
        self.expected_other += chance * paid - stake

    def subset(self, keep: IntArray) -> None:
        for sums in self.by_cashout.values():
            sums[0], sums[1] = sums[0][keep], sums[1][keep]
        self.staked_other, self.expected_other = self.staked_other[keep], self.expected_other[keep]

    def totals(self) -> tuple[IntArray, FloatArray]:
        """Total staked and the Wald term of every path (cents)."""
        staked = self.staked_other.copy()
        expected = self.expected_other.copy()
        for cashout, (stakes, remainders) in self.by_cashout.items():
            chance = float(self.law.survival(cashout))
            staked += stakes
            expected += (chance * cashout / 100.0 - 1.0) * stakes - chance * remainders / 100.0
        return staked, expected


class _Paths:
    """The arrays of the paths still in play, and the per-path results of all paths."""

    def __init__(self, session: Session, n: int, law: Law, start_level: int) -> None:
        self.session, self.start_level = session, start_level
        start = session.bankroll
        self.index = np.arange(n, dtype=np.int64)
        self.bank = np.full(n, start, dtype=np.int64)
        self.level = np.full(n, start_level, dtype=np.int64)
        self.live = np.ones(n, dtype=np.int64)
        self.peak = self.bank.copy()
        self.drawdown = np.zeros(n, dtype=np.int64)
        self.wald = _Wald(law, n)
        self.final_bank = np.full(n, start, dtype=np.int64)
        self.max_drawdown = np.zeros(n, dtype=np.int64)
        self.ended = np.full(n, int(End.LIMIT), dtype=np.int64)
        self.played = np.full(n, session.rounds, dtype=np.int64)
        self.staked = np.zeros(n, dtype=np.int64)
        self.expected = np.zeros(n, dtype=np.float64)

    def end(self, mask: BoolArray, how: End, played: int) -> None:
        """End the paths in ``mask`` (all still live): record them, then park them (stake 0 from now)."""
        where = np.flatnonzero(mask)
        paths = self.index[where]
        self.ended[paths] = int(how)
        self.played[paths] = played
        self.final_bank[paths] = self.bank[where]
        self.max_drawdown[paths] = self.drawdown[where]
        self.live[where] = 0
        # A parked path sits at the starting bankroll, inside every stop, so no stop fires for it again.
        self.bank[where] = self.session.bankroll
        self.level[where] = self.start_level

    def snapshot(self) -> IntArray:
        """Every path's bankroll now (an ended path's at its end)."""
        bank = self.final_bank.copy()
        playing = self.live.astype(bool)
        bank[self.index[playing]] = self.bank[playing]
        return bank

    def write_out(self) -> None:
        """Record the totals of the paths in the arrays, and the end state of those still playing."""
        staked, expected = self.wald.totals()
        self.staked[self.index] = staked
        self.expected[self.index] = expected
        playing = self.live.astype(bool)
        self.final_bank[self.index[playing]] = self.bank[playing]
        self.max_drawdown[self.index[playing]] = self.drawdown[playing]

    def compact(self) -> None:
        """Drop the ended paths from the arrays (their results are recorded)."""
        self.write_out()
        keep = np.flatnonzero(self.live)
        self.index, self.bank, self.level = self.index[keep], self.bank[keep], self.level[keep]
        self.live, self.peak, self.drawdown = self.live[keep], self.peak[keep], self.drawdown[keep]
        self.wald.subset(keep)


def _fan_points(rounds: int) -> list[int]:
    return sorted({int(r) for r in np.linspace(0, rounds, min(rounds, FAN_POINTS) + 1).round()})


def _stakes(rule: Rule, state: _Paths) -> tuple[list[IntArray], list[Cashout], IntArray]:
    bets = rule.decide(state.level, state.bank)
    stakes = [np.asarray(s * state.live, dtype=np.int64) for s in bets.stakes]
    total = stakes[0] if len(stakes) == 1 else np.sum(stakes, axis=0)
    return stakes, list(bets.cashouts), total


def _play_round(
    rule: Rule, law: Law, state: _Paths, row: Block, t: int
) -> tuple[list[IntArray], list[Cashout], tuple[BoolArray, ...], bool]:
    """Round ``t`` (counted from 0) for every path: ruin check, bets, settlement, stops.

    Returns the stakes, their cash-outs, which bets were won, and whether any path ended."""
    session = state.session
    stakes, cashouts, total = _stakes(rule, state)
    ruined = total > state.bank
    ended = bool(ruined.any())
    if ended:
        state.end(ruined, End.RUIN, t)
        stakes = [stake * state.live for stake in stakes]
        total = stakes[0] if len(stakes) == 1 else np.sum(stakes, axis=0)
    state.bank -= total
    won = tuple(law.reaches(row, k) for k in cashouts)
    for stake, cashout, hit in zip(stakes, cashouts, won, strict=True):
        state.wald.add(stake, cashout, hit, state.bank)
    state.level = rule.advance(state.level, won)
    np.maximum(state.peak, state.bank, out=state.peak)
    np.maximum(state.drawdown, state.peak - state.bank, out=state.drawdown)
    reached = state.bank >= session.high_stop
    if reached.any():
        state.end(reached, session.high_end, t + 1)
        ended = True
    low = session.low_stop
    if low is not None:
        fell = state.bank <= low
        if fell.any():
            state.end(fell, End.STOP_LOSS, t + 1)
            ended = True
    return stakes, cashouts, won, ended


def simulate(
    rule: Rule,
    law: Law,
    session: Session,
    paths: int,
    rng: np.random.Generator,
    *,
    progress: Progress | None = None,
    trace: bool = False,
) -> Simulation:
    """Play ``rule`` for ``paths`` sessions on rounds from ``law``; ``trace`` keeps path 0's rounds."""
    if paths < 1:
        raise ValueError(f"paths must be at least 1, got {paths}")
    rounds = session.rounds
    state = _Paths(session, paths, law, 0)
    fan_at = _fan_points(rounds)
    fan: list[FloatArray] = [np.full(len(FAN_PERCENTILES), float(session.bankroll))]
    next_fan = 1
    kept = Trace() if trace else None
    can_compact = not trace and not rule.per_path()
    block_rounds = max(1, min(rounds, BLOCK_DRAWS // paths))
    t = 0
    while t < rounds and state.live.any():
        count = min(block_rounds, rounds - t)
        draws = law.block(rng, t, count, state.index)
        for j in range(count):
            stakes, cashouts, won, ended = _play_round(rule, law, state, draws[j], t)
            t += 1
            if kept is not None:
                kept.stakes.append([int(s[0]) for s in stakes])
                kept.cashouts.append([int(np.asarray(k).ravel()[0]) for k in cashouts])
                kept.won.append([bool(w[0]) for w in won])
                kept.bank.append(int(state.snapshot()[0]))
            if next_fan < len(fan_at) and t == fan_at[next_fan]:
                fan.append(np.percentile(state.snapshot(), FAN_PERCENTILES))
                next_fan += 1
            if ended and not state.live.any():
                break
        if progress is not None:
            progress(t, rounds)
        if can_compact and 2 * int(state.live.sum()) < len(state.live):
            state.compact()
    if state.live.any():  # after the last round: a next stake the bankroll cannot cover is ruin too
        _, _, total = _stakes(rule, state)
        ruined = total > state.bank
        if ruined.any():
            state.end(ruined, End.RUIN, rounds)
    state.write_out()
    while next_fan < len(fan_at):  # every path ended early: the bands stay where they are
        fan.append(np.percentile(state.final_bank, FAN_PERCENTILES))
        next_fan += 1
    if progress is not None:
        progress(rounds, rounds)
    return Simulation(
        session=session,
        final_bank=state.final_bank,
        staked=state.staked,
        wald=state.expected,
        max_drawdown=state.max_drawdown,
        ended=state.ended,
        played=state.played,
        fan_rounds=np.asarray(fan_at, dtype=np.int64),
        fan_bands=np.asarray(fan, dtype=np.float64).T,
        trace=kept,
    )
