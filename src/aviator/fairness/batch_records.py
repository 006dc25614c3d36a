"""What a file of games is made of for the verifier, and what verifying it gives.

A reader (``aviator.files.games``) turns each line into a :class:`GameRow` or, when the line cannot
be read, a :class:`BadRow`; the verifiers (``batch``, ``batch_seeds``) turn them into failures
(line, which check, what differed) and a :class:`BatchReport`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from aviator.fairness.candidates import CandidateVerdict
from aviator.fairness.records import JsonRecord

#: Failures kept in a report (the count goes on past it): a wrong salt fails every row of a file.
DEFAULT_MAX_FAILURES = 10_000


class GameRow(NamedTuple):
    """One game as a file gives it; ``line`` is 1-based in the file (the header being line 1)."""

    line: int
    game_hash: str | None = None
    result: float | None = None
    number: int | None = None
    game_id: str | None = None
    server_seed: str | None = None
    server_hash: str | None = None
    client_seeds: tuple[str, ...] = ()
    combined_hash: str | None = None


class BadRow(NamedTuple):
    """A line that could not be read as a game, and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class RowFailure(JsonRecord):
    """One check that did not hold on one line. ``check`` is one of :data:`CHECKS`."""

    line: int
    check: str
    message: str
    expected: str | None = None
    found: str | None = None


#: Every check a row can fail, in plain words (the CLI and the docs show these).
CHECKS: dict[str, str] = {
    "row": "the line could be read as a game",
    "hash": "the game hash is 64 hexadecimal characters",
    "result": "the result recomputed from the hash with the published formula equals the one recorded",
    "link": "hashing this game's hash with SHA-256 gives the hash of the game before it",
    "tip": "hashing the newest game forward reaches the terminating hash published before play began",
    "seeds": "the row has a server seed and three client seeds to recompute from",
    "commitment": "the SHA-256 of the revealed server seed equals the hash shown before the round",
    "combined_hash": "the SHA-512 of server seed + the three client seeds equals the recorded hash",
}


@dataclass(frozen=True)
class CheckCount(JsonRecord):
    checked: int
    ok: int


@dataclass(frozen=True)
class TipCheck(JsonRecord):
    """The newest game hashed forward towards the published terminating hash (the tip).

    ``steps`` is how many hashings reached it (None: not within ``max_steps``); ``chain_to_tip`` is
    True when it was reached and every link of the file held, so every game in it leads to the tip.
    """

    tip: str
    from_line: int
    game_number: int | None
    max_steps: int
    steps: int | None
    number_matches: bool | None
    chain_to_tip: bool


@dataclass(frozen=True)
class BatchSummary(JsonRecord):
    """``checked`` rows = ``passed`` + ``failed`` + ``not_compared`` (nothing recorded to compare)."""

    game: str
    checked: int
    passed: int
    failed: int
    not_compared: int
    links_checked: int
    links_ok: int
    links_skipped: int
    order: str | None
    checks: dict[str, CheckCount]
    tip: TipCheck | None
    failures_total: int
    first_failure: RowFailure | None


@dataclass(frozen=True)
class BatchReport(JsonRecord):
    summary: BatchSummary
    failures: tuple[RowFailure, ...]
    candidates: tuple[CandidateVerdict, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.summary.failed == 0

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "ok": self.ok}


class Tally:
    """Failures and counts gathered while a file is verified (a failed line is counted once)."""

    def __init__(self, max_failures: int = DEFAULT_MAX_FAILURES) -> None:
        self.max_failures = max_failures
        self.rows = 0
        self.failures: list[RowFailure] = []
        self.failures_total = 0
        self.failed_lines: set[int] = set()
        self.uncompared_lines: list[int] = []
        self.counts: dict[str, list[int]] = {}

    def fail(
        self, line: int, check: str, message: str, expected: str | None = None, found: str | None = None
    ) -> None:
        self.failures_total += 1
        self.failed_lines.add(line)
        if len(self.failures) < self.max_failures:
            self.failures.append(RowFailure(line, check, message, expected, found))

    def count(self, check: str, checked: int, ok: int) -> None:
        counts = self.counts.setdefault(check, [0, 0])
        counts[0] += checked
        counts[1] += ok

    def summary(
        self,
        game: str,
        *,
        links: tuple[int, int, int] = (0, 0, 0),
        order: str | None = None,
        tip: TipCheck | None = None,
    ) -> tuple[BatchSummary, tuple[RowFailure, ...]]:
        failures = tuple(sorted(self.failures, key=lambda failure: failure.line))
        failed = len(self.failed_lines)
        not_compared = len(set(self.uncompared_lines) - self.failed_lines)
        summary = BatchSummary(
            game=game,
            checked=self.rows,
            passed=self.rows - failed - not_compared,
            failed=failed,
            not_compared=not_compared,
            links_checked=links[0],
            links_ok=links[1],
            links_skipped=links[2],
            order=order,
            checks={name: CheckCount(*counts) for name, counts in self.counts.items()},
            tip=tip,
            failures_total=self.failures_total,
            first_failure=failures[0] if failures else None,
        )
        return summary, failures
