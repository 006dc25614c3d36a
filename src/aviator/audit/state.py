"""The running state of an audit: every count and sum its tests read, kept up to date round by round.

``AuditState.add`` costs O(1) per round (a few bins, MAX_LAG lag products, five transition tables):
the history is never scanned again. ``AuditState.from_rounds`` builds the same state from a whole
series at once (vectorized), so an offline audit and a live one fed the same rounds hold the same
counts, and a server can start a live audit from the rounds it already has.

The randomized PIT needs one uniform V per round. They come from one seeded numpy generator, drawn
in round order, so the offline audit (which draws them all at once) and the live one (one per
round) give every round the same V; the generator's state travels with the audit's state.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from aviator.audit.law import ONE, FloatArray, IntArray, check_rtp, randomized_pit, to_cents
from aviator.audit.levels import EDGES, bin_index
from aviator.core.curve import THRESHOLDS

#: Lags of the Ljung-Box test; running products are kept up to the largest.
LB_LAGS: tuple[int, ...] = (1, 5, 10, 20)
MAX_LAG = max(LB_LAGS)
#: Sizes of the consecutive blocks whose PIT means are compared (slow changes, regimes).
BLOCK_SIZES: tuple[int, ...] = (100, 1000)
#: Size of the blocks whose shares of instant crashes are compared: the 1.00x share carries all the
#: law's information about c, so a return that changes over time shows there first.
CRASH_BLOCK_SIZE = 1000
#: The PIT is counted in this many cells of [0, 1) (20 histogram bins of 4096 cells each).
PIT_CELLS = 20 * 4096
#: Rounds at or above this many cents are "high" for the runs test and the streaks (2x).
STREAK_CENTS = 200
#: The thresholds of the lag-1 transition tables, in cents.
TRANSITION_CENTS: tuple[int, ...] = tuple(int(round(100 * t)) for t in THRESHOLDS)
#: The seed of the PIT's tie randomization when none is given (reports are reproducible).
DEFAULT_SEED = 20_240_601


def pit_cell(pit: npt.ArrayLike) -> IntArray:
    """The cell of [0, 1) each PIT value falls in."""
    cells = np.floor(np.asarray(pit, dtype=np.float64) * PIT_CELLS).astype(np.int64)
    return np.asarray(np.clip(cells, 0, PIT_CELLS - 1), dtype=np.int64)


@dataclass
class BlockSums:
    """Sums of the centred PIT over complete blocks of ``size`` rounds, and over the block being filled."""

    size: int
    blocks: int = 0
    sum_block_squares: float = 0.0  # sum over complete blocks of (block sum)^2
    total: float = 0.0  # sum of y over complete blocks
    total_squares: float = 0.0  # sum of y^2 over complete blocks
    partial_count: int = 0
    partial_sum: float = 0.0
    partial_squares: float = 0.0

    def add(self, y: float) -> None:
        self.partial_count += 1
        self.partial_sum += y
        self.partial_squares += y * y
        if self.partial_count == self.size:
            self.blocks += 1
            self.sum_block_squares += self.partial_sum * self.partial_sum
            self.total += self.partial_sum
            self.total_squares += self.partial_squares
            self.partial_count, self.partial_sum, self.partial_squares = 0, 0.0, 0.0

    @classmethod
    def of(cls, y: FloatArray, size: int) -> BlockSums:
        blocks = y.size // size
        full = y[: blocks * size]
        sums = full.reshape(blocks, size).sum(axis=1)
        rest = y[blocks * size :]
        return cls(
            size=size,
            blocks=blocks,
            sum_block_squares=float(sums @ sums),
            total=float(sums.sum()),
            total_squares=float(full @ full),
            partial_count=int(rest.size),
            partial_sum=float(rest.sum()),
            partial_squares=float(rest @ rest),
        )


def _new_rng(seed: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(seed))


@dataclass
class AuditState:
    """Everything the audit's tests read (see the module docstring). ``y`` is the PIT minus 1/2."""

    rtp: float
    seed: int = DEFAULT_SEED
    rounds: int = 0
    hist: IntArray = field(default_factory=lambda: np.zeros(EDGES.size, dtype=np.int64))
    pit_cells: IntArray = field(default_factory=lambda: np.zeros(PIT_CELLS, dtype=np.int64))
    sum_y: float = 0.0
    sum_y2: float = 0.0
    lag_products: FloatArray = field(default_factory=lambda: np.zeros(MAX_LAG, dtype=np.float64))
    head: list[float] = field(default_factory=list)  # the first MAX_LAG values of y
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=MAX_LAG))  # the last MAX_LAG
    highs: int = 0  # rounds >= 2x
    runs: int = 0  # maximal runs of rounds on one side of 2x
    transitions: IntArray = field(
        default_factory=lambda: np.zeros((len(TRANSITION_CENTS), 4), dtype=np.int64)
    )  # per threshold, pairs (previous >= t, this >= t) counted at index 2 * previous + this
    last_cents: int | None = None
    max_cents: int = 0  # the highest round seen, 0 before the first
    streak_high: bool | None = None  # the side of 2x of the streak going on
    streak_length: int = 0
    streaks_high: dict[int, int] = field(default_factory=dict)  # complete streak length -> count
    streaks_low: dict[int, int] = field(default_factory=dict)
    blocks: list[BlockSums] = field(default_factory=lambda: [BlockSums(size) for size in BLOCK_SIZES])
    crash_blocks: BlockSums = field(default_factory=lambda: BlockSums(CRASH_BLOCK_SIZE))  # of 1[M = 1.00]
    rng: np.random.Generator | None = None

    def __post_init__(self) -> None:
        self.rtp = check_rtp(self.rtp)
        if self.rng is None:
            self.rng = _new_rng(self.seed)

    @property
    def generator(self) -> np.random.Generator:
        assert self.rng is not None  # set in __post_init__
        return self.rng

    def add(self, multiplier: float) -> None:
        """One more round (ValueError, naming the value, for anything but a multiplier on the 0.01 grid)."""
        try:
            cents_array = to_cents([multiplier])
        except ValueError:
            raise ValueError(
                f"{multiplier!r} is not a crash multiplier (1.00 or more, on the 0.01 grid)"
            ) from None
        cents = int(cents_array[0])
        v = self.generator.random(1)
        pit = randomized_pit(cents_array, self.rtp, v)
        y = float(pit[0]) - 0.5
        self.hist[int(bin_index(cents_array)[0])] += 1
        self.pit_cells[int(pit_cell(pit)[0])] += 1
        for k, previous in enumerate(reversed(self.recent), start=1):
            self.lag_products[k - 1] += previous * y
        self.sum_y += y
        self.sum_y2 += y * y
        if len(self.head) < MAX_LAG:
            self.head.append(y)
        self.recent.append(y)
        high = cents >= STREAK_CENTS
        self.highs += high
        if self.last_cents is not None:
            for i, t in enumerate(TRANSITION_CENTS):
                self.transitions[i, 2 * (self.last_cents >= t) + (cents >= t)] += 1
        if self.streak_high is None or high != self.streak_high:
            self.runs += 1
            if self.streak_high is not None:
                done = self.streaks_high if self.streak_high else self.streaks_low
                done[self.streak_length] = done.get(self.streak_length, 0) + 1
            self.streak_high, self.streak_length = high, 1
        else:
            self.streak_length += 1
        for block in self.blocks:
            block.add(y)
        self.crash_blocks.add(1.0 if cents == ONE else 0.0)
        self.last_cents = cents
        self.max_cents = max(self.max_cents, cents)
        self.rounds += 1

    @classmethod
    def from_rounds(cls, multipliers: npt.ArrayLike, rtp: float, seed: int = DEFAULT_SEED) -> AuditState:
        """The state after adding ``multipliers`` one by one, computed at once."""
        return state_and_pits(multipliers, rtp, seed)[0]


def state_and_pits(
    multipliers: npt.ArrayLike, rtp: float, seed: int = DEFAULT_SEED
) -> tuple[AuditState, FloatArray]:
    """``AuditState.from_rounds`` and the rounds' randomized PITs (the offline audit needs both)."""
    cents = to_cents(multipliers)
    n = int(cents.size)
    state = AuditState(rtp=rtp, seed=seed)
    if n == 0:
        return state, np.zeros(0)
    pit = randomized_pit(cents, state.rtp, state.generator.random(n))
    y = pit - 0.5
    state.rounds = n
    state.hist = np.bincount(bin_index(cents), minlength=EDGES.size).astype(np.int64)
    state.pit_cells = np.bincount(pit_cell(pit), minlength=PIT_CELLS).astype(np.int64)
    state.sum_y, state.sum_y2 = float(y.sum()), float(y @ y)
    state.lag_products = np.array([float(y[:-k] @ y[k:]) if k < n else 0.0 for k in range(1, MAX_LAG + 1)])
    state.head = [float(x) for x in y[:MAX_LAG]]
    state.recent = deque((float(x) for x in y[-MAX_LAG:]), maxlen=MAX_LAG)
    high = cents >= STREAK_CENTS
    state.highs = int(high.sum())
    for i, t in enumerate(TRANSITION_CENTS):
        pair = 2 * (cents[:-1] >= t) + (cents[1:] >= t)
        state.transitions[i] = np.bincount(pair, minlength=4)
    starts = np.concatenate([[0], np.flatnonzero(high[1:] != high[:-1]) + 1])
    lengths = np.diff(np.concatenate([starts, [n]]))
    sides = high[starts]
    state.runs = int(starts.size)
    for side, book in ((True, state.streaks_high), (False, state.streaks_low)):
        done = lengths[:-1][sides[:-1] == side]  # the last streak is still going on
        values, counts = np.unique(done, return_counts=True)
        book.update({int(v): int(c) for v, c in zip(values, counts, strict=True)})
    state.streak_high, state.streak_length = bool(sides[-1]), int(lengths[-1])
    state.blocks = [BlockSums.of(y, size) for size in BLOCK_SIZES]
    state.crash_blocks = BlockSums.of((cents == ONE).astype(np.float64), CRASH_BLOCK_SIZE)
    state.last_cents = int(cents[-1])
    state.max_cents = int(cents.max())
    return state, pit
