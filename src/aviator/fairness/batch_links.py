"""Chain links between the games of a file, in file order, and the order the file is in.

The link between two games read one after the other holds when hashing the newer game's hash
(SHA-256 of its hex string) gives the older one's. With game numbers the newer is the larger number
and a gap of N numbers takes exactly N hashings; without numbers either may be the newer (the file's
order is reported: newest first, oldest first, or mixed), and k unreadable lines between the two
allow up to k + 1 hashings.

Games that link one to the next arrive as a :class:`Run` (its first, last and highest-numbered game
and how many links held inside it): only the ends of runs, and games that belong to none, need the
pair-by-pair logic of :class:`Links`. Counting a run's links at once gives the report that taking
its pairs one by one would.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from aviator.fairness.batch_records import Tally
from aviator.fairness.fasthash import walk_chain

NEWEST_FIRST, OLDEST_FIRST = 1, 2
ORDER_NAMES = {
    NEWEST_FIRST: "newest first",
    OLDEST_FIRST: "oldest first",
    NEWEST_FIRST | OLDEST_FIRST: "mixed",
}


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


class Run(NamedTuple):
    """Games read one after the other, each linked to the next (``links`` >= 1 of them).

    ``directions``: NEWEST_FIRST and/or OLDEST_FIRST, as the links inside went (0 when numbered);
    ``first_direction`` the first of them; ``top`` the highest-numbered game (None without numbers).
    """

    first: Game
    last: Game
    top: Game | None
    links: int
    directions: int
    first_direction: int


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
    """Links between games, pair by pair, and the directions they went.

    A game whose hash is not in the chain breaks the links on both sides of it; when the games on
    either side chain to each other around it, that game alone is reported.
    """

    def __init__(self, tally: Tally, max_gap: int) -> None:
        self.tally = tally
        self.max_gap = max_gap
        self.checked = 0
        self.ok = 0
        self.skipped = 0
        self.first_direction = 0  # of the first unnumbered link that held
        self.directions = 0
        self.broken: Broken | None = None

    def saw(self, direction: int) -> None:
        self.first_direction = self.first_direction or direction
        self.directions |= direction

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
            return reaches(newer, older, hashings, exactly=True)
        if reaches(first, second, hashings):
            self.saw(NEWEST_FIRST)
            return True
        if reaches(second, first, hashings):
            self.saw(OLDEST_FIRST)
            return True
        return False

    def _failure(
        self, first: Game, second: Game, hashings: int
    ) -> tuple[int, str, str, str | None, str | None]:
        if first.number is not None and second.number is not None:
            newer, older = (first, second) if first.number > second.number else (second, first)
        else:
            newer, older = (second, first) if self.first_direction == OLDEST_FIRST else (first, second)
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


class ChainLinker:
    """Takes games, runs and unreadable rows (None) in file order and checks every link."""

    def __init__(self, links: Links) -> None:
        self.links = links
        self.previous: Game | None = None
        self.previous_compared = True
        self.unreadable_between = 0
        self.first: Game | None = None
        self.top: Game | None = None

    def feed(self, items: Iterable[Game | Run | None]) -> None:
        for item in items:
            if item is None:
                self.unreadable_between += 1
            elif isinstance(item, Run):
                self._pair(item.first)
                self._run(item)
            else:
                self._pair(item)

    def close(self) -> None:
        if self.previous is not None and not self.previous_compared:
            self.links.tally.uncompared_lines.append(self.previous.line)
        self.links.finish()

    def _higher(self, game: Game | None) -> None:
        if game is not None and game.number is not None:
            if self.top is None or game.number > (self.top.number or 0):
                self.top = game

    def _pair(self, game: Game) -> None:
        links, previous = self.links, self.previous
        compared = game.has_result
        if previous is not None:
            # The usual link (the next game number, or the next game without numbers) is checked
            # here; anything else, and a link that does not hold, goes to links.check.
            held = False
            if not self.unreadable_between and links.broken is None:
                number, previous_number = game.number, previous.number
                if number is not None and previous_number is not None:
                    if previous_number - number == 1:
                        held = previous.hashed == game.raw
                    elif number - previous_number == 1:
                        held = game.hashed == previous.raw
            if held:
                links.checked += 1
                links.ok += 1
                compared = self.previous_compared = True
            elif links.check(previous, game, self.unreadable_between):
                compared = self.previous_compared = True
            if not self.previous_compared:
                links.tally.uncompared_lines.append(previous.line)
        self.previous, self.previous_compared, self.unreadable_between = game, compared, 0
        if self.first is None:
            self.first = game
        self._higher(game)

    def _run(self, run: Run) -> None:
        """The run's first game has just been paired; its links inside all held."""
        links = self.links
        if run.first_direction:
            links.saw(run.first_direction)
            links.saw(run.directions)
        links.checked += run.links
        links.ok += run.links
        links.finish()
        self.previous, self.previous_compared = run.last, True
        self._higher(run.top)
