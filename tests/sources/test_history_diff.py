"""New rounds from two looks at a newest-first history: repeats, gaps and the ambiguity rule."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from aviator.sources.history_diff import HistoryDiff, HistoryTracker, diff_history


def _visible(rounds: Sequence[float], produced: int, length: int) -> list[float]:
    """What a page showing ``length`` results looks like after ``produced`` rounds (newest first)."""
    return list(reversed(rounds[max(0, produced - length) : produced]))


def _has_periodic_stretch(rounds: Sequence[float], min_overlap: int) -> bool:
    """Whether ``min_overlap`` values in a row equal the ones ``d`` places later, for some ``d``."""
    for distance in range(1, len(rounds)):
        run = 0
        for index in range(len(rounds) - distance):
            run = run + 1 if rounds[index] == rounds[index + distance] else 0
            if run >= min_overlap:
                return True
    return False


@st.composite
def _rounds_with_short_runs(draw: st.DrawFn, max_run: int) -> list[float]:
    """Results with runs of equal values (1.00 1.00 ...) up to ``max_run`` long."""
    values = draw(st.lists(st.integers(100, 400), min_size=1, max_size=40))
    runs = draw(st.lists(st.integers(1, max_run), min_size=len(values), max_size=len(values)))
    return [value / 100 for value, run in zip(values, runs, strict=True) for _ in range(run)]


def _play(rounds: list[float], length: int, start: int, shifts: list[int], min_overlap: int) -> None:
    """Poll a page after each shift; check each look against what really happened."""
    tracker = HistoryTracker(min_overlap)
    assert tracker.update(_visible(rounds, start, length)).new == ()
    produced = start
    for shift in shifts:
        if produced + shift > len(rounds):
            break
        produced += shift
        current = _visible(rounds, produced, length)
        diff = tracker.update(current)
        if shift <= len(current) - min_overlap:
            assert diff == HistoryDiff(tuple(rounds[produced - shift : produced]), diff.overlap, False)
            assert diff.overlap >= min_overlap
        else:
            assert diff.gap
            assert diff.new == tuple(reversed(current))


@given(
    data=st.data(),
    min_overlap=st.integers(2, 4),
    length=st.integers(4, 12),
)
def test_polls_reconstruct_every_round_when_no_stretch_repeats(
    data: st.DataObject, min_overlap: int, length: int
) -> None:
    assume(length >= min_overlap)
    rounds = data.draw(_rounds_with_short_runs(max_run=min_overlap))
    assume(len(rounds) >= min_overlap and not _has_periodic_stretch(rounds, min_overlap))
    start = data.draw(st.integers(min_overlap, len(rounds)))
    shifts = data.draw(st.lists(st.integers(0, length - min_overlap), max_size=60))
    tracker = HistoryTracker(min_overlap)
    tracker.update(_visible(rounds, start, length))
    written: list[float] = []
    produced = start
    for shift in shifts:
        produced = min(len(rounds), produced + shift)
        diff = tracker.update(_visible(rounds, produced, length))
        assert not diff.gap
        written.extend(diff.new)
    assert written == rounds[start:produced]


@given(
    data=st.data(),
    min_overlap=st.integers(2, 4),
    length=st.integers(4, 12),
)
def test_jumps_beyond_the_overlap_are_gaps_with_every_visible_value(
    data: st.DataObject, min_overlap: int, length: int
) -> None:
    assume(length >= min_overlap)
    rounds = data.draw(_rounds_with_short_runs(max_run=min_overlap))
    assume(len(rounds) >= min_overlap and not _has_periodic_stretch(rounds, min_overlap))
    start = data.draw(st.integers(min_overlap, len(rounds)))
    shifts = data.draw(st.lists(st.integers(0, 2 * length), max_size=30))
    _play(rounds, length, start, shifts, min_overlap)


@given(
    rounds=st.lists(st.sampled_from([1.0, 1.0, 1.0, 2.0, 3.5]), min_size=3, max_size=60),
    length=st.integers(3, 10),
    data=st.data(),
)
def test_repetitive_histories_never_invent_rounds(
    rounds: list[float], length: int, data: st.DataObject
) -> None:
    """With any values at all, each look returns the newest of the rounds that really ended."""
    min_overlap = 3
    start = data.draw(st.integers(min_overlap, len(rounds)))
    shifts = data.draw(st.lists(st.integers(0, length - min_overlap), max_size=40))
    tracker = HistoryTracker(min_overlap)
    tracker.update(_visible(rounds, start, length))
    produced = start
    for shift in shifts:
        produced = min(len(rounds), produced + shift)
        truth = rounds[produced - shift : produced] if shift else []
        diff = tracker.update(_visible(rounds, produced, length))
        assert not diff.gap
        assert len(diff.new) <= len(truth)
        assert list(diff.new) == truth[len(truth) - len(diff.new) :]


def test_identical_results_in_a_row_are_separate_rounds() -> None:
    diff = diff_history([2.0, 3.0, 4.0, 5.0, 6.0], [1.0, 1.0, 2.0, 3.0, 4.0])
    assert diff == HistoryDiff(new=(1.0, 1.0), overlap=3, gap=False)
    again = diff_history([1.0, 1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 2.0, 3.0])
    assert again.new == (1.0,)


def test_new_rounds_come_oldest_first() -> None:
    diff = diff_history([5.0, 6.0, 7.0, 8.0, 9.0, 10.0], [3.0, 2.0, 1.5, 5.0, 6.0, 7.0])
    assert diff == HistoryDiff(new=(1.5, 2.0, 3.0), overlap=3, gap=False)


def test_an_unchanged_history_has_no_new_round_even_when_it_repeats() -> None:
    same = [1.0, 1.0, 1.0, 1.0, 1.0]
    assert diff_history(same, same) == HistoryDiff(new=(), overlap=5, gap=False)


def test_a_shift_inside_a_constant_history_is_read_as_none() -> None:
    """The documented limit: a page of one repeated value cannot show that another one came."""
    rounds = [1.0] * 7
    assert diff_history(_visible(rounds, 5, 5), _visible(rounds, 6, 5)).new == ()


def test_no_overlap_is_a_gap_and_every_visible_value_is_new() -> None:
    diff = diff_history([9.0, 8.0, 7.0, 6.0], [4.0, 3.0, 2.0, 1.5])
    assert diff == HistoryDiff(new=(1.5, 2.0, 3.0, 4.0), overlap=0, gap=True)


def test_an_overlap_shorter_than_the_minimum_is_a_gap() -> None:
    # 2.0 3.0 in common only: a jump of 4 or a gap with a coincidence; read as a gap.
    previous, current = [2.0, 3.0, 4.0, 5.0, 6.0, 7.0], [9.0, 8.5, 8.0, 7.5, 2.0, 3.0]
    assert diff_history(previous, current).gap
    assert diff_history(previous, current, min_overlap=2).new == (7.5, 8.0, 8.5, 9.0)


def test_short_histories_need_only_what_they_hold() -> None:
    assert diff_history([2.0], [1.5, 2.0]) == HistoryDiff(new=(1.5,), overlap=1, gap=False)
    assert diff_history([2.0, 3.0], [4.0, 2.0, 3.0]).new == (4.0,)


def test_a_growing_history_and_a_partly_rendered_one() -> None:
    assert diff_history([3.0, 4.0, 5.0], [1.0, 2.0, 3.0, 4.0, 5.0]).new == (2.0, 1.0)
    assert diff_history([3.0, 4.0, 5.0, 6.0], [3.0, 4.0, 5.0]).new == ()
    # Two values cannot show a shift of one against four: too little in common, read as a gap.
    assert diff_history([3.0, 4.0, 5.0, 6.0], [2.0, 3.0]).gap


def test_empty_looks() -> None:
    assert diff_history([1.0, 2.0], []) == HistoryDiff(new=(), overlap=0, gap=False)
    assert diff_history([], [2.0, 1.5]) == HistoryDiff(new=(1.5, 2.0), overlap=0, gap=False)


def test_min_overlap_must_be_positive() -> None:
    with pytest.raises(ValueError, match="min_overlap"):
        diff_history([1.0], [1.0], min_overlap=0)
    with pytest.raises(ValueError, match="min_overlap"):
        HistoryTracker(0)


def test_tracker_takes_the_first_look_as_baseline_and_ignores_empty_looks() -> None:
    tracker = HistoryTracker()
    assert not tracker.started
    assert tracker.update([]).new == ()
    assert tracker.update([3.0, 4.0, 5.0, 6.0, 7.0]).new == ()
    assert tracker.started
    assert tracker.update([]).new == ()  # page reloading: the last history is kept
    assert tracker.update([1.0, 1.0, 3.0, 4.0, 5.0]).new == (1.0, 1.0)
    assert tracker.update([1.0, 1.0, 3.0, 4.0, 5.0]).new == ()
    assert tracker.last == (1.0, 1.0, 3.0, 4.0, 5.0)
