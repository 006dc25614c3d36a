"""Candidate hash-to-multiplier mappings for Spribe Aviator, as found in public sources, to test.

Spribe publishes how a round's combined SHA-512 hash is formed, not how that hash becomes the
multiplier. The mappings below are what public pages and code use or claim for crash games; each is
applied to the combined hash (the hash Spribe's window shows) and reported as matching a recorded
result or not. None is Spribe's formula: a candidate is "confirmed" only when it reproduces every
recorded real round given, and at least :data:`CONFIRM_MIN_ROUNDS` of them (one round can match by
chance: about 3 % of rounds are 1.00 under most mappings). On the one real round in the published
vectors (result 78.36) none matches.

Left out on purpose: constants fitted to a posted round (a reply to that round's post divides its
decimal by 36199855, which gives 78.36 for that round by construction and is no evidence at all).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from aviator.fairness.records import JsonRecord

CONFIRM_MIN_ROUNDS = 3
_TWO_52 = 2**52
_TWO_32 = 2**32
_MAX_U32 = 4294967295


@dataclass(frozen=True)
class Candidate:
    """A public mapping: ``cents(hash_hex)`` is its result in cents, or None where it is undefined."""

    name: str
    formula: str
    source: str
    cents: Callable[[str], int | None]


def _first13(numerator: int) -> Callable[[str], int | None]:
    def cents(hash_hex: str) -> int | None:
        x = int(hash_hex[:13], 16) / _TWO_52
        return max(100, math.floor(numerator / (1 - x)))

    return cents


def _instant_then_ratio(modulus: int) -> Callable[[str], int | None]:
    def cents(hash_hex: str) -> int | None:
        if int(hash_hex, 16) % modulus == 0:
            return 100  # "crashes instantly": shown as 1.00
        h = int(hash_hex[:13], 16)
        return max(100, math.floor((100 * _TWO_52 - h) / (_TWO_52 - h)))

    return cents


def _first8(rtp: float) -> Callable[[str], int | None]:
    def cents(hash_hex: str) -> int | None:
        i = int(hash_hex[:8], 16)
        return math.floor(max(1.0, _TWO_32 / (i + 1) * rtp) * 100)

    return cents


def _last8(hash_hex: str) -> int | None:
    decimal = int(hash_hex[-8:], 16)
    if decimal == 0:
        return None
    return max(100, math.floor(_MAX_U32 * 0.97 / decimal * 100))


def _first3(hash_hex: str) -> int | None:
    x = int(hash_hex[:3], 16) / 4096
    return max(100, math.floor(0.99 / (1 - x) * 100))


CANDIDATES: tuple[Candidate, ...] = (
    Candidate(
        "first13-floor-rtp97",
        "X = int(hash[:13], 16) / 2^52; M = max(1, floor(97 / (1 - X)) / 100)",
        "bustabit v2's published mapping (github bustabit/verifier) at Aviator's stated 97 % return; "
        "the form public Aviator-style clones use (a 13-hex 'MultiplierGenerator'), and this "
        "project's simulator",
        _first13(97),
    ),
    Candidate(
        "first13-floor-rtp99",
        "X = int(hash[:13], 16) / 2^52; M = max(1, floor(99 / (1 - X)) / 100)",
        "bustabit v2 (github bustabit/verifier); BC.Game's crash fairness page (99 / (1 - X))",
        _first13(99),
    ),
    Candidate(
        "instant-1in101-then-ratio",
        "h = int(hash[:13], 16); M = 1.00 if int(hash, 16) % 101 == 0, "
        "else floor((100 * 2^52 - h) / (2^52 - h)) / 100",
        "bustabit v1's crashPointFromHash, in public copies of its script (e.g. github "
        "neticulis/2017-Bot-Things gamecrashes.js)",
        _instant_then_ratio(101),
    ),
    Candidate(
        "instant-1in33-then-ratio",
        "h = int(hash[:13], 16); M = 1.00 if int(hash, 16) % 33 == 0, "
        "else floor((100 * 2^52 - h) / (2^52 - h)) / 100",
        "Roobet's published crash algorithm (public copy: github ntan25/CodeDump roobet_crash.py); "
        "the 1-in-33 instant crash is a 3 % edge, Aviator's stated one",
        _instant_then_ratio(33),
    ),
    Candidate(
        "first8-rtp99",
        "i = int(hash[:8], 16); M = floor(100 * max(1, 2^32 / (i + 1) * 0.99)) / 100",
        "Stake's crash seeding event (bitcointalk topic 5162888; github lucasholder/fair crash.rs)",
        _first8(0.99),
    ),
    Candidate(
        "first8-rtp97",
        "i = int(hash[:8], 16); M = floor(100 * max(1, 2^32 / (i + 1) * 0.97)) / 100",
        "Stake's crash formula (bitcointalk topic 5162888) at Aviator's stated 97 % return",
        _first8(0.97),
    ),
    Candidate(
        "last8-rtp97",
        "d = int(hash[-8:], 16); M = max(1, floor(4294967295 * 0.97 / d * 100) / 100)",
        "a third-party crash-game UI's provably-fair text (public GitHub React file; provider "
        "unconfirmed; see tests/data/fairness_vectors.json)",
        _last8,
    ),
    Candidate(
        "first3-rtp99",
        "x = int(hash[:3], 16) / 4096; M = max(1, floor(100 * 0.99 / (1 - x)) / 100)",
        "crashgamegambling.com, 'Aviator crash game: how it works' (2026-02-11), which presents it "
        "as Spribe's",
        _first3,
    ),
)


@dataclass(frozen=True)
class CandidateMatch(JsonRecord):
    """One candidate on one round: what it gives and whether that is the recorded result."""

    name: str
    formula: str
    source: str
    computed: float | None
    matches: bool


@dataclass(frozen=True)
class CandidateVerdict(JsonRecord):
    """One candidate over every recorded round given: ``matched`` of ``rounds``, and the status.

    ``status``: ``confirmed`` (all of at least CONFIRM_MIN_ROUNDS rounds), ``matches all given, too few
    to confirm``, ``not matching`` (at least one round differs), or ``not tested`` (no rounds).
    """

    name: str
    formula: str
    source: str
    rounds: int
    matched: int
    status: str
    first_mismatch_line: int | None


def _same_cents(cents: int | None, recorded: float) -> bool:
    return cents is not None and cents == round(recorded * 100)


def match_candidates(combined_hash: str, recorded: float) -> tuple[CandidateMatch, ...]:
    """Every candidate applied to ``combined_hash`` (128 lower-case hex) against ``recorded``."""
    matches = []
    for candidate in CANDIDATES:
        cents = candidate.cents(combined_hash)
        matches.append(
            CandidateMatch(
                candidate.name,
                candidate.formula,
                candidate.source,
                None if cents is None else cents / 100,
                _same_cents(cents, recorded),
            )
        )
    return tuple(matches)


def status_for(rounds: int, matched: int) -> str:
    if rounds == 0:
        return "not tested"
    if matched < rounds:
        return "not matching"
    if rounds < CONFIRM_MIN_ROUNDS:
        return "matches all given, too few to confirm"
    return "confirmed"


class CandidateTally:
    """Counts, per candidate, the recorded rounds it reproduces."""

    def __init__(self) -> None:
        self.rounds = 0
        self.matched = [0] * len(CANDIDATES)
        self.first_mismatch: list[int | None] = [None] * len(CANDIDATES)

    def add(self, line: int, combined_hash: str, recorded: float) -> None:
        self.rounds += 1
        for index, candidate in enumerate(CANDIDATES):
            if _same_cents(candidate.cents(combined_hash), recorded):
                self.matched[index] += 1
            elif self.first_mismatch[index] is None:
                self.first_mismatch[index] = line

    def verdicts(self) -> tuple[CandidateVerdict, ...]:
        return tuple(
            CandidateVerdict(
                candidate.name,
                candidate.formula,
                candidate.source,
                self.rounds,
                matched,
                status_for(self.rounds, matched),
                first_mismatch,
            )
            for candidate, matched, first_mismatch in zip(
                CANDIDATES, self.matched, self.first_mismatch, strict=True
            )
        )
