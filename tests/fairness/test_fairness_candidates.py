"""Each candidate mapping computes what its source describes; statuses never overstate a match."""

from __future__ import annotations

import hashlib
import math

from aviator.fairness import last8_scheme, simulated_multiplier
from aviator.fairness.candidates import (
    CANDIDATES,
    CONFIRM_MIN_ROUNDS,
    CandidateTally,
    match_candidates,
    status_for,
)

HASHES = [hashlib.sha512(f"candidate {i}".encode()).hexdigest() for i in range(2000)]
BY_NAME = {candidate.name: candidate for candidate in CANDIDATES}


def test_candidates_agree_with_the_formulas_they_name() -> None:
    for h in HASHES:
        assert BY_NAME["first13-floor-rtp97"].cents(h) == round(simulated_multiplier(h, 0.97) * 100)
        assert BY_NAME["first13-floor-rtp99"].cents(h) == round(simulated_multiplier(h, 0.99) * 100)
        assert BY_NAME["last8-rtp97"].cents(h) == round(last8_scheme(h, 0.97).result * 100)
        stake = math.floor(100 * max(1, 2**32 / (int(h[:8], 16) + 1) * 0.99))
        assert BY_NAME["first8-rtp99"].cents(h) == stake


def test_instant_crash_candidates_crash_at_their_rate() -> None:
    for name, modulus in (("instant-1in101-then-ratio", 101), ("instant-1in33-then-ratio", 33)):
        instant = [h for h in HASHES if int(h, 16) % modulus == 0]
        assert instant and all(BY_NAME[name].cents(h) == 100 for h in instant)
        assert 0.5 / modulus < len(instant) / len(HASHES) < 2 / modulus


def test_every_candidate_names_a_source_and_a_formula() -> None:
    assert len({c.name for c in CANDIDATES}) == len(CANDIDATES) >= 6
    for candidate in CANDIDATES:
        assert candidate.source and "=" in candidate.formula
        assert "the formula" not in candidate.source.lower()


def test_statuses() -> None:
    assert status_for(0, 0) == "not tested"
    assert status_for(5, 4) == "not matching"
    assert (
        status_for(CONFIRM_MIN_ROUNDS - 1, CONFIRM_MIN_ROUNDS - 1) == "matches all given, too few to confirm"
    )
    assert status_for(CONFIRM_MIN_ROUNDS, CONFIRM_MIN_ROUNDS) == "confirmed"


def test_one_mismatch_is_enough_to_refute() -> None:
    tally = CandidateTally()
    for line, h in enumerate(HASHES[:10], start=2):
        tally.add(line, h, simulated_multiplier(h, 0.97))
    tally.add(12, HASHES[10], simulated_multiplier(HASHES[10], 0.97) + 0.01)
    verdict = {v.name: v for v in tally.verdicts()}["first13-floor-rtp97"]
    assert (verdict.rounds, verdict.matched, verdict.status, verdict.first_mismatch_line) == (
        11,
        10,
        "not matching",
        12,
    )
    matches = match_candidates(HASHES[0], simulated_multiplier(HASHES[0], 0.97))
    assert [m.name for m in matches if m.matches][:1] == ["first13-floor-rtp97"]
