"""The running state: built at once or round by round it is the same, it survives JSON, bad input is named."""

from __future__ import annotations

import json

import numpy as np
import pytest

from aviator.audit.codec import from_state, to_state
from aviator.audit.state import AuditState
from aviator.fairness.planted import Plant, planted_rounds


def _same(a: AuditState, b: AuditState) -> None:
    assert a.rounds == b.rounds
    assert np.array_equal(a.hist, b.hist) and np.array_equal(a.pit_cells, b.pit_cells)
    assert np.array_equal(a.transitions, b.transitions)
    assert (a.highs, a.runs, a.max_cents, a.last_cents) == (b.highs, b.runs, b.max_cents, b.last_cents)
    assert (a.streak_high, a.streak_length) == (b.streak_high, b.streak_length)
    assert a.streaks_high == b.streaks_high and a.streaks_low == b.streaks_low
    assert a.sum_y == pytest.approx(b.sum_y, abs=1e-9) and a.sum_y2 == pytest.approx(b.sum_y2, rel=1e-12)
    assert np.allclose(a.lag_products, b.lag_products, rtol=1e-9, atol=1e-9)
    assert a.head == pytest.approx(b.head) and list(a.recent) == pytest.approx(list(b.recent))
    for x, y in zip([*a.blocks, a.crash_blocks], [*b.blocks, b.crash_blocks], strict=True):
        assert (x.size, x.blocks, x.partial_count) == (y.size, y.blocks, y.partial_count)
        assert x.sum_block_squares == pytest.approx(y.sum_block_squares, rel=1e-9, abs=1e-9)
    assert a.generator.random() == b.generator.random()  # the next round gets the same V


def test_the_state_built_at_once_is_the_state_built_round_by_round() -> None:
    rounds = planted_rounds(2_500, Plant("lag", 0.2), seed=5)
    one_by_one = AuditState(rtp=0.97)
    for m in rounds:
        one_by_one.add(float(m))
    _same(AuditState.from_rounds(rounds, 0.97), one_by_one)


def test_a_streak_and_a_block_in_progress_are_counted_only_when_done() -> None:
    state = AuditState.from_rounds([3.0, 2.5, 1.2, 1.0, 1.4, 7.0], 0.97)
    assert state.runs == 3 and state.highs == 3
    assert state.streaks_high == {2: 1} and state.streaks_low == {3: 1}  # the last streak (7.0) goes on
    assert (state.streak_high, state.streak_length) == (True, 1)
    assert state.blocks[0].blocks == 0 and state.blocks[0].partial_count == 6
    assert state.transitions[1].tolist() == [2, 1, 1, 1]  # at 2x: low-low, low-high, high-low, high-high


def test_the_state_survives_json_and_goes_on_as_if_never_saved() -> None:
    rounds = planted_rounds(3_000, Plant("fair"), seed=6)
    saved = AuditState.from_rounds(rounds[:1_700], 0.97)
    restored = from_state(json.loads(json.dumps(to_state(saved))))
    for m in rounds[1_700:]:
        restored.add(float(m))
    _same(restored, AuditState.from_rounds(rounds, 0.97))


def test_a_bad_round_is_refused_with_its_value() -> None:
    state = AuditState(rtp=0.97)
    with pytest.raises(ValueError, match=r"0\.99 is not a crash multiplier"):
        state.add(0.99)
    with pytest.raises(ValueError, match="return to player must be within"):
        AuditState(rtp=1.2)
    assert state.rounds == 0


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.pop("hist"), "hist is missing"),
        (lambda s: s.update(version=99), "version 99"),
        (lambda s: s.update(hist="not base64!"), "hist is not base64"),
        (lambda s: s.update(rounds=s["rounds"] + 1), "must each count every round"),
        (lambda s: s.update(transitions=[[0, 0, 0, 0]] * 5), "transitions must count every pair"),
        (lambda s: s.update(blocks=[]), "blocks must be of sizes"),
    ],
)
def test_a_damaged_state_is_refused_naming_the_field(edit: object, message: str) -> None:
    data = to_state(AuditState.from_rounds(planted_rounds(600, Plant("fair"), seed=7), 0.97))
    assert callable(edit)
    edit(data)
    with pytest.raises(ValueError, match=message):
        from_state(data)
