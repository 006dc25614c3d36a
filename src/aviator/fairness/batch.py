"""Verify a file of bustabit or Stake crash games: every result, every chain link, and the tip.

For each game the result is recomputed from its hash with the published formula and compared with
the recorded one (when recorded). Each game and the one read before it are checked as a chain link:
the SHA-256 of the newer game's hash (as its hex string) must be the older game's hash. With game
numbers the newer one is the larger number, and a gap of N numbers is N hashings; without numbers
the file's order (newest first or oldest first) is taken from the first link that holds, and lines
that could not be read between two games are allowed for (k of them: up to k + 1 hashings). With a
terminating hash (tip), the newest game is hashed forward until it is reached.

Rows stream through: memory stays flat whatever the size of the file.
"""

from __future__ import annotations

import hashlib
from binascii import hexlify
from collections.abc import Callable, Iterable
from typing import NamedTuple

from aviator.fairness.batch_records import (
    DEFAULT_MAX_FAILURES,
    BadRow,
    BatchReport,
    GameRow,
    Tally,
    TipCheck,
)
from aviator.fairness.chain import DEFAULT_MAX_STEPS
from aviator.fairness.crash_schemes import CrashScheme
from aviator.fairness.fasthash import walk_chain
from aviator.fairness.hashing import parse_hex

#: Most hashings one link may take across missing game numbers; a longer gap is skipped, and counted.
DEFAULT_MAX_GAP = 100_000
PROGRESS_EVERY = 1 << 16
NEWEST_FIRST, OLDEST_FIRST = 1, -1
_ORDER_NAMES = {NEWEST_FIRST: "newest first", OLDEST_FIRST: "oldest first"}
_sha256 = hashlib.sha256


class _Game(NamedTuple):
    line: int
    raw: bytes
    hex: bytes
    number: int | None


def _reaches(newer: _Game, older: _Game, hashings: int, *, exactly: bool = False) -> bool:
    """Whether ``hashings`` SHA-256 steps (or fewer, unless ``exactly``) lead from newer to older."""
    if hashings == 1:  # the usual case, without the walk's loop
        return _sha256(newer.hex).digest() == older.raw
    steps = walk_chain(newer.hex, older.hex, hashings)
    return steps == hashings if exactly else steps is not None and steps > 0


class _Broken(NamedTuple):
    """A link that did not hold, kept until the next link says whether ``second`` is the odd one out."""

    first: _Game
    second: _Game
    hashings: int
    failure: tuple[int, str, str, str | None, str | None]


class _Links:
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
        self.broken: _Broken | None = None

    def check(self, first: _Game, second: _Game, unreadable_between: int) -> bool:
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
        self.broken = _Broken(first, second, hashings, self._failure(first, second, hashings))
        return True

    def finish(self) -> None:
        """Report the broken link kept back, if any."""
        if self.broken is not None:
            self.tally.fail(*self.broken.failure)
            self.broken = None

    def _holds(self, first: _Game, second: _Game, hashings: int) -> bool:
        if first.number is not None and second.number is not None:
            newer, older = (first, second) if first.number > second.number else (second, first)
            self.numbered_order = self.numbered_order or (NEWEST_FIRST if newer is first else OLDEST_FIRST)
            return _reaches(newer, older, hashings, exactly=True)
        if self.order != OLDEST_FIRST and _reaches(first, second, hashings):
            self.order = NEWEST_FIRST
            return True
        if self.order != NEWEST_FIRST and _reaches(second, first, hashings):
            self.order = OLDEST_FIRST
            return True
        return False

    def _newer_older(self, first: _Game, second: _Game) -> tuple[_Game, _Game]:
        if first.number is not None and second.number is not None:
            return (first, second) if first.number > second.number else (second, first)
        return (second, first) if (self.order or self.numbered_order) == OLDEST_FIRST else (first, second)

    def _failure(
        self, first: _Game, second: _Game, hashings: int
    ) -> tuple[int, str, str, str | None, str | None]:
        newer, older = self._newer_older(first, second)
        if hashings == 1:
            expected = hexlify(_sha256(newer.hex).digest()).decode()
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
            return _ORDER_NAMES[self.order]
        return _ORDER_NAMES.get(self.numbered_order)


def _hash_failure(row: GameRow, tally: Tally) -> None:
    text = row.game_hash
    if not text:
        tally.fail(row.line, "hash", "no game hash on this row")
    else:
        tally.fail(row.line, "hash", f"game hash {text[:80]!r} is not 64 hexadecimal characters")


def _newest(first: _Game | None, last: _Game | None, top: _Game | None, order: int) -> _Game | None:
    if top is not None:
        return top
    return last if order == OLDEST_FIRST else first


def verify_crash_games(
    items: Iterable[GameRow | BadRow],
    scheme: CrashScheme,
    *,
    tip: str | None = None,
    max_gap: int = DEFAULT_MAX_GAP,
    max_steps: int = DEFAULT_MAX_STEPS,
    max_failures: int = DEFAULT_MAX_FAILURES,
    progress: Callable[[int], None] | None = None,
) -> BatchReport:
    """Verify every game of a file (see the module docstring); ``progress(rows)`` is called now and then."""
    tip_hex = None if tip is None else parse_hex(tip, name="tip", length=64).encode("ascii")
    if max_gap < 1 or max_steps < 0:
        raise ValueError(f"max_gap must be >= 1 and max_steps >= 0, got {max_gap} and {max_steps}")
    tally = Tally(max_failures)
    links = _Links(tally, max_gap)
    cents_of = scheme.cents_function()
    results_checked = results_ok = 0
    previous: _Game | None = None
    previous_compared = True
    unreadable_between = 0
    first: _Game | None = None
    top: _Game | None = None  # the largest game number seen
    for item in items:
        tally.rows += 1
        if progress is not None and tally.rows % PROGRESS_EVERY == 0:
            progress(tally.rows)
        if isinstance(item, BadRow):
            tally.fail(item.line, "row", item.reason)
            unreadable_between += 1
            continue
        text = item.game_hash
        raw = None
        if text is not None and len(text) == 64:
            try:
                raw = bytes.fromhex(text)
            except ValueError:
                pass
        if raw is None:
            _hash_failure(item, tally)
            unreadable_between += 1
            continue
        game = _Game(item.line, raw, hexlify(raw), item.number)
        result = item.result
        compared = result is not None
        if result is not None:
            cents = cents_of(raw, game.hex)
            results_checked += 1
            if round(result * 100) == cents:
                results_ok += 1
            else:
                computed = f"{cents / 100:.2f}"
                message = f"recorded result {result:.2f}, the formula gives {computed} from this hash"
                tally.fail(item.line, "result", message, computed, f"{result:.2f}")
        if previous is not None and links.check(previous, game, unreadable_between):
            compared = previous_compared = True
        if previous is not None and not previous_compared:
            tally.uncompared_lines.append(previous.line)
        previous, previous_compared, unreadable_between = game, compared, 0
        first = first or game
        if game.number is not None and (top is None or game.number > (top.number or 0)):
            top = game
    if previous is not None and not previous_compared:
        tally.uncompared_lines.append(previous.line)
    links.finish()
    tally.count("result", results_checked, results_ok)
    tip_check = None
    newest = _newest(first, previous, top, links.order or links.numbered_order)
    if tip_hex is not None and newest is not None:
        tip_check = _check_tip(newest, tip_hex, scheme, links, max_steps, tally)
    summary, failures = tally.summary(
        scheme.game,
        links=(links.checked, links.ok, links.skipped),
        order=links.order_name(),
        tip=tip_check,
    )
    return BatchReport(summary, failures)


def _check_tip(
    newest: _Game, tip_hex: bytes, scheme: CrashScheme, links: _Links, max_steps: int, tally: Tally
) -> TipCheck:
    steps = walk_chain(newest.hex, tip_hex, max_steps)
    if newest.line in tally.uncompared_lines:
        tally.uncompared_lines.remove(newest.line)
    number_matches = None
    if steps is None:
        message = f"the terminating hash {tip_hex[:12].decode()}... is not reached in {max_steps:,} hashings"
        tally.fail(newest.line, "tip", message, tip_hex.decode(), None)
    elif scheme.tip_steps_are_game_number and newest.number is not None:
        number_matches = steps == newest.number
        if not number_matches:
            message = f"the tip is {steps:,} hashings away, so this is game {steps:,}, not {newest.number:,}"
            tally.fail(newest.line, "tip", message, str(steps), str(newest.number))
    tally.count("tip", 1, int(steps is not None and number_matches is not False))
    every_link = links.ok == links.checked and links.skipped == 0
    return TipCheck(
        tip=tip_hex.decode(),
        from_line=newest.line,
        game_number=newest.number,
        max_steps=max_steps,
        steps=steps,
        number_matches=number_matches,
        chain_to_tip=steps is not None and number_matches is not False and every_link,
    )
