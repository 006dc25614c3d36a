"""The file parser: layouts, aliases, values, and a reason for every bad line while the rest is read."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aviator.core.multiplier import parse_multiplier
from aviator.files.parse import (
    HeaderError,
    ParsedRow,
    RowError,
    file_identity,
    parse_line,
    parse_timestamp,
    read_file,
    sniff_header,
    to_round,
    to_round_row,
)

SAMPLE = Path(__file__).parents[1] / "data" / "aviator_payouts_sample.csv"


def _write(tmp_path: Path, text: str, name: str = "rounds.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_real_sample_reads_every_row() -> None:
    result = read_file(SAMPLE)
    assert result.errors == []
    assert len(result.rows) == 300
    first = result.rows[0]
    assert first.line == 2
    assert first.timestamp == datetime(2025, 12, 10, 19, 32, 35, tzinfo=UTC)
    assert first.multiplier == 12.06
    assert result.rows[-1].line == 301
    assert all(row.timestamp.tzinfo is UTC for row in result.rows)


def test_semicolon_file_reads_thousands_separators_and_rejects_decimal_commas(tmp_path: Path) -> None:
    text = (
        "Timestamp;Multiplier\n2025-12-10 19:32:35;1,234.56x\n2025-12-10 19:32:47;2,61x\n"
        "2025-12-10 19:33:01;2.61X\n"
    )
    result = read_file(_write(tmp_path, text))
    assert [(r.line, r.multiplier) for r in result.rows] == [(2, 1234.56), (4, 2.61)]
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.line == 3
    assert "comma" in error.reason and "thousands" in error.reason
    assert error.text == "2025-12-10 19:32:47;2,61x"


def test_comma_file_needs_quotes_around_thousands(tmp_path: Path) -> None:
    text = 'timestamp,multiplier\n2025-12-10 19:32:35,"1,234.56x"\n2025-12-10 19:32:47,1,234.56x\n'
    result = read_file(_write(tmp_path, text))
    assert [r.multiplier for r in result.rows] == [1234.56]
    assert [(e.line, e.reason) for e in result.errors] == [(3, "expected 2 columns, found 3")]


def test_tab_file_with_aliases_in_any_case(tmp_path: Path) -> None:
    text = (
        "Round\tCreated_At\tCrash Point\n7\t2025-12-10T19:32:35Z\t3.5x\n8\t2025-12-10T19:32:47+02:00\t1.00\n"
    )
    result = read_file(_write(tmp_path, text))
    assert result.errors == []
    assert [(r.round_id, r.multiplier) for r in result.rows] == [("7", 3.5), ("8", 1.0)]
    assert result.rows[0].timestamp == datetime(2025, 12, 10, 19, 32, 35, tzinfo=UTC)
    assert result.rows[1].timestamp == datetime(2025, 12, 10, 17, 32, 47, tzinfo=UTC)


def test_epoch_seconds_and_milliseconds_by_magnitude() -> None:
    expected = datetime(2025, 12, 10, 19, 32, 35, tzinfo=UTC)
    seconds = int(expected.timestamp())
    assert parse_timestamp(str(seconds)) == expected
    assert parse_timestamp(str(seconds * 1000)) == expected
    assert parse_timestamp(f"{seconds}.5") == expected + timedelta(milliseconds=500)
    assert parse_timestamp(str(seconds * 1000 + 123)) == expected + timedelta(milliseconds=123)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-12-10 19:32:35", datetime(2025, 12, 10, 19, 32, 35, tzinfo=UTC)),
        ("2025-12-10T19:32:35", datetime(2025, 12, 10, 19, 32, 35, tzinfo=UTC)),
        ("2025-12-10T19:32:35.250Z", datetime(2025, 12, 10, 19, 32, 35, 250_000, tzinfo=UTC)),
        ("2025-12-10T21:32:35+02:00", datetime(2025, 12, 10, 19, 32, 35, tzinfo=UTC)),
        (" 2025-12-10 ", datetime(2025, 12, 10, tzinfo=UTC)),
    ],
)
def test_timestamps_come_back_in_utc(text: str, expected: datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "missing timestamp"),
        ("yesterday", "is not a date/time"),
        ("2025-13-01 00:00:00", "is not a date/time"),
        ("9" * 20, "out of range"),
        ("0001-01-01T00:00:00+05:00", "out of range"),
    ],
)
def test_bad_timestamps_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_timestamp(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("2.61", 2.61), ("2.61x", 2.61), (" 2.61 X ", 2.61), ("1,234.56x", 1234.56), ("1.005", 1.0), ("3", 3.0)],
)
def test_multiplier_formats(text: str, value: float) -> None:
    assert parse_multiplier(text) == value


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "missing multiplier"),
        ("x", "missing multiplier"),
        ("abc", "is not a number"),
        ("1_000", "is not a number"),
        ("0.99", "below 1.00"),
        ("-2", "below 1.00"),
        ("nan", "not finite"),
        ("inf", "not finite"),
        ("1e999", "not finite"),
        ("2,61", "not a thousands separator"),
        ("2000000", "multiplier 2000000 is above the cap of 1000000"),
    ],
)
def test_bad_multipliers_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_multiplier(text)


def test_cap_is_a_parameter(tmp_path: Path) -> None:
    assert parse_multiplier("5000", max_multiplier=10_000) == 5000
    path = _write(tmp_path, "timestamp,multiplier\n2025-12-10 19:32:35,150\n2025-12-10 19:32:36,50\n")
    result = read_file(path, max_multiplier=100)
    assert [r.multiplier for r in result.rows] == [50.0]
    assert "above the cap of 100" in result.errors[0].reason


def test_malformed_rows_are_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    lines = [
        "timestamp,multiplier",
        "2025-12-10 19:32:35,1.50",
        "2025-12-10 19:32:36,",
        ",2.00",
        "soon,2.00",
        "2025-12-10 19:32:37,lots",
        "2025-12-10 19:32:38,0.5",
        "2025-12-10 19:32:39,2.00,extra",
        "2025-12-10 19:32:40,inf",
        "2025-12-10 19:32:41,7.77",
    ]
    path = _write(tmp_path, "\n".join(lines) + "\n")
    result = read_file(path)
    assert [(r.line, r.multiplier) for r in result.rows] == [(2, 1.5), (10, 7.77)]
    reasons = {e.line: e.reason for e in result.errors}
    assert reasons[3] == "missing multiplier"
    assert reasons[4] == "missing timestamp"
    assert "is not a date/time" in reasons[5]
    assert "is not a number" in reasons[6]
    assert "below 1.00" in reasons[7]
    assert reasons[8] == "expected 2 columns, found 3"
    assert "not finite" in reasons[9]
    assert all(e.file == str(path) for e in result.errors)
    assert str(result.errors[0]) == f"{path}:3: missing multiplier"
    assert len(result.rows) + len(result.errors) == len(lines) - 1


def test_file_without_a_header_is_one_error_on_line_one(tmp_path: Path) -> None:
    path = _write(tmp_path, "2025-12-10 19:32:35,1.50\n2025-12-10 19:32:36,2.50\n")
    result = read_file(path)
    assert result.rows == []
    assert len(result.errors) == 1
    error = result.errors[0]
    assert error.line == 1
    assert "timestamp" in error.reason and "multiplier" in error.reason and "crash_point" in error.reason


def test_empty_file_is_reported(tmp_path: Path) -> None:
    result = read_file(_write(tmp_path, "\n\n"))
    assert result.rows == []
    assert [e.line for e in result.errors] == [1]


def test_bom_crlf_and_blank_lines_are_tolerated(tmp_path: Path) -> None:
    text = "\ufefftimestamp,multiplier\r\n\r\n2025-12-10 19:32:35,1.50\r\n   \r\n2025-12-10 19:32:36,2.50"
    result = read_file(_write(tmp_path, text))
    assert result.errors == []
    assert [(r.line, r.multiplier) for r in result.rows] == [(3, 1.5), (5, 2.5)]


def test_invalid_utf8_is_a_row_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"timestamp,multiplier\n2025-12-10 19:32:35,1.\xff5\n2025-12-10 19:32:36,2.50\n")
    result = read_file(path)
    assert [r.multiplier for r in result.rows] == [2.5]
    assert [e.line for e in result.errors] == [2]


def test_sniff_header_prefers_canonical_names_and_reports_what_it_expected() -> None:
    header = sniff_header("id;result;Multiplier;Date;hash")
    assert header.delimiter == ";"
    assert (header.multiplier, header.timestamp, header.round_id, header.combined_hash) == (2, 3, 0, 4)
    with pytest.raises(HeaderError, match="expected a timestamp column"):
        sniff_header("when,value")


def test_fairness_columns_become_a_fairness_record(tmp_path: Path) -> None:
    text = (
        "timestamp,multiplier,round_id,server_seed,server_hash,client_seed_1,client_seed_2,client_seed_3,"
        "combined_hash\n2025-12-10T19:32:35.000Z,2.00,run-1,seed,shash,c1,c2,c3,chash\n"
    )
    row = read_file(_write(tmp_path, text)).rows[0]
    assert row == ParsedRow(
        2,
        datetime(2025, 12, 10, 19, 32, 35, tzinfo=UTC),
        2.0,
        round_id="run-1",
        server_seed="seed",
        server_hash="shash",
        client_seeds=("c1", "c2", "c3"),
        combined_hash="chash",
    )
    round_ = to_round(row, stream="files:x", source="files", identity="f1")
    assert round_.fairness is not None
    assert round_.fairness.client_seeds == ("c1", "c2", "c3")
    stored = to_round_row(row, source="files", identity="f1")
    assert stored.key == round_.key == "id:run-1"
    assert stored.client_seeds is not None and json.loads(stored.client_seeds) == ["c1", "c2", "c3"]


def test_joined_client_seeds_and_rows_without_fairness() -> None:
    header = sniff_header("timestamp,multiplier,client_seeds,server_seed,combined_hash")
    row = parse_line("2025-12-10 19:32:35,2.00,a|b| c ,s,h", header, file="f", line=2)
    assert isinstance(row, ParsedRow)
    assert row.client_seeds == ("a", "b", "c")
    plain = parse_line("2025-12-10 19:32:35,2.00,,,", header, file="f", line=3)
    assert isinstance(plain, ParsedRow)
    assert (plain.client_seeds, plain.server_seed) == ((), None)
    assert to_round(plain, stream="s", source="csv", identity="f").fairness is None
    assert to_round_row(plain, source="csv", identity="f").client_seeds is None


def test_a_row_without_an_id_is_known_by_its_file_and_line_not_its_values() -> None:
    header = sniff_header("timestamp,multiplier")
    row = parse_line("2025-12-10T21:32:35+02:00,2.5", header, file="f", line=2)
    assert isinstance(row, ParsedRow)
    key = to_round_row(row, source="csv", identity="f1").key
    assert key == to_round(row, stream="s", source="csv", identity="f1").key
    assert key == f"file:f1:2:{row.digest}" and len(row.digest) == 8
    same = parse_line("2025-12-10 19:32:35,2.50", header, file="f", line=3)
    assert isinstance(same, ParsedRow)
    assert same.timestamp == row.timestamp and same.multiplier == row.multiplier
    assert to_round_row(same, source="csv", identity="f1").key != key  # a genuine repeat: two rounds
    assert to_round_row(row, source="csv", identity="f2").key != key  # another file
    assert row.timestamp.tzinfo is UTC


def test_file_identity_is_stable_under_appending_and_differs_between_files(tmp_path: Path) -> None:
    first = tmp_path / "a.csv"
    first.write_text("timestamp,multiplier\n2025-12-10 19:32:35,2.5\n")
    identity = file_identity(first)
    with first.open("a") as handle:
        handle.write("2025-12-10 19:32:40,1.0\n")
    assert file_identity(first) == identity
    second = tmp_path / "b.csv"
    second.write_text(first.read_text())
    assert file_identity(second) != identity


def test_too_long_optional_values_are_rejected() -> None:
    header = sniff_header("timestamp,multiplier,round_id")
    error = parse_line("2025-12-10 19:32:35,2.5," + "r" * 129, header, file="f", line=2)
    assert isinstance(error, RowError)
    assert error.reason == "round_id is longer than 128 characters"
    assert len(error.text) <= 203
