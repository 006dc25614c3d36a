"""Rounds in the store, on SQLite and PostgreSQL: dedupe, seq order, paging, series and counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from aviator.core.rounds import Fairness, Round, key_by_position
from aviator.store.records import RoundRow, prediction_row, round_row
from aviator.store.repository import Store, StreamRecord

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _round(i: int, multiplier: float = 2.0, stream: str = "sim") -> Round:
    return Round(
        stream=stream,
        source=stream,
        round_id=str(i),
        multiplier=multiplier,
        timestamp=T0 + timedelta(seconds=i),
    )


def _row(i: int, multiplier: float) -> RoundRow:
    return round_row(
        key=f"id:{i}", source="import", round_id=str(i), multiplier=multiplier, ts=T0 + timedelta(seconds=i)
    )


MakeStream = Callable[..., StreamRecord]


@pytest.fixture(autouse=True)
def _streams(make_stream: MakeStream) -> None:
    make_stream("sim")
    make_stream("http")


def _id(store: Store, name: str = "sim") -> int:
    record = store.stream(name)
    assert record is not None
    return record.id


def test_add_rounds_assigns_increasing_seq_in_order(store: Store) -> None:
    result = store.add_rounds([_round(1, 1.5), _round(2, 3.0), _round(3, 1.0)])
    assert [r.round_id for r in result.stored] == ["1", "2", "3"]
    seqs = [r.seq for r in result.stored]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    assert [r.stream_seq for r in result.stored] == [1, 2, 3]
    assert result.duplicates == 0
    assert store.last_seq() == seqs[-1]


def test_add_rounds_drops_stored_and_repeated_keys(store: Store) -> None:
    store.add_rounds([_round(1), _round(2)])
    result = store.add_rounds([_round(2), _round(3), _round(3), _round(1)])
    assert [r.round_id for r in result.stored] == ["3"]
    assert result.duplicates == 3
    assert store.count_rounds() == 3
    assert [r.stream_seq for r in store.recent_rounds(_id(store))] == [3, 2, 1]


def test_the_same_key_in_two_streams_is_two_rounds_numbered_in_each(store: Store) -> None:
    store.add_rounds([_round(1), _round(2)])
    other = store.add_rounds([_round(1, stream="http")]).stored
    assert [(r.stream, r.stream_seq) for r in other] == [("http", 1)]
    assert store.count_rounds() == 3
    assert store.count_rounds(_id(store, "http")) == 1


def test_add_rounds_keeps_fairness_and_timestamps(store: Store) -> None:
    fair = Fairness(
        server_seed="s" * 16, server_hash="h" * 64, client_seeds=("a", "b", "c"), combined_hash="c"
    )
    rnd = Round(stream="sim", source="sim", round_id="9", multiplier=12.34, timestamp=T0, fairness=fair)
    stored = store.add_rounds([rnd]).stored[0]
    back = store.get_round(_id(store), stored.stream_seq)
    assert back is not None
    assert back.fairness == fair
    assert back.timestamp == T0 and back.timestamp.tzinfo is not None
    assert back.multiplier == 12.34 and back.key == "id:9"
    assert store.get_round(_id(store), stored.stream_seq + 100) is None


def test_add_rows_counts_only_new_rows(store: Store, make_stream: MakeStream) -> None:
    stream = make_stream("import")
    assert store.add_rows(stream, []) == 0
    assert store.add_rows(stream, [_row(i, 1.0 + i / 100) for i in range(50)]) == 50
    assert store.add_rows(stream, [_row(i, 1.0 + i / 100) for i in range(40, 60)]) == 10
    assert store.count_rounds() == 60
    newest = store.recent_rounds(stream.id, 1)[0]
    assert newest.round_id == "59" and newest.timestamp == T0 + timedelta(seconds=59)
    assert newest.stream_seq == 60


def test_add_rows_takes_utc_text_timestamps(store: Store, make_stream: MakeStream) -> None:
    stream = make_stream("import")
    rows = [
        RoundRow(key_by_position("f", 2), "import", None, 1.0, "2026-01-01 12:00:01", None, None, None, None)
    ]
    assert store.add_rows(stream, rows) == 1
    assert store.recent_rounds(stream.id)[0].timestamp == T0 + timedelta(seconds=1)


def test_recent_rounds_pages_back_newest_first(store: Store) -> None:
    store.add_rounds([_round(i, 1.0 + i) for i in range(10)])
    first = store.recent_rounds(_id(store), 4)
    assert [r.round_id for r in first] == ["9", "8", "7", "6"]
    second = store.recent_rounds(_id(store), 4, before_stream_seq=first[-1].stream_seq)
    assert [r.round_id for r in second] == ["5", "4", "3", "2"]
    last = store.recent_rounds(_id(store), 4, before_stream_seq=second[-1].stream_seq)
    assert [r.round_id for r in last] == ["1", "0"]


def test_rounds_after_is_oldest_first_and_limited(store: Store) -> None:
    stored = store.add_rounds([_round(i) for i in range(6)]).stored
    after = store.rounds_after(stored[1].seq, limit=3)
    assert [r.round_id for r in after] == ["2", "3", "4"]
    assert store.rounds_after(stored[-1].seq) == []


def test_iter_rounds_gives_every_round_of_a_stream_in_batches(store: Store) -> None:
    store.add_rounds([_round(i) for i in range(7)])
    store.add_rounds([_round(100, stream="http")])
    chunks = list(store.iter_rounds(_id(store), batch=3))
    assert [len(c) for c in chunks] == [3, 3, 1]
    assert [r.round_id for c in chunks for r in c] == [str(i) for i in range(7)]


def test_multipliers_and_counts(store: Store) -> None:
    stored = store.add_rounds([_round(i, 1.0 + i) for i in range(5)]).stored
    sim = _id(store)
    np.testing.assert_allclose(store.multipliers(sim), [1.0, 2.0, 3.0, 4.0, 5.0])
    np.testing.assert_allclose(store.multipliers(sim, last=2), [4.0, 5.0])
    np.testing.assert_allclose(store.multipliers(sim, up_to_seq=stored[2].seq), [1.0, 2.0, 3.0])
    assert store.count_rounds() == 5
    assert store.count_rounds(after_seq=stored[1].seq) == 3
    stats = store.round_statistics(sim)
    assert stats["count"] == 5 and stats["mean"] == 3.0 and stats["median"] == 3.0


def test_empty_store_answers(store: Store) -> None:
    assert store.last_seq() == 0
    assert store.count_rounds() == 0
    assert store.multipliers(_id(store)).size == 0
    assert store.recent_rounds(_id(store)) == []
    assert store.round_statistics(_id(store))["count"] == 0
    assert store.latest_round_ids(_id(store)) == []


def test_latest_round_ids_newest_first_per_stream(store: Store) -> None:
    store.add_rounds([_round(i) for i in range(1, 4)])
    store.add_rounds([_round(100, stream="http")])
    assert store.latest_round_ids(_id(store), last=2) == ["3", "2"]
    assert store.latest_round_ids(_id(store, "http")) == ["100"]


def test_a_round_of_a_stream_that_does_not_exist_is_refused(store: Store) -> None:
    with pytest.raises(KeyError, match="does not exist"):
        store.add_rounds([_round(1, stream="nowhere")])


def test_stream_spans_and_rtp(store: Store) -> None:
    stored = store.add_rounds([_round(i) for i in range(3)]).stored
    spans = store.stream_spans(stored[-1].seq)
    assert _id(store, "http") not in spans
    assert spans[_id(store)] == (T0, T0 + timedelta(seconds=2))
    assert store.stream_spans(stored[0].seq, _id(store)) == {_id(store): (T0, T0)}
    store.set_stream_rtp(_id(store), 0.99)
    record = store.stream("sim")
    assert record is not None and record.rtp == 0.99


def test_predictions_insert_and_ignore_repeats(store: Store) -> None:
    seq = store.add_rounds([_round(1, 2.5)]).stored[0].seq
    row = prediction_row(
        model="house",
        stream_id=_id(store),
        round_seq=seq,
        made_at=T0,
        target=2.0,
        median=1.9,
        p_target=0.485,
        thresholds={"2.0": 0.485},
        actual=2.5,
        hit=True,
        log_score=-0.72,
        scores={"brier": 0.2},
    )
    store.add_predictions([row, {**row, "model": "empirical", "hit": False}])
    store.add_predictions([{**row, "median": 99.0}])
    store.add_predictions([])
    found = store.recent_predictions(_id(store))
    assert len(found) == 2
    house = next(p for p in found if p["model"] == "house")
    assert house["median"] == 1.9 and house["hit"] is True
    assert house["thresholds"] == {"2.0": 0.485} and house["scores"] == {"brier": 0.2}
    assert datetime.fromisoformat(house["made_at"]) == T0
    assert [p["model"] for p in store.recent_predictions(_id(store), model="empirical")] == ["empirical"]
    assert store.count_predictions(_id(store)) == 2 and store.recent_predictions(_id(store, "http")) == []


def test_concurrent_writers_store_each_round_once(store: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def write(_worker: int) -> int:
        stored = 0
        for start in range(0, 40, 4):
            # Every worker writes the same ids: only one copy of each may be stored.
            stored += len(store.add_rounds([_round(i) for i in range(start, start + 4)]).stored)
        return stored

    with ThreadPoolExecutor(4) as pool:
        counts = list(pool.map(write, range(4)))
    assert sum(counts) == 40
    assert store.count_rounds() == 40
    rounds = store.rounds_after(0)
    seqs = [r.seq for r in rounds]
    assert seqs == sorted(seqs) and len(set(seqs)) == 40
    assert sorted(r.stream_seq for r in rounds) == list(range(1, 41))
