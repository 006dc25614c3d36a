"""Properties of the parser: every supported spelling reads back the same value; garbage never raises."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from aviator.files.parse import (
    HeaderError,
    LineParser,
    ParsedRow,
    RowError,
    parse_line,
    read_file,
    sniff_header,
)

STAMP = "2025-12-10 19:32:35"
cents = st.integers(min_value=100, max_value=100_000_000)  # 1.00 .. 1,000,000.00
delimiters = st.sampled_from([",", ";", "\t"])
# Epoch seconds below 1e11 and milliseconds from 1e11: both unambiguous between these years.
moments = st.datetimes(
    min_value=datetime(1974, 1, 1), max_value=datetime(2099, 12, 30), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))
offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


@st.composite
def spelled_multipliers(draw: st.DrawFn, value: int, delimiter: str) -> str:
    """One of the ways a file may spell ``value`` cents, as it appears in a line (quoted if needed)."""
    number = value / 100
    options = [f"{number:.2f}", f"{number:,.2f}"]
    if value % 100 == 0:
        options.append(str(value // 100))
    if value % 10 == 0:
        options.append(f"{number:.1f}")
    text = draw(st.sampled_from(options)) + draw(st.sampled_from(["", "x", "X", " x"]))
    text = draw(st.sampled_from(["", " "])) + text + draw(st.sampled_from(["", " "]))
    if ("," in text and delimiter == ",") or draw(st.booleans()):
        text = '"' + text + '"'
    return text


@given(cents, delimiters, st.data())
def test_any_spelling_of_a_multiplier_reads_back(value: int, delimiter: str, data: st.DataObject) -> None:
    spelled = data.draw(spelled_multipliers(value, delimiter))
    header = sniff_header(f"timestamp{delimiter}multiplier")
    row = parse_line(f"{STAMP}{delimiter}{spelled}", header, file="f", line=2)
    assert isinstance(row, ParsedRow), row
    assert row.multiplier == round(value / 100, 2)


@given(moments, offsets, st.data())
def test_any_spelling_of_a_timestamp_reads_back(
    moment: datetime, offset: timezone, data: st.DataObject
) -> None:
    local = moment.astimezone(offset)
    seconds, millis = divmod(
        round((moment - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(milliseconds=1)), 1000
    )
    options = [
        local.isoformat(),
        local.isoformat(sep=" "),
        moment.replace(tzinfo=None).isoformat(sep=data.draw(st.sampled_from([" ", "T"]))),
        moment.replace(tzinfo=None).isoformat() + "Z",
        str(seconds * 1000 + millis),
        f"{seconds}.{millis:03d}",
    ]
    if millis == 0:
        options += [str(seconds), moment.strftime("%Y-%m-%d %H:%M:%S")]
    spelled = data.draw(st.sampled_from(options))
    header = sniff_header("timestamp;multiplier")
    row = parse_line(f"{spelled};2.00", header, file="f", line=2)
    assert isinstance(row, ParsedRow), (spelled, row)
    assert row.timestamp == moment
    assert row.timestamp.utcoffset() == timedelta(0)


@given(st.text(), delimiters)
def test_garbage_lines_never_raise(text: str, delimiter: str) -> None:
    header = sniff_header(f"round_id{delimiter}timestamp{delimiter}multiplier{delimiter}client_seeds")
    result = parse_line(text, header, file="f", line=7)
    assert isinstance(result, ParsedRow | RowError)
    if isinstance(result, RowError):
        assert result.line == 7 and result.reason


@given(st.text())
def test_garbage_headers_raise_only_header_errors(text: str) -> None:
    try:
        sniff_header(text)
    except HeaderError as error:
        assert "expected a timestamp column" in str(error)


@given(st.binary(), st.sampled_from([b"timestamp,multiplier\n", b"Time;Payout;ID\n", b"junk\n"]))
def test_garbage_files_never_raise_and_every_line_is_counted(body: bytes, header: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "garbage.csv"
        path.write_bytes(header + body)
        result = read_file(path)
    lines = [raw.decode("utf-8", errors="replace") for raw in body.split(b"\n")]
    if body.endswith(b"\n"):
        lines.pop()
    if header == b"junk\n":
        assert result.rows == [] and [e.line for e in result.errors] == [1]
        return
    assert len(result.rows) + len(result.errors) == sum(1 for line in lines if line.strip())
    numbers = [row.line for row in result.rows] + [error.line for error in result.errors]
    assert all(2 <= number <= len(lines) + 1 for number in numbers)


@given(st.lists(st.tuples(moments, cents), max_size=30), delimiters)
def test_written_rows_read_back_in_order(rounds: list[tuple[datetime, int]], delimiter: str) -> None:
    parser = LineParser("f")
    assert parser.feed(f"timestamp{delimiter}multiplier\n") is None
    for index, (moment, value) in enumerate(rounds):
        row = parser.feed(f"{moment.isoformat()}{delimiter}{value / 100:.2f}x\n")
        assert isinstance(row, ParsedRow)
        assert (row.line, row.timestamp, row.multiplier) == (index + 2, moment, round(value / 100, 2))
