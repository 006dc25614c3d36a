"""Rounds in the store, on SQLite and PostgreSQL: dedupe, seq order, paging, series and counts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from aviator.core.rounds import Fairness, Round
from aviator.store.repository import Store

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def _round(i: int, multiplier: float = 2.0, source: str = "sim") -> Round:
    return Round(source=source, round_id=str(i), multiplier=multiplier, timestamp=T0 + timedelta(seconds=i))


def _row(i: int, multiplier: float) -> dict[str, Any]:
    r = _round(i, multiplier, source="import")
    return {
        "key": r.key,
        "source": r.source,
        "round_id": r.round_id,
        "multiplier": r.multiplier,
        "ts": r.timestamp,
        "server_seed": None,
        "server_hash": None,
        "client_seeds": None,
        "combined_hash": None,
    }


def test_add_rounds_assigns_increasing_seq_in_order(store: Store) -> None:
    result = store.add_rounds([_round(1, 1.5), _round(2, 3.0), _round(3, 1.0)])
    assert [r.round_id for r in result.stored] == ["1", "2", "3"]
    seqs = [r.seq for r in result.stored]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    assert result.duplicates == 0
    assert store.last_seq() == seqs[-1]


def test_add_rounds_drops_stored_and_repeated_keys(store: Store) -> None:
    store.add_rounds([_round(1), _round(2)])
    result = store.add_rounds([_round(2), _round(3), _round(3), _round(1)])
    assert [r.round_id for r in result.stored] == ["3"]
    assert result.duplicates == 3
    assert store.count_rounds() == 3


def test_add_rounds_keeps_fairness_and_timestamps(store: Store) -> None:
    fair = Fairness(
        server_seed="s" * 16, server_hash="h" * 64, client_seeds=("a", "b", "c"), combined_hash="c"
    )
    rnd = Round(source="sim", round_id="9", multiplier=12.34, timestamp=T0, fairness=fair)
    seq = store.add_rounds([rnd]).stored[0].seq
    back = store.get_round(seq)
    assert back is not None
    assert back.fairness == fair
    assert back.timestamp == T0 and back.timestamp.tzinfo is not None
    assert back.multiplier == 12.34
    assert store.get_round(seq + 100) is None


def test_bulk_add_counts_only_new_rows(store: Store) -> None:
    assert store.bulk_add([]) == 0
    assert store.bulk_add([_row(i, 1.0 + i / 100) for i in range(50)]) == 50
    assert store.bulk_add([_row(i, 1.0 + i / 100) for i in range(40, 60)]) == 10
    assert store.count_rounds() == 60
    newest = store.recent_rounds(1)[0]
    assert newest.round_id == "59" and newest.timestamp == T0 + timedelta(seconds=59)


def test_recent_rounds_pages_back_newest_first(store: Store) -> None:
    store.add_rounds([_round(i, 1.0 + i) for i in range(10)])
    first = store.recent_rounds(4)
    assert [r.round_id for r in first] == ["9", "8", "7", "6"]
    second = store.recent_rounds(4, before_seq=first[-1].seq)
    assert [r.round_id for r in second] == ["5", "4", "3", "2"]
    last = store.recent_rounds(4, before_seq=second[-1].seq)
    assert [r.round_id for r in last] == ["1", "0"]


def test_rounds_after_is_oldest_first_and_limited(store: Store) -> None:
    stored = store.add_rounds([_round(i) for i in range(6)]).stored
    after = store.rounds_after(stored[1].seq, limit=3)
    assert [r.round_id for r in after] == ["2", "3", "4"]
    assert store.rounds_after(stored[-1].seq) == []


def test_multipliers_and_counts(store: Store) -> None:
    stored = store.add_rounds([_round(i, 1.0 + i) for i in range(5)]).stored
    np.testing.assert_allclose(store.multipliers(), [1.0, 2.0, 3.0, 4.0, 5.0])
    np.testing.assert_allclose(store.multipliers(last=2), [4.0, 5.0])
    np.testing.assert_allclose(store.multipliers(up_to_seq=stored[2].seq), [1.0, 2.0, 3.0])
    assert store.count_rounds() == 5
    assert store.count_rounds(after_seq=stored[1].seq) == 3
    stats = store.round_statistics()
    assert stats["count"] == 5 and stats["mean"] == 3.0 and stats["median"] == 3.0


def test_empty_store_answers(store: Store) -> None:
    assert store.last_seq() == 0
    assert store.count_rounds() == 0
    assert store.multipliers().size == 0
    assert store.recent_rounds() == []
    assert store.round_statistics()["count"] == 0
    assert store.source_round_ids("sim") == []


def test_source_round_ids_newest_first_per_source(store: Store) -> None:
    store.add_rounds([_round(i) for i in range(1, 4)])
    store.add_rounds([_round(100, source="http")])
    assert store.source_round_ids("sim", last=2) == ["3", "2"]
    assert store.source_round_ids("http") == ["100"]


def test_predictions_insert_and_ignore_repeats(store: Store) -> None:
    seq = store.add_rounds([_round(1, 2.5)]).stored[0].seq
    row = {
        "model": "house",
        "round_seq": seq,
        "made_at": T0,
        "target": 2.0,
        "median": 1.9,
        "p_target": 0.485,
        "thresholds": json.dumps({"2.0": 0.485}),
        "actual": 2.5,
        "hit": True,
        "log_score": -0.72,
        "scores": json.dumps({"brier": 0.2}),
    }
    store.add_predictions([row, {**row, "model": "empirical", "hit": False}])
    store.add_predictions([{**row, "median": 99.0}])
    store.add_predictions([])
    found = store.recent_predictions()
    assert len(found) == 2
    house = next(p for p in found if p["model"] == "house")
    assert house["median"] == 1.9 and house["hit"] is True
    assert house["thresholds"] == {"2.0": 0.485} and house["scores"] == {"brier": 0.2}
    assert datetime.fromisoformat(house["made_at"]) == T0
    assert [p["model"] for p in store.recent_predictions(model="empirical")] == ["empirical"]


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
    seqs = [r.seq for r in store.rounds_after(0)]
    assert seqs == sorted(seqs) and len(set(seqs)) == 40
