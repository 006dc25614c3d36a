"""Vectorized reading of the common simple files: ``timestamp,multiplier`` lines in one strict shape.

A chunk of lines is checked column by column with numpy. A line in the strict shape
(``YYYY-MM-DD HH:MM:SS`` or with ``T``, optionally ``Z`` or ``+00:00``, the delimiter, then
``\\d+(\\.\\d{0,2})?`` optionally followed by ``x``/``X``, then only ``\\r`` before the end) is turned
into its store row in bulk; every other line (blank, bad, odd) goes through :class:`LineParser` one by
one, so its row or its error (file, line, reason) is exactly what the line parser says. Rows keep the
order of their lines.

Why the bulk rows equal the line parser's: such a value has at most two decimals, so
``parse_multiplier`` returns ``float(text)``, the double nearest to cents/100, and IEEE division of
the exact integer cents by 100 gives that same double. A date/time passing the checks below (year
1970-2099, a real day of the month, 00:00:00-23:59:59) is exactly what ``datetime.fromisoformat`` takes,
read as UTC: its ``isoformat()`` is the text with ``T`` and ``+00:00``, and the store's text is the
text with a space.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import numpy.typing as npt

from aviator.core.rounds import key_by_position
from aviator.files.parse import Header, LineParser, ParsedRow, RowError, line_digest, to_round_row
from aviator.store.records import RoundRow

Bytes = npt.NDArray[np.uint8]
Ints = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]

#: Columns read for the timestamp and its suffix, and at most for the multiplier (with ``x``).
_STAMP_WIDTH = 26
_VALUE_WIDTH = 16
#: Most integer digits taken in bulk (cents stay far below 2**53).
_INT_DIGITS = 12
_DIGIT_COLUMNS = (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18)
_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
_UTC_SUFFIX = np.frombuffer(b"+00:00", dtype=np.uint8)
_ZERO, _DOT, _CR = ord("0"), ord("."), ord("\r")


@dataclass
class Chunk:
    """What a chunk of lines gave: store rows in line order, errors in line order, data lines read."""

    values: list[RoundRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    read: int = 0


def eligible(header: Header) -> bool:
    """Whether lines under ``header`` can take the bulk path (exactly timestamp then multiplier)."""
    return len(header.names) == 2 and header.timestamp == 0 and header.multiplier == 1


def _number(matrix: Bytes, columns: Sequence[int]) -> Ints:
    value = np.zeros(len(matrix), dtype=np.int64)
    for column in columns:
        value = value * 10 + (matrix[:, column].astype(np.int64) - _ZERO)
    return value


def _stamps_ok(stamps: Bytes, delimiter: int) -> tuple[Mask, Ints]:
    """Rows whose first columns are a valid date/time in the strict shape, and where the value starts."""
    digits = stamps[:, _DIGIT_COLUMNS]
    ok = ((digits >= _ZERO) & (digits <= _ZERO + 9)).all(axis=1)
    ok &= (stamps[:, 4] == ord("-")) & (stamps[:, 7] == ord("-"))
    ok &= (stamps[:, 10] == ord(" ")) | (stamps[:, 10] == ord("T"))
    ok &= (stamps[:, 13] == ord(":")) & (stamps[:, 16] == ord(":"))
    plain = stamps[:, 19] == delimiter
    zulu = (stamps[:, 19] == ord("Z")) & (stamps[:, 20] == delimiter)
    offset = (stamps[:, 19:25] == _UTC_SUFFIX).all(axis=1) & (stamps[:, 25] == delimiter)
    ok &= plain | zulu | offset
    start = np.where(plain, 20, np.where(zulu, 21, 26)).astype(np.int64)
    year, month, day = _number(stamps, (0, 1, 2, 3)), _number(stamps, (5, 6)), _number(stamps, (8, 9))
    ok &= (year >= 1970) & (year <= 2099) & (month >= 1) & (month <= 12)
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days = _DAYS[np.clip(month - 1, 0, 11)] + ((month == 2) & leap)
    ok &= (day >= 1) & (day <= days)
    ok &= _number(stamps, (11, 12)) <= 23
    ok &= _number(stamps, (14, 15)) <= 59
    ok &= _number(stamps, (17, 18)) <= 59
    return ok, start


def _cents(values: Bytes, length: Ints) -> tuple[Mask, Ints]:
    """Rows whose first ``length`` columns are ``\\d+(\\.\\d{0,2})?``, and their value in cents."""
    inside = np.arange(_VALUE_WIDTH) < length[:, None]
    digit = (values >= _ZERO) & (values <= _ZERO + 9) & inside
    dot = (values == _DOT) & inside
    ok = (length >= 1) & ((digit | dot) == inside).all(axis=1) & (dot.sum(axis=1) <= 1)
    has_dot = dot.any(axis=1)
    point = np.where(has_dot, dot.argmax(axis=1), length)
    decimals = np.where(has_dot, length - point - 1, 0)
    ok &= (point >= 1) & (point <= _INT_DIGITS) & (decimals <= 2)
    number = np.where(digit, values.astype(np.int64) - _ZERO, 0)
    whole = np.zeros(len(values), dtype=np.int64)
    for column in range(_INT_DIGITS):
        whole = np.where(column < point, whole * 10 + number[:, column], whole)
    rows = np.arange(len(values))
    tenths = np.where(decimals >= 1, number[rows, np.clip(point + 1, 0, _VALUE_WIDTH - 1)], 0)
    hundredths = np.where(decimals >= 2, number[rows, np.clip(point + 2, 0, _VALUE_WIDTH - 1)], 0)
    return ok, whole * 100 + tenths * 10 + hundredths


def _texts(stamps: Bytes, separator: str) -> list[str]:
    """The 19 date/time columns as strings, with ``separator`` between date and time."""
    text = stamps[:, :19].copy()
    text[:, 10] = ord(separator)
    return text.view("S19").ravel().astype("U19").tolist()


def parse_lines(
    lines: list[bytes], parser: LineParser, *, source: str, identity: str, max_multiplier: float
) -> Chunk:
    """The next ``lines`` of the file ``parser`` reads (its header already known and
    :func:`eligible`); ``parser.line`` moves past them."""
    header = parser.header
    assert header is not None and eligible(header)
    first = parser.line
    count = len(lines)
    chunk = Chunk()
    if count == 0:
        return chunk
    length = np.fromiter(map(len, lines), dtype=np.int64, count=count)
    ends = np.cumsum(length)
    begins = ends - length
    raw = b"".join(lines)
    # Zero padding so every column read below stays inside the buffer; length bounds each line.
    buffer = np.frombuffer(raw + bytes(_STAMP_WIDTH + _VALUE_WIDTH + 8), dtype=np.uint8)
    end = length.copy()
    end -= (end > 0) & (buffer[np.maximum(ends - 1, 0)] == ord("\n"))
    while True:  # rstrip("\r")
        carriage = (end > 0) & (buffer[np.maximum(begins + end - 1, 0)] == _CR)
        if not carriage.any():
            break
        end -= carriage
    suffix = (end > 0) & np.isin(buffer[np.maximum(begins + end - 1, 0)], (ord("x"), ord("X")))
    end -= suffix
    stamps = buffer[begins[:, None] + np.arange(_STAMP_WIDTH)]
    ok, start = _stamps_ok(stamps, ord(header.delimiter))
    value_length = np.where(ok, end - start, 0)
    ok &= (value_length >= 1) & (value_length <= _VALUE_WIDTH)
    values = buffer[(begins + start)[:, None] + np.arange(_VALUE_WIDTH)]
    good, cents = _cents(values, value_length)
    multiplier = cents / 100.0
    ok &= good & (multiplier >= 1.0) & (multiplier <= max_multiplier)

    fast = np.flatnonzero(ok)
    picked = stamps[fast]
    numbers: list[float] = multiplier[fast].tolist()
    keys = [key_by_position(identity, first + 1 + i, line_digest(lines[i])) for i in fast.tolist()]
    bulk = [
        RoundRow(*row)
        for row in zip(keys, repeat(source), repeat(None), numbers, _texts(picked, " "), *[repeat(None)] * 4)
    ]
    if len(fast) == count:
        chunk.values, chunk.read = bulk, count
        parser.line = first + count
        return chunk
    chunk.read = len(fast)
    done = 0  # bulk rows placed so far: the fast lines before the current slow one
    for seen, index in enumerate(np.flatnonzero(~ok).tolist()):
        chunk.values.extend(bulk[done : index - seen])
        done = index - seen
        parser.line = first + index
        item = parser.feed(lines[index].decode("utf-8", "replace"))
        if item is None:
            continue
        chunk.read += 1
        if isinstance(item, ParsedRow):
            chunk.values.append(to_round_row(item, source=source, identity=identity))
        else:
            chunk.errors.append(item)
    chunk.values.extend(bulk[done:])
    parser.line = first + count
    return chunk
