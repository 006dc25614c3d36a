"""Bulk import: every row stored once, duplicates counted, bad lines reported with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from aviator.files.importer import import_files
from aviator.store.db import connect, migrate
from aviator.store.repository import Store

SAMPLE = Path(__file__).parents[1] / "data" / "aviator_payouts_sample.csv"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    engine = connect(f"sqlite:///{tmp_path / 'store.db'}")
    migrate(engine)
    return Store(engine)


def test_sample_is_stored_once_and_counted_as_duplicates_the_second_time(store: Store) -> None:
    first = import_files([SAMPLE], store, chunk_rows=64)
    assert (first.files, first.read, first.stored, first.duplicates, first.rejected) == (1, 300, 300, 0, 0)
    assert store.count_rounds() == 300
    stream = store.stream("import")
    assert stream is not None
    assert store.multipliers(stream.id, last=2).tolist() == [6.77, 1.68]
    again = import_files([SAMPLE], store)
    assert (again.read, again.stored, again.duplicates) == (300, 0, 300)
    other = import_files([SAMPLE], store, stream="phone")  # another stream: its own rounds
    assert other.stored == 300 and store.count_rounds() == 600


def test_bad_lines_are_listed_and_counted_while_the_rest_is_stored(tmp_path: Path, store: Store) -> None:
    path = tmp_path / "mixed.csv"
    good = [f"2025-12-10 19:{m:02d}:00,{1 + m / 100:.2f}" for m in range(30)]
    bad = [f"2025-12-10 20:{m:02d}:00,0.{m:02d}" for m in range(25)]
    path.write_text("timestamp,multiplier\n" + "\n".join(good + bad + [good[0]]) + "\n", encoding="utf-8")
    summary = import_files([path], store, chunk_rows=7)
    # good[0] again on the last line is a new round (the same values, another line)
    assert (summary.read, summary.stored, summary.duplicates, summary.rejected) == (56, 31, 0, 25)
    assert len(summary.errors) == 20
    assert str(summary.errors[0]) == f"{path}:32: multiplier 0 is below 1.00, the smallest crash point"
    assert [e.line for e in summary.errors] == list(range(32, 52))
    assert summary.rows_per_second > 0


def test_headerless_and_empty_files_are_one_rejection_each(tmp_path: Path, store: Store) -> None:
    headerless = tmp_path / "a.csv"
    headerless.write_text("2025-12-10 19:00:00,2.00\n2025-12-10 19:00:10,3.00\n", encoding="utf-8")
    empty = tmp_path / "b.csv"
    empty.write_text("", encoding="utf-8")
    summary = import_files([headerless, empty, SAMPLE], store, keep_errors=5)
    assert (summary.files, summary.stored, summary.rejected) == (3, 300, 2)
    assert [(e.file, e.line) for e in summary.errors] == [(str(headerless), 1), (str(empty), 1)]
    assert "expected a timestamp column" in summary.errors[0].reason


def test_progress_reports_every_byte(tmp_path: Path, store: Store) -> None:
    seen: list[int] = []
    import_files([SAMPLE, SAMPLE], store, chunk_rows=50, progress=seen.append)
    assert sum(seen) == 2 * SAMPLE.stat().st_size
    assert len(seen) > 2
