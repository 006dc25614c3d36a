"""Files of rounds with seeds: the simulator's verify row by row; Aviator's test the candidate mappings."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from aviator.fairness import simulate_round
from aviator.fairness.batch_records import BadRow, GameRow
from aviator.fairness.batch_seeds import verify_seeded_rounds
from aviator.fairness.simulator import SimulatedRound

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "data" / "fairness_vectors.json").read_text(encoding="utf-8")
)
REAL = next(v for v in VECTORS["aviator_spribe"] if v["kind"] == "combined_hash")


def _row(line: int, played: SimulatedRound, **changes: Any) -> GameRow:
    row = GameRow(
        line=line,
        result=played.multiplier,
        server_seed=played.server_seed,
        server_hash=played.server_hash,
        client_seeds=played.client_seeds,
        combined_hash=played.combined_hash,
    )
    return row._replace(**changes)


def _rounds(count: int, rtp: float = 0.97, seed: int = 5) -> list[SimulatedRound]:
    rng = random.Random(seed)
    return [simulate_round(rtp, rng) for _ in range(count)]


@pytest.mark.parametrize("count", [1, 10, 400])
def test_simulated_rounds_verify_row_by_row(count: int) -> None:
    report = verify_seeded_rounds([_row(i + 2, r) for i, r in enumerate(_rounds(count))], "simulator")
    assert report.ok and report.summary.passed == count
    for check in ("commitment", "combined_hash", "result"):
        assert report.summary.checks[check].checked == report.summary.checks[check].ok == count
    assert report.candidates == ()


def test_each_altered_field_fails_its_own_check_on_its_line() -> None:
    played = _rounds(6)
    items: list[GameRow | BadRow] = [_row(i + 2, r) for i, r in enumerate(played)]
    items[1] = _row(3, played[1], result=played[1].multiplier + 0.01)
    items[2] = _row(4, played[2], server_hash="0" * 64)
    items[3] = _row(5, played[3], combined_hash=played[3].combined_hash.upper())  # case does not matter
    items[4] = _row(6, played[4], client_seeds=played[4].client_seeds[::-1])
    items[5] = BadRow(7, "expected 9 columns, found 4")
    report = verify_seeded_rounds(items, "simulator")
    assert [(f.line, f.check) for f in report.failures] == [
        (3, "result"),
        (4, "commitment"),
        (6, "combined_hash"),
        (6, "result"),
        (7, "row"),
    ]
    assert report.summary.failed == 4 and report.summary.passed == 2


def test_a_lower_return_or_a_cap_fails_exactly_the_rounds_it_changes() -> None:
    played, fair = _rounds(600, rtp=0.95), _rounds(600)  # the same seeds, two returns
    report = verify_seeded_rounds([_row(i + 2, r) for i, r in enumerate(played)], "simulator", rtp=0.97)
    changed = {
        i + 2
        for i, (low, full) in enumerate(zip(played, fair, strict=True))
        if low.multiplier != full.multiplier
    }
    assert {f.line for f in report.failures} == changed and len(changed) > 400
    capped = [_row(i + 2, r, result=min(r.multiplier, 5.0)) for i, r in enumerate(fair)]
    expected = {i + 2 for i, r in enumerate(fair) if r.multiplier > 5.0}
    assert {f.line for f in verify_seeded_rounds(capped, "simulator").failures} == expected


def test_rows_without_seeds_fail_and_rows_with_nothing_recorded_are_not_compared() -> None:
    played = _rounds(2)
    items: list[GameRow | BadRow] = [
        GameRow(2, result=1.5),
        _row(3, played[0], client_seeds=played[0].client_seeds[:2]),
        _row(4, played[1], server_hash=None, combined_hash=None, result=None),
    ]
    report = verify_seeded_rounds(items, "simulator")
    assert [(f.line, f.check) for f in report.failures] == [(2, "seeds"), (3, "seeds")]
    assert "no server seed" in report.failures[0].message
    assert "2 client seed(s)" in report.failures[1].message
    assert (report.summary.failed, report.summary.not_compared, report.summary.passed) == (2, 1, 0)


def test_the_real_aviator_round_matches_no_candidate() -> None:
    real = GameRow(
        line=2,
        result=REAL["reported_result"],
        server_seed=REAL["server_seed"],
        client_seeds=tuple(REAL["client_seeds"]),
        combined_hash=REAL["expected_sha512"],
    )
    report = verify_seeded_rounds([real], "aviator")
    assert report.ok and report.summary.checks["combined_hash"].ok == 1
    assert report.candidates and all(v.status == "not matching" for v in report.candidates)
    assert all((v.rounds, v.matched, v.first_mismatch_line) == (1, 0, 2) for v in report.candidates)
    assert any("does not publish" in note for note in report.notes)


def test_simulated_rounds_confirm_only_the_simulators_mapping_and_only_with_enough_rounds() -> None:
    played = _rounds(40)
    many = verify_seeded_rounds([_row(i + 2, r) for i, r in enumerate(played)], "aviator")
    statuses = {v.name: v.status for v in many.candidates}
    assert statuses.pop("first13-floor-rtp97") == "confirmed"
    assert set(statuses.values()) == {"not matching"}
    few = verify_seeded_rounds([_row(i + 2, r) for i, r in enumerate(played[:2])], "aviator")
    assert {v.name: v.status for v in few.candidates}["first13-floor-rtp97"] == (
        "matches all given, too few to confirm"
    )


def test_unknown_game_or_return_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown game"):
        verify_seeded_rounds([], "bustabit")
    with pytest.raises(ValueError, match="rtp"):
        verify_seeded_rounds([], "simulator", rtp=1.5)


def test_a_thinned_tail_and_reordered_results_fail_on_exactly_the_rows_they_touch() -> None:
    fair = _rounds(800, seed=11)
    rng = random.Random(3)
    thinned = [
        _row(i + 2, r, result=1.5) if r.multiplier > 10 and rng.random() < 0.5 else _row(i + 2, r)
        for i, r in enumerate(fair)
    ]
    touched = {row.line for row, r in zip(thinned, fair, strict=True) if row.result != r.multiplier}
    report = verify_seeded_rounds(thinned, "simulator")
    assert {f.line for f in report.failures} == touched and len(touched) > 10
    # Dependence between rounds needs results moved between rounds: the law of each round is kept,
    # and every moved row fails, whatever the pattern (here: each pair sorted, low then high).
    pairs = [sorted(fair[i : i + 2], key=lambda r: r.multiplier) for i in range(0, 800, 2)]
    moved = [
        _row(i + 2, r, result=result)
        for i, (r, result) in enumerate(
            zip(fair, [r.multiplier for pair in pairs for r in pair], strict=True)
        )
    ]
    expected = {row.line for row, r in zip(moved, fair, strict=True) if row.result != r.multiplier}
    assert {f.line for f in verify_seeded_rounds(moved, "simulator").failures} == expected
    assert len(expected) > 300
