"""Files of games for ``aviator verify file``: each line becomes a game row or the reason it is bad.

Three layouts, told apart by the first character that is not blank:

- delimited text (``,``, ``;`` or tab) with a header naming the columns (usual aliases, any case:
  ``hash``/``game_hash``, ``result``/``multiplier``/``bust``/``crash``, ``game``/``game_id``/``id``,
  ``server_seed``, ``server_hash``, ``client_seed_1..3`` or ``client_seeds`` joined by ``|``,
  ``combined_hash``); a file whose first line is a bare 64-hex hash is a list of hashes, one a line;
- a JSON array of objects with the same keys (``[``);
- JSON lines: one object a line (``{``).

The rows stream out in file order; a bad line (wrong column count, a result that is not a
multiplier, broken JSON) becomes a :class:`BadRow` naming the line and the reason, and the rest of
the file is read. Only a file that cannot be read at all (missing, no recognizable header) raises
:class:`GamesFileError`.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from aviator.core.multiplier import cut, parse_multiplier
from aviator.fairness.batch_records import BadRow, GameRow

#: bustabit results reach about 4.5e13: no cap beyond what a float holds to the cent.
MAX_RESULT = 1e15
DELIMITERS = (",", ";", "\t")
PROGRESS_EVERY = 1 << 16
BLOCK_BYTES = 1 << 20
COLUMNS: dict[str, tuple[str, ...]] = {
    "game_hash": ("hash", "game_hash", "gamehash"),
    "result": ("result", "multiplier", "bust", "crash", "crash_point", "crashpoint", "payout", "odds"),
    "game_id": ("game_id", "game", "id", "game_number", "number", "#", "round_id", "round", "round_number"),
    "server_seed": ("server_seed", "serverseed"),
    "server_hash": ("server_hash", "server_seed_hash", "hashed_server_seed"),
    "client_seeds": ("client_seeds",),
    "combined_hash": ("combined_hash", "combined_sha512", "sha512"),
}
_CLIENT_SEED = re.compile(r"client_seed_?([123])")
_BARE_HASH = re.compile(r"[0-9a-fA-F]{64}")
_SPACE = re.compile(r"\s*")
_new_row = tuple.__new__
#: ``progress(bytes read, bytes in the file)``.
Progress = Callable[[int, int], None]


class GamesFileError(ValueError):
    """The file cannot be read as games at all (the message names the file and what is wrong)."""


def normalize(name: str) -> str:
    return "_".join(name.strip().strip('"').lower().replace("-", " ").split())


def _columns_of(names: list[str]) -> dict[str, int]:
    """Column kind -> index, the first alias that is present winning; client seeds as ``client_seed_N``."""
    position: dict[str, int] = {}
    for index, name in enumerate(names):
        position.setdefault(name, index)
    found: dict[str, int] = {}
    for kind, aliases in COLUMNS.items():
        column = next((position[alias] for alias in aliases if alias in position), None)
        if column is not None:
            found[kind] = column
    for index, name in enumerate(names):
        match = _CLIENT_SEED.fullmatch(name)
        if match:
            found.setdefault(f"client_seed_{match.group(1)}", index)
    return found


@dataclass(frozen=True)
class Layout:
    delimiter: str
    width: int
    columns: dict[str, int]


def _sniff(first_line: str, path: Path) -> Layout | None:
    """The header's layout, or None when the first line is a bare hash (a list of hashes)."""
    text = first_line.lstrip("\ufeff").strip()
    if _BARE_HASH.fullmatch(text):
        return None
    best: Layout | None = None
    for delimiter in DELIMITERS:
        names = [normalize(name) for name in next(csv.reader([text], delimiter=delimiter), [])]
        columns = _columns_of(names)
        if best is None or len(columns) > len(best.columns):
            best = Layout(delimiter, len(names), columns)
    if best is None or not {"game_hash", "server_seed", "combined_hash"} & best.columns.keys():
        raise GamesFileError(
            f"{path}:1: no recognizable header: expected a game hash column "
            f"({', '.join(COLUMNS['game_hash'])}) or seeds (server_seed, client_seed_1..3, "
            f"combined_hash); found {cut(text)!r}"
        )
    return best


def _number(game_id: str | None) -> int | None:
    """``1234`` or ``#1234`` as a game number; anything else (a run id such as ``run-7``) is none."""
    if not game_id:
        return None
    digits = game_id[1:] if game_id[0] == "#" else game_id
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 18 else None


def _result(text: str) -> float | None:
    value = text.strip()
    if not value:
        return None
    try:
        return parse_multiplier(value, MAX_RESULT)
    except ValueError as error:
        raise ValueError(f"result: {error}") from None


def _field(fields: list[str], index: int | None) -> str | None:
    if index is None:
        return None
    return fields[index].strip() or None


class _CsvRows:
    def __init__(self, layout: Layout) -> None:
        get = layout.columns.get
        self.width = layout.width
        self.hash, self.result, self.game_id = get("game_hash"), get("result"), get("game_id")
        self.server_seed, self.server_hash, self.combined = (
            get("server_seed"),
            get("server_hash"),
            get("combined_hash"),
        )
        self.seed_columns = [
            layout.columns[f"client_seed_{n}"] for n in "123" if f"client_seed_{n}" in layout.columns
        ]
        self.joined_seeds = get("client_seeds")
        self.seeded = self.server_seed is not None or self.combined is not None

    def row(self, fields: list[str], line: int) -> GameRow | BadRow:
        if len(fields) != self.width:
            return BadRow(line, f"expected {self.width} columns, found {len(fields)}")
        try:
            result = None if self.result is None else _result(fields[self.result])
        except ValueError as error:
            return BadRow(line, str(error))
        game_id = _field(fields, self.game_id)
        game_hash = None if self.hash is None else fields[self.hash].strip()
        if not self.seeded:  # tuple.__new__: a NamedTuple without its slow __new__ (once per line)
            return _new_row(
                GameRow, (line, game_hash, result, _number(game_id), game_id, None, None, (), None)
            )
        if self.seed_columns:
            seeds = tuple(value for value in (fields[i].strip() for i in self.seed_columns) if value)
        elif self.joined_seeds is not None:
            seeds = tuple(v.strip() for v in fields[self.joined_seeds].split("|") if v.strip())
        else:
            seeds = ()
        server_seed = _field(fields, self.server_seed)
        return GameRow(
            line,
            game_hash or None,
            result,
            _number(game_id),
            game_id,
            server_seed,
            _field(fields, self.server_hash),
            seeds,
            _field(fields, self.combined),
        )


def _text(value: Any, key: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{key} must be a string or a number, got {type(value).__name__}")
    return str(value).strip() or None


def _json_row(item: Any, line: int) -> GameRow | BadRow:
    """One JSON object as a game row (keys take the same aliases as CSV headers)."""
    if not isinstance(item, dict):
        return BadRow(line, f"expected an object with the game's fields, found {type(item).__name__}")
    values = {normalize(str(key)): value for key, value in item.items()}
    columns = _columns_of(list(values))
    names = list(values)
    try:
        text = {
            kind: _text(values[names[index]], kind)
            for kind, index in columns.items()
            if kind != "client_seeds"
        }
        seeds_value = values[names[columns["client_seeds"]]] if "client_seeds" in columns else None
        if isinstance(seeds_value, list):
            seeds = tuple(str(seed).strip() for seed in seeds_value if str(seed).strip())
        elif seeds_value is not None:
            seeds = tuple(v.strip() for v in str(seeds_value).split("|") if v.strip())
        else:
            seeds = tuple(text[f"client_seed_{n}"] or "" for n in "123" if text.get(f"client_seed_{n}"))
        result = _result(text.get("result") or "")
    except ValueError as error:
        return BadRow(line, str(error))
    game_id = text.get("game_id")
    return GameRow(
        line,
        text.get("game_hash"),
        result,
        _number(game_id),
        game_id,
        text.get("server_seed"),
        text.get("server_hash"),
        seeds,
        text.get("combined_hash"),
    )


@dataclass(frozen=True)
class GamesFile:
    """A file of games, its layout found (``kind``: csv, hash list, json, json lines).

    For csv and hash lists, the data starts at byte ``data_offset``, after ``lines_before`` lines (the
    header and any blank lines before it), and ``layout`` says where each column is (None: a list
    of hashes).
    """

    path: Path
    kind: str
    size: int
    columns: tuple[str, ...]
    layout: Layout | None = None
    data_offset: int = 0
    lines_before: int = 0

    def rows(self, progress: Progress | None = None) -> Iterator[GameRow | BadRow]:
        if self.kind == "json":
            return _json_array_rows(self.path, self.size, progress)
        if self.kind == "json lines":
            return _json_lines_rows(self.path, self.size, progress)
        lines = chain.from_iterable(_blocks(self.path, self.data_offset, self.size, progress))
        return data_rows(lines, self.lines_before, self.layout)


def _first_line(path: Path) -> tuple[str, int, int, int]:
    """The first line that is not blank, its byte offset, its length in bytes and its line number."""
    offset = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            text = raw.decode("utf-8", "replace")
            if number == 1:
                text = text.lstrip("\ufeff")
            if text.strip():
                return text, offset, len(raw), number
            offset += len(raw)
    raise GamesFileError(f"{path}: the file is empty")


def open_games(path: Path) -> GamesFile:
    """The file's layout, from its first non-blank line; raises :class:`GamesFileError`."""
    try:
        size = path.stat().st_size
        first, offset, length, number = _first_line(path)
    except OSError as error:
        raise GamesFileError(f"{path}: cannot read the file ({error.strerror or error})") from None
    start = first.lstrip()[:1]
    if start == "[":
        return GamesFile(path, "json", size, ())
    if start == "{":
        return GamesFile(path, "json lines", size, ())
    layout = _sniff(first, path)
    if layout is None:
        return GamesFile(path, "hash list", size, ("game_hash",), None, offset, number - 1)
    return GamesFile(path, "csv", size, tuple(layout.columns), layout, offset + length, number)


def _blocks(path: Path, start: int, size: int, progress: Progress | None) -> Iterator[list[str]]:
    """The lines from byte ``start`` on (without their line ends), a block at a time."""
    done = start
    rest = b""
    with path.open("rb") as handle:
        handle.seek(start)
        while block := handle.read(BLOCK_BYTES):
            done += len(block)
            end = block.rfind(b"\n") + 1
            if not end:
                rest += block
                continue
            yield (rest + block[:end]).decode("utf-8", "replace").split("\n")[:-1]
            rest = block[end:]
            if progress is not None:
                progress(done, size)
    if rest:
        yield [rest.decode("utf-8", "replace")]
    if progress is not None:
        progress(size, size)


def _lines(path: Path, size: int, progress: Progress | None) -> Iterator[str]:
    return chain.from_iterable(_blocks(path, 0, size, progress))


def data_rows(lines: Iterable[str], lines_before: int, layout: Layout | None) -> Iterator[GameRow | BadRow]:
    """Rows from the data lines of a csv file or a hash list (``lines_before`` lines come before them)."""
    line = lines_before
    if layout is None:  # a bare list of hashes
        for text in lines:
            line += 1
            if text.strip():
                yield GameRow(line, text.strip().lstrip("\ufeff"))
        return
    parser = _CsvRows(layout)
    records = csv.reader(lines, delimiter=layout.delimiter)
    while True:
        try:
            fields = next(records)
        except StopIteration:
            return
        except csv.Error as error:  # the reader goes on with the next line
            yield BadRow(line + records.line_num, f"unreadable line: {error}")
            continue
        if fields and (len(fields) > 1 or fields[0].strip()):
            yield parser.row(fields, line + records.line_num)


def _json_lines_rows(path: Path, size: int, progress: Progress | None) -> Iterator[GameRow | BadRow]:
    for line, text in enumerate(_lines(path, size, progress), start=1):
        if line == 1:
            text = text.lstrip("\ufeff")
        if not text.strip():
            continue
        try:
            item = json.loads(text)
        except json.JSONDecodeError as error:
            yield BadRow(line, f"not a JSON object: {error.msg} (column {error.colno})")
            continue
        yield _json_row(item, line)


def _json_array_rows(path: Path, size: int, progress: Progress | None) -> Iterator[GameRow | BadRow]:
    text = path.read_bytes().decode("utf-8", "replace").lstrip("\ufeff")
    decoder = json.JSONDecoder()
    position = text.index("[") + 1
    line, counted = 1 + text.count("\n", 0, position), position
    for index in range(1 << 62):
        position = _SPACE.match(text, position).end()  # type: ignore[union-attr]
        if text.startswith("]", position):
            break
        if index and text.startswith(",", position):
            position = _SPACE.match(text, position + 1).end()  # type: ignore[union-attr]
        line += text.count("\n", counted, position)
        counted = position
        try:
            item, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            reason = f"invalid JSON: {error.msg} (column {error.colno}); the rest of the file was not read"
            yield BadRow(error.lineno, reason)
            return
        yield _json_row(item, line)
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(position, len(text))
    if progress is not None:
        progress(len(text), len(text))
