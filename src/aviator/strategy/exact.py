"""The exact answer by dynamic programming over (level, bankroll), for rules whose state is small.

For a ``LevelRule`` (stakes from the level alone, fixed cash-outs) on independent rounds, a round has
a few outcomes (no cash-out reached, the lowest reached, ...), each with a known chance, and each moves
(level, bankroll) to one next state. The programme carries the exact chance of every state round by
round: states whose next stake exceeds the bankroll are ruined, states past a stop are stopped, and
what is left after the last round is checked for ruin once more, as in the simulation. Bankrolls live
on a grid of g cents (g = the greatest common divisor of every gain seen), levels are found as the
chance reaches them, so nothing is bounded in advance except the total number of cells.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from aviator.strategy.base import FloatArray, IntArray, LevelRule, Rule, payout
from aviator.strategy.laws import Law
from aviator.strategy.session import End, Session

#: The most (level x bankroll) cells the programme may hold (8 bytes each, two copies).
MAX_CELLS = 4_000_000
#: The most cell updates (about a nanosecond each) and row moves (about a microsecond each) in one answer.
MAX_UPDATES = 3_000_000_000
MAX_MOVES = 5_000_000


class ExactUnavailable(ValueError):
    """No exact answer for this rule, law or size; the message says why."""


@dataclass(frozen=True)
class ExactResult:
    """Exact figures (cents) and the exact distribution of the final bankroll."""

    session: Session
    end_probability: dict[End, float]
    expected_final_bank: float
    expected_total_staked: float
    #: Sum over bets of stake x (return at its cash-out - 1), less the expected rounding of payouts.
    wald_expected_profit: float
    final_banks: IntArray
    final_mass: FloatArray
    levels: int
    cells: int

    @property
    def ruin_probability(self) -> float:
        return self.end_probability.get(End.RUIN, 0.0)

    @property
    def ahead_probability(self) -> float:
        return float(self.final_mass[self.final_banks > self.session.bankroll].sum())

    @property
    def expected_profit(self) -> float:
        return self.expected_final_bank - self.session.bankroll

    def quantile(self, q: float) -> float:
        """The smallest final bankroll b with P(final <= b) >= q."""
        cumulative = np.cumsum(self.final_mass)
        at = int(np.searchsorted(cumulative, q * cumulative[-1] - 1e-12, side="left"))
        return float(self.final_banks[min(at, len(self.final_banks) - 1)])


@dataclass
class _Level:
    stake: int
    gains: list[int]  # per outcome, cents
    nexts: list[int]  # per outcome, the next level
    wald: float  # the expected gain of this level's bets, from each slot's return (not from the outcomes)


class _Programme:
    def __init__(self, rule: LevelRule, law: Law, session: Session) -> None:
        self.rule, self.session = rule, session
        cashouts = [int(k) for k in rule.cashouts]
        self.cashouts = cashouts
        self.thresholds = sorted(set(cashouts))
        self.law = law
        chances = [float(law.survival(k)) for k in self.thresholds]
        # outcome o: exactly the lowest o thresholds reached
        self.q = [1.0 - chances[0]]
        self.q += [chances[j - 1] - chances[j] for j in range(1, len(chances))] + [chances[-1]]
        self.levels: dict[int, _Level] = {}
        self.rows: dict[int, int] = {}
        self.g = 0
        self.off = 0
        self.mass = np.zeros((4, 64), dtype=np.float64)
        self.spare = np.zeros_like(self.mass)
        self.support: dict[int, tuple[int, int]] = {}
        self.final = np.zeros(64, dtype=np.float64)
        self.ends = dict.fromkeys(End, 0.0)
        self.staked = 0.0
        self.wald = 0.0
        self.updates = self.moves = 0
        first = self._row(0)
        start = (session.bankroll - self.off) // self.g
        self._fit(1, start + 1)
        self.mass[first, start] = 1.0
        self.support[first] = (start, start + 1)

    # -- the grid ------------------------------------------------------------------------------------
    def _describe(self, level: int) -> _Level:
        stakes = [int(s[0]) for s in self.rule.stakes_at(np.asarray([level], dtype=np.int64))]
        total = sum(stakes)
        gains, nexts = [], []
        for outcome in range(len(self.q)):
            won = [k in self.thresholds[:outcome] for k in self.cashouts]
            paid = sum(int(payout(s, k)) for s, k, w in zip(stakes, self.cashouts, won, strict=True) if w)
            gains.append(paid - total)
            flags = tuple(np.asarray([w]) for w in won)
            nexts.append(int(self.rule.advance(np.asarray([level], dtype=np.int64), flags)[0]))
        wald = 0.0
        for s, k in zip(stakes, self.cashouts, strict=True):
            chance = float(self.law.survival(k))
            wald += s * (chance * k / 100.0 - 1.0) - chance * ((s * k) % 100) / 100.0
        return _Level(total, gains, nexts, wald)

    def _row(self, level: int) -> int:
        row = self.rows.get(level)
        if row is not None:
            return row
        found = self._describe(level)
        g = math.gcd(self.g, *[abs(x) for x in found.gains]) or 1
        if self.g == 0:
            self.g, self.off = g, self.session.bankroll % g
        elif g != self.g:
            self._regrid(g)
        row = self.rows[level] = len(self.rows)
        self.levels[level] = found
        self._fit(row + 1, 1)
        return row

    def _fit(self, rows: int, cols: int) -> None:
        have_rows, have_cols = self.mass.shape
        if rows <= have_rows and cols <= have_cols:
            return
        shape = (
            max(rows, 2 * have_rows if rows > have_rows else have_rows),
            max(cols, 2 * have_cols if cols > have_cols else have_cols),
        )
        if shape[0] * shape[1] > MAX_CELLS:
            raise ExactUnavailable(
                f"the exact programme needs more than {MAX_CELLS:,} (level x bankroll) cells here; "
                "fewer rounds, a smaller bankroll or a coarser stake keeps it exact"
            )
        for name in ("mass", "spare"):
            grown = np.zeros(shape, dtype=np.float64)
            old = getattr(self, name)
            grown[: old.shape[0], : old.shape[1]] = old
            setattr(self, name, grown)
        final = np.zeros(shape[1], dtype=np.float64)
        final[: len(self.final)] = self.final
        self.final = final

    def _regrid(self, g: int) -> None:
        factor, off = self.g // g, self.session.bankroll % g
        shift = (self.off - off) // g
        rows, cols = self.mass.shape
        width = shift + factor * (cols - 1) + 1
        if rows * width > MAX_CELLS:
            raise ExactUnavailable(f"the exact programme needs more than {MAX_CELLS:,} cells here")
        mass = np.zeros((rows, width), dtype=np.float64)
        mass[:, shift::factor] = self.mass
        final = np.zeros(width, dtype=np.float64)
        final[shift::factor] = self.final
        self.mass, self.spare, self.final = mass, np.zeros_like(mass), final
        self.support = {
            r: (shift + factor * lo, shift + factor * (hi - 1) + 1) for r, (lo, hi) in self.support.items()
        }
        self.g, self.off = g, off

    def _index(self, bank: int, up: bool) -> int:
        """The first grid index whose bankroll is >= ``bank`` (``up``), or the last one <= it."""
        steps = bank - self.off
        return -(-steps // self.g) if up else steps // self.g

    # -- absorbing -----------------------------------------------------------------------------------
    def _absorb(self, row: int, lo: int, hi: int, how: End) -> None:
        chunk = self.mass[row, lo:hi]
        self.ends[how] += float(chunk.sum())
        self.final[lo:hi] += chunk
        chunk[:] = 0.0

    def ruin_check(self) -> None:
        for level, row in self.rows.items():
            lo, hi = self.support.get(row, (0, 0))
            cut = min(hi, max(lo, self._index(self.levels[level].stake, up=True)))
            if cut > lo:
                self._absorb(row, lo, cut, End.RUIN)
                self.support[row] = (cut, hi)

    def step(self) -> None:
        live = [(level, row) for level, row in self.rows.items() if self._live(row)]
        for level, _ in live:  # every next level gets its row (and the grid its g) before moving
            for nxt in self.levels[level].nexts:
                self._row(nxt)
        moved: dict[int, tuple[int, int]] = {}
        for level, row in live:
            lo, hi = self.support[row]
            here = self.levels[level]
            source = self.mass[row, lo:hi]
            alive = float(source.sum())
            self.staked += here.stake * alive
            self.wald += here.wald * alive
            for chance, gain, nxt in zip(self.q, here.gains, here.nexts, strict=True):
                if chance <= 0.0:
                    continue
                self.moves += 1
                self.updates += hi - lo
                target, shift = self.rows[nxt], gain // self.g
                self._fit(1, hi + shift)
                self.spare[target, lo + shift : hi + shift] += chance * self.mass[row, lo:hi]
                old = moved.get(target)
                moved[target] = (
                    (lo + shift, hi + shift)
                    if old is None
                    else (min(old[0], lo + shift), max(old[1], hi + shift))
                )
            self.mass[row, lo:hi] = 0.0
        self.mass, self.spare = self.spare, self.mass
        self.support = moved
        if self.updates > MAX_UPDATES or self.moves > MAX_MOVES:
            raise ExactUnavailable(
                "the exact programme would take too long here (too many levels and bankrolls over too many "
                "rounds); fewer rounds or a smaller bankroll keeps it exact"
            )
        self._stops()

    def _live(self, row: int) -> bool:
        lo, hi = self.support.get(row, (0, 0))
        return hi > lo

    def _stops(self) -> None:
        high = self._index(self.session.high_stop, up=True)
        low_stop = self.session.low_stop
        low = self._index(low_stop, up=False) if low_stop is not None else -1
        for row, (lo, hi) in list(self.support.items()):
            if hi > high:
                self._absorb(row, max(lo, high), hi, self.session.high_end)
                hi = max(lo, high)
            if low >= lo:
                self._absorb(row, lo, min(hi, low + 1), End.STOP_LOSS)
                lo = min(hi, low + 1)
            self.support[row] = (lo, hi)

    def finish(self) -> None:
        self.ruin_check()
        for row, (lo, hi) in self.support.items():
            if hi > lo:
                self._absorb(row, lo, hi, End.LIMIT)


def solve_exact(rule: Rule, law: Law, session: Session) -> ExactResult:
    """The exact figures of ``rule`` over ``session`` on ``law`` (raises ExactUnavailable with why not)."""
    if not isinstance(rule, LevelRule):
        raise ExactUnavailable(f"no exact answer for {rule.name!r}: its stakes depend on the bankroll")
    if rule.per_path():
        raise ExactUnavailable("the exact programme takes one setting, not one per path")
    if not law.independent:
        raise ExactUnavailable(f"no exact answer on the {law.name} law: its rounds are not independent")
    programme = _Programme(rule, law, session)
    for _ in range(session.rounds):
        programme.ruin_check()
        programme.step()
    programme.finish()
    banks = programme.off + programme.g * np.arange(len(programme.final), dtype=np.int64)
    keep = programme.final > 0.0
    mass = programme.final[keep]
    return ExactResult(
        session=session,
        end_probability={how: p for how, p in programme.ends.items() if p > 0.0},
        expected_final_bank=float((mass * banks[keep]).sum()),
        expected_total_staked=programme.staked,
        wald_expected_profit=programme.wald,
        final_banks=banks[keep],
        final_mass=mass,
        levels=len(programme.rows),
        cells=int(programme.mass.size),
    )
