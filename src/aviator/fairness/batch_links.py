"""Chain links between the games of a file, one pair at a time, and the order the file is in.

The link between two games read one after the other holds when hashing the newer game's hash
(SHA-256 of its hex string) gives the older one's: with game numbers, exactly as many hashings as
the numbers are apart; without, the file's order (newest or oldest first) comes from the first link
that holds, and k unreadable lines between the two games allow up to k + 1 hashings.
"""

from __future__ import annotations

from typing import NamedTuple

from aviator.fairness.batch_records import Tally
from aviator.fairness.fasthash import walk_chain

NEWEST_FIRST, OLDEST_FIRST = 1, -1
ORDER_NAMES = {NEWEST_FIRST: "newest first", OLDEST_FIRST: "oldest first"}


class Game(NamedTuple):
    """A game whose hash could be read: its line, raw hash, hex (as bytes) and number.

    ``hashed`` is the SHA-256 of ``hex``: the raw hash of the game before it, when they are chained;
    ``has_result``: a result was recorded (and compared) on its row.
    """

    line: int
    raw: bytes
    hex: bytes
    number: int | None
    hashed: bytes
    has_result: bool


def reaches(newer: Game, older: Game, hashings: int, *, exactly: bool = False) -> bool:
    """Whether ``hashings`` SHA-256 steps (or fewer, unless ``exactly``) lead from newer to older."""
    if hashings == 1:  # the usual case, without the walk's loop
        return newer.hashed == older.raw
    steps = walk_chain(newer.hex, older.hex, hashings)
    return steps == hashings if exactly else steps is not None and steps > 0


class Broken(NamedTuple):
    """A link that did not hold, kept until the next link says whether ``second`` is the odd one out."""

    first: Game
    second: Game
    hashings: int
    failure: tuple[int, str, str, str | None, str | None]


class Links:
    """Chain links between consecutive usable games, and the order they show.

    A game whose hash is not in the chain breaks the links on both sides of it; when the games on
    either side chain to each other around it, that game alone is reported.
    """

    def __init__(self, tally: Tally, max_gap: int) -> None:
        self.tally = tally
        self.max_gap = max_gap
        self.checked = 0
        self.ok = 0
        self.skipped = 0
        self.order = 0  # NEWEST_FIRST, OLDEST_FIRST, or 0 while unknown
        self.numbered_order = 0
        self.broken: Broken | None = None

    def check(self, first: Game, second: Game, unreadable_between: int) -> bool:
        """Check the link between ``first`` and ``second`` (read in that order); False if skipped."""
        numbered = first.number is not None and second.number is not None
        if numbered and first.number == second.number:
            self.finish()
            self.checked += 1
            self.tally.fail(second.line, "link", f"game number {second.number} is also on line {first.line}")
            return True
        hashings = abs((first.number or 0) - (second.number or 0)) if numbered else unreadable_between + 1
        if numbered and hashings > self.max_gap:
            self.finish()
            self.skipped += 1
            return False
        self.checked += 1
        if self._holds(first, second, hashings):
            self.ok += 1
            self.finish()
            return True
        broken = self.broken
        if broken is not None and broken.second is first:
            around = hashings + broken.hashings
            if (not numbered or around <= self.max_gap) and self._holds(broken.first, second, around):
                self.broken = None
                message = (
                    f"this game's hash is not in the chain: line {broken.first.line} and line "
                    f"{second.line} chain to each other around it"
                )
                self.tally.fail(first.line, "link", message, None, first.hex.decode())
                return True
        self.finish()
        self.broken = Broken(first, second, hashings, self._failure(first, second, hashings))
        return True

    def finish(self) -> None:
        """Report the broken link kept back, if any."""
        if self.broken is not None:
            self.tally.fail(*self.broken.failure)
            self.broken = None

    def _holds(self, first: Game, second: Game, hashings: int) -> bool:
        if first.number is not None and second.number is not None:
            newer, older = (first, second) if first.number > second.number else (second, first)
            self.numbered_order = self.numbered_order or (NEWEST_FIRST if newer is first else OLDEST_FIRST)
            return reaches(newer, older, hashings, exactly=True)
        if self.order != OLDEST_FIRST and reaches(first, second, hashings):
            self.order = NEWEST_FIRST
            return True
        if self.order != NEWEST_FIRST and reaches(second, first, hashings):
            self.order = OLDEST_FIRST
            return True
        return False

    def _newer_older(self, first: Game, second: Game) -> tuple[Game, Game]:
        if first.number is not None and second.number is not None:
            return (first, second) if first.number > second.number else (second, first)
        return (second, first) if (self.order or self.numbered_order) == OLDEST_FIRST else (first, second)

    def _failure(
        self, first: Game, second: Game, hashings: int
    ) -> tuple[int, str, str, str | None, str | None]:
        newer, older = self._newer_older(first, second)
        if hashings == 1:
            expected = newer.hashed.hex()
            message = (
                f"not chained to line {first.line}: the SHA-256 of game hash {newer.hex[:12].decode()}... "
                f"(line {newer.line}) is {expected[:12]}..., "
                f"not {older.hex[:12].decode()}... (line {older.line})"
            )
            return (second.line, "link", message, expected, older.hex.decode())
        message = (
            f"not chained to line {first.line}: {hashings} hashings of line {newer.line}'s game hash "
            f"do not reach line {older.line}'s"
        )
        return (second.line, "link", message, None, older.hex.decode())

    def order_name(self) -> str | None:
        if self.order:
            return ORDER_NAMES[self.order]
        return ORDER_NAMES.get(self.numbered_order)
