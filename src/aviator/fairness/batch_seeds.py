"""Verify a file of rounds with revealed seeds: Spribe Aviator's, or this project's simulator's.

For each round with a server seed and three client seeds: the SHA-256 commitment (when the server
hash is recorded), the combined SHA-512 hash (when recorded) and, for the simulator, the multiplier
from its published mapping at return to player ``rtp``. Spribe's own mapping is unpublished, so an
Aviator round's result is never "verified": the recorded results instead test the public candidate
mappings (:mod:`aviator.fairness.candidates`), each reported as matching or not.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from aviator.fairness.aviator_spribe import AVIATOR_NOTE, CLIENT_SEED_COUNT
from aviator.fairness.batch_records import DEFAULT_MAX_FAILURES, BadRow, BatchReport, GameRow, Tally
from aviator.fairness.bustabit import floor_mapping
from aviator.fairness.candidates import CandidateTally
from aviator.fairness.simulator import DEFAULT_RTP

SEEDED_GAMES = ("aviator", "simulator")
PROGRESS_EVERY = 1 << 14
CANDIDATES_NOTE = (
    "The recorded results were tested against public candidate mappings; a candidate that matches "
    "is not Spribe's formula, which Spribe does not publish."
)


class _Counts:
    def __init__(self) -> None:
        self.values: dict[str, list[int]] = {"commitment": [0, 0], "combined_hash": [0, 0], "result": [0, 0]}

    def add(self, check: str, ok: bool) -> None:
        self.values[check][0] += 1
        self.values[check][1] += int(ok)


def _check_round(row: GameRow, game: str, rtp: float, tally: Tally, counts: _Counts) -> str | None:
    """The row's checks; returns the combined hash to test candidates with (None if there is none)."""
    line, seed, seeds = row.line, row.server_seed, row.client_seeds
    recorded_combined = row.combined_hash.strip().lower() if row.combined_hash else None
    if not seed or len(seeds) != CLIENT_SEED_COUNT:
        found = "no server seed" if not seed else f"{len(seeds)} client seed(s)"
        tally.fail(
            line, "seeds", f"{found}: a round needs a server seed and {CLIENT_SEED_COUNT} client seeds"
        )
        return recorded_combined if recorded_combined and len(recorded_combined) == 128 else None
    compared = False
    if row.server_hash:
        commitment = hashlib.sha256(seed.encode("utf-8")).hexdigest()
        ok = commitment == row.server_hash.strip().lower()
        counts.add("commitment", ok)
        compared = True
        if not ok:
            message = "the SHA-256 of the revealed server seed is not the server hash shown before the round"
            tally.fail(line, "commitment", message, commitment, row.server_hash)
    combined = hashlib.sha512((seed + "".join(seeds)).encode("utf-8")).hexdigest()
    if recorded_combined is not None:
        ok = combined == recorded_combined
        counts.add("combined_hash", ok)
        compared = True
        if not ok:
            message = "the SHA-512 of server seed + client seeds 1, 2, 3 is not the recorded combined hash"
            tally.fail(line, "combined_hash", message, combined, row.combined_hash)
    if game == "simulator" and row.result is not None:
        computed = floor_mapping(combined[:13], 100 * rtp)
        ok = round(computed * 100) == round(row.result * 100)
        counts.add("result", ok)
        compared = True
        if not ok:
            message = (
                f"recorded result {row.result:.2f}, "
                f"the simulator's mapping at RTP {rtp:g} gives {computed:.2f}"
            )
            tally.fail(line, "result", message, f"{computed:.2f}", f"{row.result:.2f}")
    if not compared:
        tally.uncompared_lines.append(line)
    return combined


def verify_seeded_rounds(
    items: Iterable[GameRow | BadRow],
    game: str,
    *,
    rtp: float = DEFAULT_RTP,
    max_failures: int = DEFAULT_MAX_FAILURES,
    progress: Callable[[int], None] | None = None,
) -> BatchReport:
    """Verify every round of a file (see the module docstring)."""
    if game not in SEEDED_GAMES:
        raise ValueError(f"unknown game {game!r}; one of: {', '.join(SEEDED_GAMES)}")
    if not 0 < rtp <= 1:
        raise ValueError(f"rtp must be in (0, 1], got {rtp}")
    tally = Tally(max_failures)
    counts = _Counts()
    candidates = CandidateTally()
    for item in items:
        tally.rows += 1
        if progress is not None and tally.rows % PROGRESS_EVERY == 0:
            progress(tally.rows)
        if isinstance(item, BadRow):
            tally.fail(item.line, "row", item.reason)
            continue
        combined = _check_round(item, game, rtp, tally, counts)
        if game == "aviator" and combined is not None and item.result is not None:
            candidates.add(item.line, combined, item.result)
    for check, (checked, ok) in counts.values.items():
        if checked:
            tally.count(check, checked, ok)
    summary, failures = tally.summary(game)
    if game == "simulator":
        return BatchReport(summary, failures)
    notes = (AVIATOR_NOTE, CANDIDATES_NOTE) if candidates.rounds else (AVIATOR_NOTE,)
    return BatchReport(summary, failures, candidates.verdicts(), notes)
