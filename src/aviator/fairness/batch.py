"""Verify a file of bustabit or Stake crash games: every result, every chain link, and the tip.

For each game the result is recomputed from its hash with the published formula and compared with
the recorded one (when recorded). Each game and the one read before it are checked as a chain link
(:mod:`aviator.fairness.batch_links`). With a terminating hash (tip), the newest game is hashed
forward until it is reached.

Two stages: :func:`check_rows` makes each row's own checks (its hash, its result, the SHA-256 its
link needs) and gathers the games that link one to the next into runs, so parts of a file can go
through it in several processes (:func:`check_part`); the ends of the runs are then linked in file
order (:func:`verify_checked`). Rows stream through both: memory stays flat whatever the size of
the file.
"""

from __future__ import annotations

import hashlib
from binascii import hexlify
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from aviator.fairness.batch_links import (
    NEWEST_FIRST,
    OLDEST_FIRST,
    ORDER_NAMES,
    ChainLinker,
    Game,
    Links,
    Run,
)
from aviator.fairness.batch_records import (
    DEFAULT_MAX_FAILURES,
    BadRow,
    BatchReport,
    GameRow,
    RowFailure,
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
_sha256 = hashlib.sha256
_new_tuple = tuple.__new__  # builds a NamedTuple without its slow __new__ (once per row)


@dataclass
class ResultCounts:
    checked: int = 0
    ok: int = 0


def _hash_failure(row: GameRow, tally: Tally) -> None:
    text = row.game_hash
    if not text:
        tally.fail(row.line, "hash", "no game hash on this row")
    else:
        tally.fail(row.line, "hash", f"game hash {text[:80]!r} is not 64 hexadecimal characters")


def check_rows(
    items: Iterable[GameRow | BadRow],
    scheme: CrashScheme,
    tally: Tally,
    counts: ResultCounts,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Game | Run | None]:
    """Each row's own checks, in file order: yields None for a row whose hash could not be read, and
    the games, those that link one to the next gathered in a :class:`Run`."""
    cents_of = scheme.cents_function()
    sha256, new_tuple = _sha256, _new_tuple
    first: Game | None = None  # the open run: first, last, top game, links inside, directions
    last: Game | None = None
    top: Game | None = None
    links = directions = first_direction = 0
    for item in items:
        tally.rows += 1
        if progress is not None and tally.rows % PROGRESS_EVERY == 0:
            progress(tally.rows)
        game = None
        if isinstance(item, BadRow):
            tally.fail(item.line, "row", item.reason)
        else:
            text = item.game_hash
            raw = None
            if text is not None and len(text) == 64:
                try:
                    raw = bytes.fromhex(text)
                except ValueError:
                    pass
            if raw is None:
                _hash_failure(item, tally)
            else:
                hex_hash = hexlify(raw)
                result = item.result
                if result is not None:
                    cents = cents_of(raw, hex_hash)
                    counts.checked += 1
                    if round(result * 100) == cents:
                        counts.ok += 1
                    else:
                        computed = f"{cents / 100:.2f}"
                        message = f"recorded result {result:.2f}, the formula gives {computed} from this hash"
                        tally.fail(item.line, "result", message, computed, f"{result:.2f}")
                hashed = sha256(hex_hash).digest()
                game = new_tuple(Game, (item.line, raw, hex_hash, item.number, hashed, result is not None))
        if game is not None and last is not None:
            # Does the game extend the open run? (the next number, or either way without numbers)
            number, last_number = game.number, last.number
            direction = 0
            if number is not None and last_number is not None:
                if last_number - number == 1:
                    direction = -1 if last.hashed == game.raw else 0
                elif number - last_number == 1:
                    direction = -1 if game.hashed == last.raw else 0
            elif number is None and last_number is None:
                if last.hashed == game.raw:
                    direction = NEWEST_FIRST
                elif game.hashed == last.raw:
                    direction = OLDEST_FIRST
            if direction:
                last = game
                links += 1
                if direction > 0:
                    directions |= direction
                    first_direction = first_direction or direction
                elif number is not None and (top is None or number > (top.number or 0)):
                    top = game
                continue
        if first is not None:
            assert last is not None
            yield first if not links else Run(first, last, top, links, directions, first_direction)
        if game is None:
            first = last = top = None
            yield None
        else:
            first = last = game
            top = game if game.number is not None else None
        links = directions = first_direction = 0
    if first is not None:
        assert last is not None
        yield first if not links else Run(first, last, top, links, directions, first_direction)


@dataclass
class CheckedPart:
    """What :func:`check_part` found in a part of a file (plain data, to send between processes)."""

    rows: int = 0
    results: ResultCounts = field(default_factory=ResultCounts)
    failures: list[RowFailure] = field(default_factory=list)
    failures_total: int = 0
    failed_lines: set[int] = field(default_factory=set)
    items: list[Game | Run | None] = field(default_factory=list)


def check_part(
    items: Iterable[GameRow | BadRow], scheme: CrashScheme, max_failures: int = DEFAULT_MAX_FAILURES
) -> CheckedPart:
    """:func:`check_rows` over a part of a file, kept to send back (mostly a few runs)."""
    tally = Tally(max_failures)
    part = CheckedPart()
    part.items = list(check_rows(items, scheme, tally, part.results))
    part.rows, part.failures, part.failures_total = tally.rows, tally.failures, tally.failures_total
    part.failed_lines = tally.failed_lines
    return part


def _order(links: Links, first: Game | None, last: Game | None) -> int:
    """The file's order: from the links without numbers, else from the first and last numbers."""
    if links.directions:
        return links.directions
    if first is None or last is None or first.number is None or last.number is None:
        return 0
    if first.number == last.number:
        return 0
    return NEWEST_FIRST if first.number > last.number else OLDEST_FIRST


def _check_options(tip: str | None, max_gap: int, max_steps: int) -> bytes | None:
    if max_gap < 1 or max_steps < 0:
        raise ValueError(f"max_gap must be >= 1 and max_steps >= 0, got {max_gap} and {max_steps}")
    return None if tip is None else parse_hex(tip, name="tip", length=64).encode("ascii")


def _finish(
    items: Iterable[Game | Run | None],
    tally: Tally,
    results: ResultCounts,
    scheme: CrashScheme,
    tip_hex: bytes | None,
    max_gap: int,
    max_steps: int,
) -> BatchReport:
    links = Links(tally, max_gap)
    linker = ChainLinker(links)
    linker.feed(items)
    linker.close()
    tally.count("result", results.checked, results.ok)
    order = _order(links, linker.first, linker.previous)
    newest = (
        linker.top if linker.top is not None else (linker.previous if order == OLDEST_FIRST else linker.first)
    )
    tip_check = None
    if tip_hex is not None and newest is not None:
        tip_check = _check_tip(newest, tip_hex, scheme, links, max_steps, tally)
    summary, failures = tally.summary(
        scheme.game,
        links=(links.checked, links.ok, links.skipped),
        order=ORDER_NAMES.get(order),
        tip=tip_check,
    )
    return BatchReport(summary, failures)


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
    tip_hex = _check_options(tip, max_gap, max_steps)
    tally = Tally(max_failures)
    results = ResultCounts()
    checked = check_rows(items, scheme, tally, results, progress)
    return _finish(checked, tally, results, scheme, tip_hex, max_gap, max_steps)


def verify_checked(
    parts: Iterable[CheckedPart],
    scheme: CrashScheme,
    *,
    tip: str | None = None,
    max_gap: int = DEFAULT_MAX_GAP,
    max_steps: int = DEFAULT_MAX_STEPS,
    max_failures: int = DEFAULT_MAX_FAILURES,
) -> BatchReport:
    """The same report as :func:`verify_crash_games`, from the parts of a file in file order."""
    tip_hex = _check_options(tip, max_gap, max_steps)
    tally = Tally(max_failures)
    results = ResultCounts()

    def items() -> Iterator[Game | Run | None]:
        for part in parts:
            tally.rows += part.rows
            results.checked += part.results.checked
            results.ok += part.results.ok
            tally.failures_total += part.failures_total
            tally.failed_lines |= part.failed_lines
            tally.failures.extend(part.failures[: max(0, max_failures - len(tally.failures))])
            yield from part.items

    return _finish(items(), tally, results, scheme, tip_hex, max_gap, max_steps)


def _check_tip(
    newest: Game, tip_hex: bytes, scheme: CrashScheme, links: Links, max_steps: int, tally: Tally
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
