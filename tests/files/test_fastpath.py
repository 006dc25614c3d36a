"""The vectorized import path stores exactly what the line parser would, and reports the same errors."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aviator.files.fastpath import eligible, parse_lines
from aviator.files.importer import ImportSummary, import_files
from aviator.files.parse import LineParser, ParsedRow, RowError, line_digest, sniff_header
from aviator.store.db import connect, migrate
from aviator.store.repository import Store

ODD_LINES = [
    "",
    "   ",
    "2025-02-30 19:00:00,2.61",
    "2023-02-29 19:00:00,2.61",
    "2024-02-29 19:00:00,2.61",
    "1900-02-29 19:00:00,2.61",
    "2000-02-29 19:00:00,2.61",
    "0000-01-01 00:00:00,2.61",
    "0001-01-01 00:00:00,2.61",
    "9999-12-31 23:59:59,2.61",
    "2025-13-01 00:00:00,2.61",
    "2025-00-10 00:00:00,2.61",
    "2025-12-00 00:00:00,2.61",
    "2025-12-10 24:00:00,2.61",
    "2025-12-10 23:60:00,2.61",
    "2025-12-10 23:59:60,2.61",
    "2025-12-10 19:00:00.5,2.61",
    "2025-12-10 19:00:00+01:00,2.61",
    "2025-12-10 19:00:00-00:00,2.61",
    "2025-12-10 19:00:00z,2.61",
    "2025-12-10_19:00:00,2.61",
    "2025-12-10,2.61",
    "1765393200,2.61",
    "1765393200000,2.61",
    " 2025-12-10 19:00:00,2.61",
    "2025-12-10 19:00:00 ,2.61",
    "2025-12-10 19:00:00, 2.61",
    "2025-12-10 19:00:00,2.61 ",
    "2025-12-10 19:00:00,2.61 x",
    "2025-12-10 19:00:00,2.61\rx",
    "2025-12-10 19:00:00,2.61\x00",
    "2025-12-10 19:00:00,2.61\x0b",
    "2025-12-10 19:00:00,\u0662.61",
    "\u0662025-12-10 19:00:00,2.61",
    "2025-12-10 19:00:00,0.99",
    "2025-12-10 19:00:00,.5",
    "2025-12-10 19:00:00,1.",
    "2025-12-10 19:00:00,1.x",
    "2025-12-10 19:00:00,x",
    "2025-12-10 19:00:00,2.615",
    "2025-12-10 19:00:00,2.6149999",
    "2025-12-10 19:00:00,1.005",
    "2025-12-10 19:00:00,1000000.00",
    "2025-12-10 19:00:00,1000000.01",
    "2025-12-10 19:00:00,000000000000001.50",
    "2025-12-10 19:00:00,123456789012.99",
    "2025-12-10 19:00:00,1e3",
    "2025-12-10 19:00:00,nan",
    "2025-12-10 19:00:00,inf",
    "2025-12-10 19:00:00,1,234.56",
    '2025-12-10 19:00:00,"2.61"',
    '"2025-12-10 19:00:00",2.61',
    "2025-12-10 19:00:00,2.61,extra",
    "2025-12-10 19:00:00;2.61",
    "2025-12-10 19:00:00\t2.61",
    "2025-12-10 19:00:00,2..61",
    "2025-12-10 19:00:00,2.6.1",
    "timestamp,multiplier",
]


#: Edge values of year, month, day, hour, minute and second (valid or just not).
EDGES = (
    [0, 1, 1900, 2000, 2023, 2024, 2100, 2400, 9999],
    [0, 1, 2, 4, 12, 13],
    [0, 1, 28, 29, 30, 31, 32],
    [0, 23, 24, 25],
    [0, 59, 60, 61],
    [0, 59, 60, 61],
)


@st.composite
def simple_lines(draw: st.DrawFn, delimiter: str) -> str:
    """A line in the strict simple shape (its value may still be out of range)."""
    separator = draw(st.sampled_from([" ", "T"]))
    if draw(st.booleans()):
        moment = draw(st.datetimes(max_value=datetime(9999, 12, 31, 23, 59, 59)))
        stamp = moment.isoformat(sep=separator, timespec="seconds")
    else:  # any digits in the shape: invalid dates and times too
        parts = [draw(st.sampled_from(edges) | st.integers(0, max(edges))) for edges in EDGES]
        year, month, day, hour, minute, second = parts
        stamp = f"{year:04d}-{month:02d}-{day:02d}{separator}{hour:02d}:{minute:02d}:{second:02d}"
    suffix = draw(st.sampled_from(["", "", "Z", "+00:00"]))
    limits = st.sampled_from([99, 100, 100_000, 100_001, 10**8, 10**8 + 1, 10**14 - 1, 10**14])
    cents = draw(st.one_of(st.integers(100, 100_000), st.integers(0, 10**14), limits))
    whole, fraction = divmod(cents, 100)
    spellings = [f"{whole}.{fraction:02d}"]
    if fraction % 10 == 0:
        spellings.append(f"{whole}.{fraction // 10}")
    if fraction == 0:
        spellings += [str(whole), f"{whole}."]
    value = draw(st.sampled_from(["", "0", "000"])) + draw(st.sampled_from(spellings))
    value += draw(st.sampled_from(["", "", "x", "X"]))
    text = f"{stamp}{suffix}{delimiter}{value}"
    return text + draw(st.sampled_from(["", "", "\r", "\r\r"]))


@st.composite
def files(draw: st.DrawFn) -> tuple[str, str]:
    """A file's text (header + lines, most simple, some odd) and its delimiter."""
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    odd = st.one_of(
        st.sampled_from(ODD_LINES).map(lambda line: line.replace(",", delimiter)),
        st.text(alphabet=st.characters(exclude_characters="\n"), max_size=40),
    )
    line = st.one_of(simple_lines(delimiter), simple_lines(delimiter), odd)
    lines = draw(st.lists(line, max_size=60))
    duplicate = draw(st.booleans())
    if lines and duplicate:
        lines.append(draw(st.sampled_from(lines)))  # a duplicate
    header = draw(st.sampled_from(["", "\n", "\ufeff"])) + f"timestamp{delimiter}multiplier"
    text = "\n".join([header, *lines])
    return text + draw(st.sampled_from(["", "\n"])), delimiter


@pytest.fixture(scope="module")
def stores() -> Iterator[tuple[Store, Store]]:
    with tempfile.TemporaryDirectory() as folder:
        pair = []
        for name in ("fast", "lines"):
            engine = connect(f"sqlite:///{folder}/{name}.db")
            migrate(engine)
            pair.append(Store(engine))
        yield pair[0], pair[1]
        for store in pair:
            store.engine.dispose()


def _stored(store: Store) -> list[tuple[Any, ...]]:
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(
            "SELECT key, source, round_id, multiplier, typeof(multiplier), ts, typeof(ts), server_seed,"
            " server_hash, client_seeds, combined_hash, typeof(ingested_at) FROM rounds ORDER BY seq"
        )
        return list(cursor.fetchall())
    finally:
        raw.close()


def _import_both(
    stores: tuple[Store, Store], paths: list[Path], **options: Any
) -> tuple[ImportSummary, ImportSummary]:
    fast, lines = stores
    fast.reset()
    lines.reset()
    by_fast = import_files(paths, fast, keep_errors=1000, fast_path=True, **options)
    by_lines = import_files(paths, lines, keep_errors=1000, fast_path=False, **options)
    return by_fast, by_lines


def _same(by_fast: ImportSummary, by_lines: ImportSummary, stores: tuple[Store, Store]) -> None:
    counts = ("files", "read", "stored", "duplicates", "rejected")
    assert [getattr(by_fast, c) for c in counts] == [getattr(by_lines, c) for c in counts]
    assert by_fast.errors == by_lines.errors
    assert _stored(stores[0]) == _stored(stores[1])


@settings(max_examples=150, deadline=None)
@given(files(), st.integers(1, 40), st.sampled_from([1_000_000.0, 1_000.0, 1e13]))
def test_fast_path_stores_and_rejects_exactly_what_the_line_parser_does(
    stores: tuple[Store, Store], file: tuple[str, str], chunk_rows: int, max_multiplier: float
) -> None:
    text, _ = file
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rounds.csv"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        by_fast, by_lines = _import_both(
            stores, [path, path], source="s", chunk_rows=chunk_rows, max_multiplier=max_multiplier
        )
    _same(by_fast, by_lines, stores)


def test_every_odd_line_gives_the_same_row_or_error(stores: tuple[Store, Store], tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    good = "2025-12-10 19:00:00,2.61"
    path.write_text("\n".join(["timestamp,multiplier", *ODD_LINES, good, good]) + "\n", encoding="utf-8")
    by_fast, by_lines = _import_both(stores, [path], chunk_rows=7)
    _same(by_fast, by_lines, stores)
    reasons = {error.line: error.reason for error in by_fast.errors}
    assert reasons[ODD_LINES.index("2025-02-30 19:00:00,2.61") + 2].startswith("timestamp '2025-02-30")
    # the two equal good lines at the end are two rounds: a row is known by its line, not its values
    assert by_fast.stored > 10 and by_fast.duplicates == 0


def test_files_of_other_layouts_and_several_files_match(stores: tuple[Store, Store], tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text(
        "round_id,timestamp,multiplier,server_seed\n"
        "r1,2025-12-10 19:00:00,2.61,abc\nr2,2025-12-10 19:00:10,0.5,def\nr3,bad,2.00,\n",
        encoding="utf-8",
    )
    swapped = tmp_path / "swapped.csv"
    swapped.write_text("multiplier,time\n3.61,2025-12-10 19:00:00\n1.5,2025-12-10 19:00:20\n")
    simple = tmp_path / "simple.csv"
    simple.write_text("timestamp,multiplier\n2025-12-10 19:00:00,2.61\n2025-12-10 19:00:10,1.50\n")
    headerless = tmp_path / "headerless.csv"
    headerless.write_text("2025-12-10 19:00:00,2.61\n")
    paths = [seeds, simple, swapped, headerless, simple]
    by_fast, by_lines = _import_both(stores, paths, chunk_rows=2)
    _same(by_fast, by_lines, stores)
    assert (by_fast.stored, by_fast.duplicates, by_fast.rejected) == (5, 2, 3)


def test_simple_lines_never_reach_the_line_parser() -> None:
    class Refusing(LineParser):
        def feed(self, text: str) -> ParsedRow | RowError | None:
            raise AssertionError(f"line parser called for {text!r}")

    header = sniff_header("timestamp,multiplier")
    assert eligible(header) and not eligible(sniff_header("multiplier,timestamp"))
    parser = Refusing("f", header=header, line=1)
    start = datetime(2025, 12, 10)
    lines = [
        f"{(start + timedelta(seconds=10 * i)).isoformat(sep=' ')},{1 + i / 100:.2f}\r\n".encode()
        for i in range(1000)
    ]
    chunk = parse_lines(lines, parser, source="csv", identity="f1", max_multiplier=1e6)
    assert (chunk.read, len(chunk.values), chunk.errors, parser.line) == (1000, 1000, [], 1001)
    assert chunk.values[5] == (
        f"file:f1:7:{line_digest(lines[5])}",
        "csv",
        None,
        1.05,
        "2025-12-10 00:00:50",
        None,
        None,
        None,
        None,
    )


def test_prepared_rows_go_through_bulk_add_on_other_databases(tmp_path: Path) -> None:
    path = tmp_path / "simple.csv"
    path.write_text("timestamp,multiplier\n2025-12-10 19:00:00,2.61\n2025-12-10 19:00:10.25,1.50\n")
    stored: list[list[tuple[str, float, datetime]]] = []
    for name, dialect in (("sqlite", None), ("generic", "generic")):
        engine = connect(f"sqlite:///{tmp_path / name}.db")
        migrate(engine)
        store = Store(engine)
        if dialect:
            store.dialect = dialect  # the portable SQLAlchemy path PostgreSQL takes
        assert import_files([path], store).stored == 2
        stream = store.stream("import")
        assert stream is not None
        rounds = store.recent_rounds(stream.id)
        stored.append([(r.key, r.multiplier, r.timestamp) for r in rounds])
        engine.dispose()
    assert stored[0] == stored[1]
    assert stored[0][0][2] == datetime(2025, 12, 10, 19, 0, 10, 250000, tzinfo=UTC)
