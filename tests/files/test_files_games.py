"""Reading files of games: layouts, aliases, line numbers, and a reason for every bad line."""

from __future__ import annotations

from pathlib import Path

import pytest

from aviator.fairness.batch_records import BadRow, GameRow
from aviator.files.games import GamesFileError, open_games

H1, H2, H3 = "a" * 64, "b" * 64, "c" * 64


def _read(tmp_path: Path, text: str, name: str = "games.csv") -> tuple[str, list[GameRow | BadRow]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    games = open_games(path)
    return games.kind, list(games.rows())


def test_csv_with_aliases_any_case_and_a_bad_line(tmp_path: Path) -> None:
    text = f"Game ID,Hash,Bust\n#1002,{H1},2.50x\n\n1001,{H2},abc\n1000,{H3}\n999,{H1},\n"
    kind, items = _read(tmp_path, text)
    assert kind == "csv"
    assert items == [
        GameRow(2, H1, 2.5, 1002, "#1002"),
        BadRow(4, "result: multiplier 'abc' is not a number"),
        BadRow(5, "expected 3 columns, found 2"),
        GameRow(6, H1, None, 999, "999"),
    ]


def test_semicolon_and_tab_files_and_quoted_fields(tmp_path: Path) -> None:
    _, items = _read(tmp_path, f'hash;crash_point\n{H1};"1,234.56"\n')
    assert items == [GameRow(2, H1, 1234.56)]
    _, items = _read(tmp_path, f"id\tgame_hash\tmultiplier\nr-1\t{H2}\t1.00\n")
    assert items == [GameRow(2, H2, 1.0, None, "r-1")]


def test_collector_layout_with_seeds(tmp_path: Path) -> None:
    text = (
        "timestamp,multiplier,round_id,server_seed,server_hash,client_seed_1,client_seed_2,client_seed_3,"
        "combined_hash\n2025-12-10T19:32:35.120Z,1.57,run-1,S,SH,c1,c2,c3,CH\n"
        "2025-12-10T19:32:39.120Z,2.00,run-2,,,,,,\n"
    )
    _, items = _read(tmp_path, text)
    assert items == [
        GameRow(2, None, 1.57, None, "run-1", "S", "SH", ("c1", "c2", "c3"), "CH"),
        GameRow(3, None, 2.0, None, "run-2", None, None, (), None),
    ]
    _, joined = _read(tmp_path, "server_seed,client_seeds,result\nS,a|b|c,3.1\n")
    assert joined == [GameRow(2, None, 3.1, None, None, "S", None, ("a", "b", "c"), None)]


def test_a_list_of_bare_hashes(tmp_path: Path) -> None:
    kind, items = _read(tmp_path, f"\n{H1}\n{H2.upper()}\n\nnot a hash\n")
    assert kind == "hash list"
    assert items == [GameRow(2, H1), GameRow(3, H2.upper()), GameRow(5, "not a hash")]


def test_json_array_keeps_line_numbers_and_stops_at_broken_json(tmp_path: Path) -> None:
    text = (
        '[\n  {"game": 5, "hash": "' + H1 + '", "bust": 2.5},\n  "oops",\n'
        '  {"Game_Hash": "' + H2 + '",\n   "result": "0.5"},\n'
        '  {"server_seed": "S", "client_seeds": ["x", "y", "z"], "multiplier": 3},\n  {"hash": \n]\n'
    )
    kind, items = _read(tmp_path, text, "games.json")
    assert kind == "json"
    assert items[0] == GameRow(2, H1, 2.5, 5, "5")
    assert items[1] == BadRow(3, "expected an object with the game's fields, found str")
    assert isinstance(items[2], BadRow) and items[2].line == 4 and "below 1.00" in items[2].reason
    assert items[3] == GameRow(6, None, 3.0, None, None, "S", None, ("x", "y", "z"), None)
    assert isinstance(items[4], BadRow) and items[4].line == 8
    assert "invalid JSON" in items[4].reason and "rest of the file" in items[4].reason
    assert len(items) == 5


def test_json_lines_go_on_after_a_bad_line(tmp_path: Path) -> None:
    text = (
        '{"hash": "'
        + H1
        + '", "id": 7}\n{broken\n\n{"hash": "'
        + H2
        + '", "bust": [1]}\n{"hash": "'
        + H3
        + '"}\n'
    )
    kind, items = _read(tmp_path, text, "games.jsonl")
    assert kind == "json lines"
    assert items[0] == GameRow(1, H1, None, 7, "7")
    assert isinstance(items[1], BadRow) and items[1].line == 2 and "not a JSON object" in items[1].reason
    assert items[2] == BadRow(4, "result must be a string or a number, got list")
    assert items[3] == GameRow(5, H3)


def test_files_that_cannot_be_read_at_all(tmp_path: Path) -> None:
    with pytest.raises(GamesFileError, match="no recognizable header"):
        _read(tmp_path, "timestamp,multiplier\n2025-12-10 19:32:35,2.5\n")
    with pytest.raises(GamesFileError, match="empty"):
        _read(tmp_path, "\n\n")
    with pytest.raises(GamesFileError, match="cannot read"):
        open_games(tmp_path / "missing.csv")


def test_progress_reports_bytes(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("hash\n" + f"{H1}\n" * 70_000, encoding="utf-8")
    seen: list[tuple[int, int]] = []
    games = open_games(path)
    assert sum(1 for _ in games.rows(lambda done, total: seen.append((done, total)))) == 70_000
    size = path.stat().st_size
    assert seen[-1] == (size, size) and 0 < seen[0][0] < size
