"""The collector's CSV writer and loop: file names, layout, flushing, and seeds that verify."""

from __future__ import annotations

import hashlib
import random
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from aviator.core.rounds import Fairness, Round
from aviator.fairness import verify_simulated
from aviator.files.parse import read_file, to_round
from aviator.files.writer import PayoutsCsvWriter, collect_rounds, format_timestamp
from aviator.sources.catalog import FEEDS
from aviator.sources.feeds import FeedOptions, SimulatorFeed

NOW = datetime(2025, 12, 10, 19, 32, 35, tzinfo=UTC)


def _round(multiplier: float, seconds: int = 0, fairness: Fairness | None = None) -> Round:
    stamp = NOW + timedelta(seconds=seconds, milliseconds=250)
    return Round(
        stream="test",
        source="test",
        multiplier=multiplier,
        timestamp=stamp,
        round_id=f"r{seconds}",
        fairness=fairness,
    )


def test_file_names_follow_the_pattern_and_never_collide(tmp_path: Path) -> None:
    out = tmp_path / "new" / "dir"
    with PayoutsCsvWriter(out, False, now=NOW) as first, PayoutsCsvWriter(out, False, now=NOW) as second:
        assert first.path == out / "aviator_payouts_20251210_193235.csv"
        assert second.path == out / "aviator_payouts_20251210_193235_2.csv"
        assert (first.run_id, second.run_id) == ("20251210_193235", "20251210_193235_2")
    local = datetime(2025, 12, 10, 20, 32, 35, tzinfo=timezone(timedelta(hours=1)))
    with PayoutsCsvWriter(out, False, now=local) as third:
        assert third.path.name == "aviator_payouts_20251210_193235_3.csv"


def test_plain_layout_is_flushed_per_row_and_reads_back(tmp_path: Path) -> None:
    writer = PayoutsCsvWriter(tmp_path, False, now=NOW)
    assert writer.path.read_text(encoding="utf-8") == "timestamp,multiplier\n"
    writer.write(_round(2.5))
    writer.write(_round(1234.5, 10))
    assert writer.path.read_text(encoding="utf-8").splitlines() == [
        "timestamp,multiplier",
        "2025-12-10T19:32:35.250Z,2.50",
        "2025-12-10T19:32:45.250Z,1234.50",
    ]
    writer.close()
    writer.close()
    rows = read_file(writer.path).rows
    assert [(r.timestamp, r.multiplier) for r in rows] == [
        (NOW + timedelta(milliseconds=250), 2.5),
        (NOW + timedelta(seconds=10, milliseconds=250), 1234.5),
    ]
    assert writer.rows == 2


def test_fairness_layout_keeps_every_seed(tmp_path: Path) -> None:
    fairness = Fairness(server_seed="s", server_hash="h", client_seeds=("a", "b", "c"), combined_hash="x")
    with PayoutsCsvWriter(tmp_path, True, now=NOW) as writer:
        writer.write(_round(3.0, 0, fairness))
        writer.write(_round(1.0, 5))
    lines = writer.path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == (
        "timestamp,multiplier,round_id,server_seed,server_hash,client_seed_1,client_seed_2,client_seed_3,"
        "combined_hash"
    )
    assert lines[2] == "2025-12-10T19:32:40.250Z,1.00,r5,,,,,,"
    result = read_file(writer.path)
    assert result.errors == []
    back = to_round(result.rows[0], stream="test", source="test", identity="w")
    assert back.fairness == fairness and back.round_id == "r0"
    assert to_round(result.rows[1], stream="test", source="test", identity="w").fairness is None


def test_format_timestamp_is_utc_with_milliseconds() -> None:
    assert format_timestamp(datetime(2025, 1, 2, 3, 4, 5, 678_901)) == "2025-01-02T03:04:05.678Z"
    aware = datetime(2025, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    assert format_timestamp(aware) == "2025-01-02T03:04:05.000Z"


def test_collect_writes_n_simulated_rounds_that_verify(tmp_path: Path) -> None:
    feed = FEEDS["simulator"](FeedOptions(interval=0, rtp=0.97, rng=random.Random(5)))
    seen: list[Round] = []
    with PayoutsCsvWriter(tmp_path, feed.with_fairness, now=NOW) as writer:
        written = collect_rounds(feed, writer, threading.Event(), rounds=25, on_round=seen.append)
    assert written == 25 == len(seen)
    result = read_file(writer.path)
    assert result.errors == [] and len(result.rows) == 25
    assert [r.round_id for r in result.rows] == [f"20251210_193235-{n}" for n in range(1, 26)]
    for row, original in zip(result.rows, seen, strict=True):
        assert row.server_seed and row.server_hash and row.combined_hash
        assert hashlib.sha256(row.server_seed.encode()).hexdigest() == row.server_hash
        check = verify_simulated(row.server_seed, row.client_seeds, row.server_hash, row.multiplier, 0.97)
        assert check.ok
        assert row.multiplier == original.multiplier


def test_collect_stops_when_asked(tmp_path: Path) -> None:
    stop = threading.Event()
    feed = SimulatorFeed(FeedOptions(interval=0, rng=random.Random(1)))
    with PayoutsCsvWriter(tmp_path, True, now=NOW) as writer:

        def stop_after_three(round_: Round) -> None:
            if writer.rows == 3:
                stop.set()

        assert collect_rounds(feed, writer, stop, on_round=stop_after_three) == 3
    assert len(read_file(writer.path).rows) == 3
    assert feed.next_round("x", stop) is None
