"""One parser for every way rounds come in files: header sniffing, line parsing, whole files.

A file is delimited text (``,``, ``;`` or tab) whose first non-blank line is a header naming at least
a timestamp and a multiplier column (usual aliases accepted, any case). Each later line is one round
or, when it cannot be read, a :class:`RowError` naming the file, the line and the reason; a bad line
never stops the file.

Timestamps are ISO 8601 (with or without an offset or ``Z``), ``YYYY-MM-DD HH:MM:SS``, or epoch
seconds / milliseconds (a number of 1e11 or more is milliseconds). A timestamp without an offset is
taken as UTC; every parsed timestamp is returned in UTC.
"""

from __future__ import annotations

import csv
import hashlib
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from aviator.core.multiplier import DEFAULT_MAX_MULTIPLIER, cut, parse_multiplier
from aviator.core.rounds import Fairness, Round, aware_utc, key_by_id, key_by_position
from aviator.store.records import RoundRow, round_row

DELIMITERS = (",", ";", "\t")
#: Epoch values at or above this are milliseconds (1e11 s would be the year 5138).
EPOCH_MS_FROM = 1e11
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Longest value each optional column may hold (the store's column sizes).
_MAX_LENGTH = {
    "round_id": 128,
    "server_seed": 128,
    "server_hash": 128,
    "client_seed": 128,
    "combined_hash": 256,
}

ALIASES: dict[str, tuple[str, ...]] = {
    "timestamp": ("timestamp", "time", "date", "created_at", "datetime"),
    "multiplier": ("multiplier", "payout", "crash", "result", "odds", "crash_point"),
    "round_id": ("round_id", "round", "id", "game_id"),
    "server_seed": ("server_seed",),
    "server_hash": ("server_hash",),
    "client_seeds": ("client_seeds",),
    "combined_hash": ("combined_hash", "hash"),
}
_CLIENT_SEED = re.compile(r"client_seed_?([123])")
_EPOCH_TEXT = re.compile(r"\d{1,20}(?:\.\d{1,9})?")


@dataclass(frozen=True, slots=True)
class ParsedRow:
    """One round read from a file (``line`` is 1-based, the header being line 1)."""

    line: int
    timestamp: datetime
    multiplier: float
    round_id: str | None = None
    server_seed: str | None = None
    server_hash: str | None = None
    client_seeds: tuple[str, ...] = ()
    combined_hash: str | None = None
    #: A digest of the line's bytes (part of the row's identity; not compared).
    digest: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class RowError:
    """A line that could not be read, and why (``text`` is the line, cut to 200 characters)."""

    file: str
    line: int
    reason: str
    text: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class ParseResult:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class Header:
    """Where each known column sits in a file's lines (indexes into the split line)."""

    delimiter: str
    names: tuple[str, ...]
    timestamp: int
    multiplier: int
    round_id: int | None = None
    server_seed: int | None = None
    server_hash: int | None = None
    client_seeds: tuple[int, ...] = ()
    client_seeds_joined: int | None = None
    combined_hash: int | None = None


class HeaderError(ValueError):
    """The first line names no timestamp or no multiplier column."""


def _normalize(name: str) -> str:
    return "_".join(name.strip().strip('"').lower().replace("-", " ").split())


def _split(text: str, delimiter: str) -> list[str]:
    # Only a quoted line needs the csv module; a plain split is the same thing otherwise, and faster.
    if '"' not in text:
        return text.split(delimiter)
    return next(csv.reader([text], delimiter=delimiter), [])


def _header_for(names: list[str], delimiter: str) -> Header | None:
    position: dict[str, int] = {}
    for index, name in enumerate(names):
        position.setdefault(name, index)

    def find(kind: str) -> int | None:
        return next((position[a] for a in ALIASES[kind] if a in position), None)

    timestamp, multiplier = find("timestamp"), find("multiplier")
    if timestamp is None or multiplier is None:
        return None
    seeds: dict[str, int] = {}
    for index, name in enumerate(names):
        match = _CLIENT_SEED.fullmatch(name)
        if match:
            seeds.setdefault(match.group(1), index)
    return Header(
        delimiter=delimiter,
        names=tuple(names),
        timestamp=timestamp,
        multiplier=multiplier,
        round_id=find("round_id"),
        server_seed=find("server_seed"),
        server_hash=find("server_hash"),
        client_seeds=tuple(seeds[k] for k in sorted(seeds)),
        client_seeds_joined=find("client_seeds"),
        combined_hash=find("combined_hash"),
    )


def sniff_header(first_line: str) -> Header:
    """The header of a file from its first line; raises :class:`HeaderError` saying what was expected."""
    text = first_line.lstrip("\ufeff").rstrip("\r\n")
    found: list[Header] = []
    for delimiter in DELIMITERS:
        try:
            names = [_normalize(n) for n in _split(text, delimiter)]
        except csv.Error:
            continue
        header = _header_for(names, delimiter)
        if header is not None:
            found.append(header)
    if found:
        return max(found, key=lambda h: len(h.names))
    raise HeaderError(
        "no recognizable header: expected a timestamp column ("
        + ", ".join(ALIASES["timestamp"])
        + ") and a multiplier column ("
        + ", ".join(ALIASES["multiplier"])
        + f") separated by ',', ';' or tab; found {cut(text)!r}"
    )


def _parse_timestamp(text: str) -> datetime:
    """ISO 8601, ``YYYY-MM-DD HH:MM:SS`` or epoch s/ms -> an aware datetime (naive means UTC)."""
    value = text.strip()
    if not value:
        raise ValueError("missing timestamp")
    try:
        if value[4:5] != "-" and _EPOCH_TEXT.fullmatch(value):
            number = Decimal(value)  # exact, so no float rounding moves the microseconds
            scale = 1000 if number >= EPOCH_MS_FROM else 1_000_000
            return _EPOCH + timedelta(microseconds=int((number * scale).to_integral_value()))
        stamp = datetime.fromisoformat(value)
        if stamp.tzinfo is not None:
            return stamp.astimezone(UTC)
        if len(value) > 10:
            try:  # parsing again with the offset is faster than replace(tzinfo=UTC)
                return datetime.fromisoformat(value + "+00:00")
            except ValueError:
                pass
        return stamp.replace(tzinfo=UTC)
    except (OverflowError, OSError):
        raise ValueError(f"timestamp {cut(text)!r} is out of range") from None
    except ValueError:
        raise ValueError(
            f"timestamp {cut(text)!r} is not a date/time "
            "(ISO 8601, 'YYYY-MM-DD HH:MM:SS' or epoch seconds/milliseconds)"
        ) from None


def parse_timestamp(text: str) -> datetime:
    """ISO 8601, ``YYYY-MM-DD HH:MM:SS`` or epoch s/ms -> an aware UTC datetime (naive means UTC),
    within 1970..2100."""
    return aware_utc(_parse_timestamp(text))


def _optional(fields: list[str], index: int | None, name: str) -> str | None:
    if index is None:
        return None
    value = fields[index].strip()
    if len(value) > _MAX_LENGTH[name]:
        raise ValueError(f"{name} is longer than {_MAX_LENGTH[name]} characters")
    return value or None


def _client_seeds(fields: list[str], header: Header) -> tuple[str, ...]:
    if header.client_seeds:
        values = [fields[i].strip() for i in header.client_seeds]
    elif header.client_seeds_joined is not None:
        values = [v.strip() for v in fields[header.client_seeds_joined].split("|")]
    else:
        return ()
    if any(len(v) > _MAX_LENGTH["client_seed"] for v in values):
        raise ValueError(f"a client seed is longer than {_MAX_LENGTH['client_seed']} characters")
    return tuple(v for v in values if v)


def parse_line(
    text: str,
    header: Header,
    *,
    file: str,
    line: int,
    max_multiplier: float = DEFAULT_MAX_MULTIPLIER,
) -> ParsedRow | RowError:
    """One data line -> a row, or an error naming the file, the line and the reason (never raises)."""
    text = text.rstrip("\r\n")
    try:
        fields = _split(text, header.delimiter)
    except csv.Error as exc:
        return RowError(file, line, f"unreadable line: {exc}", cut(text))
    if len(fields) != len(header.names):
        reason = f"expected {len(header.names)} columns, found {len(fields)}"
        return RowError(file, line, reason, cut(text))
    try:
        timestamp = parse_timestamp(fields[header.timestamp])
        multiplier = parse_multiplier(fields[header.multiplier], max_multiplier)
        digest = line_digest(text.encode())
        if len(header.names) == 2:
            return ParsedRow(line, timestamp, multiplier, digest=digest)
        return ParsedRow(
            line,
            timestamp,
            multiplier,
            round_id=_optional(fields, header.round_id, "round_id"),
            server_seed=_optional(fields, header.server_seed, "server_seed"),
            server_hash=_optional(fields, header.server_hash, "server_hash"),
            client_seeds=_client_seeds(fields, header),
            combined_hash=_optional(fields, header.combined_hash, "combined_hash"),
            digest=digest,
        )
    except ValueError as exc:
        return RowError(file, line, str(exc), cut(text))


class LineParser:
    """Reads a file line by line: the first non-blank line is the header, later ones are rounds.

    Give ``header`` and ``line`` (lines already consumed) to go on in the middle of a file.
    """

    def __init__(
        self,
        file: str,
        *,
        header: Header | None = None,
        line: int = 0,
        max_multiplier: float = DEFAULT_MAX_MULTIPLIER,
    ) -> None:
        self.file = file
        self.header = header
        self.line = line
        self.max_multiplier = max_multiplier
        self.header_failed = False

    def feed(self, text: str) -> ParsedRow | RowError | None:
        """The next line (its ending may be included); None for a blank line or the header."""
        self.line += 1
        if self.line == 1:
            text = text.lstrip("\ufeff")
        if not text.strip():
            return None
        if self.header is None:
            if self.header_failed:
                return None
            try:
                self.header = sniff_header(text)
            except HeaderError as exc:
                self.header_failed = True
                return RowError(self.file, self.line, str(exc), cut(text.rstrip("\r\n")))
            return None
        return parse_line(
            text, self.header, file=self.file, line=self.line, max_multiplier=self.max_multiplier
        )


def read_file(path: Path, *, max_multiplier: float = DEFAULT_MAX_MULTIPLIER) -> ParseResult:
    """Every round of a file, and every line that could not be read (a bad line never stops it)."""
    parser = LineParser(str(path), max_multiplier=max_multiplier)
    result = ParseResult()
    with path.open("rb") as handle:
        for raw in handle:
            item = parser.feed(raw.decode("utf-8", "replace"))
            if isinstance(item, ParsedRow):
                result.rows.append(item)
            elif item is not None:
                result.errors.append(item)
    if parser.header is None and not parser.header_failed:
        reason = "empty file: expected a header line with a timestamp and a multiplier column"
        result.errors.append(RowError(str(path), 1, reason, ""))
    return result


def line_digest(line: bytes) -> str:
    """A short digest of a line's bytes (without its line ending)."""
    return format(zlib.crc32(line.rstrip(b"\r\n")) & 0xFFFFFFFF, "08x")


def content_identity(path: Path, header: bytes, first_data: bytes) -> str:
    """A file's identity for the keys of its rows: its place and how it begins (the header and the
    first data line), so re-reading it, appending to it or rewriting it with the same beginning finds
    the same keys, and another file does not."""
    digest = hashlib.sha256(str(path.resolve()).encode())
    digest.update(header.rstrip(b"\r\n") + b"\n" + first_data.rstrip(b"\r\n"))
    return digest.hexdigest()[:20]


def file_identity(path: Path) -> str:
    """``content_identity`` of a file on disk."""
    with path.open("rb") as handle:
        return content_identity(path, handle.readline(), handle.readline())


def row_key(row: ParsedRow, identity: str) -> str:
    """A row's identity: the game's round id when the file has one, else the file, the line and the
    line's digest."""
    return key_by_id(row.round_id) if row.round_id else key_by_position(identity, row.line, row.digest)


def to_round(row: ParsedRow, *, stream: str, source: str, identity: str) -> Round:
    """A parsed row as a domain round of ``stream`` (with its fairness record when seeds are there)."""
    fairness = None
    if row.server_seed and row.combined_hash:
        fairness = Fairness(
            server_seed=row.server_seed,
            server_hash=row.server_hash or "",
            client_seeds=row.client_seeds,
            combined_hash=row.combined_hash,
        )
    return Round(
        stream=stream,
        source=source,
        multiplier=row.multiplier,
        timestamp=row.timestamp,
        round_id=row.round_id,
        fairness=fairness,
        key=row_key(row, identity),
    )


def to_round_row(row: ParsedRow, *, source: str, identity: str) -> RoundRow:
    """A parsed row as the store's bulk path takes it (the same key as ``to_round``)."""
    return round_row(
        key=row_key(row, identity),
        source=source,
        multiplier=row.multiplier,
        ts=row.timestamp,
        round_id=row.round_id,
        server_seed=row.server_seed,
        server_hash=row.server_hash,
        client_seeds=row.client_seeds,
        combined_hash=row.combined_hash,
    )
