"""JSON round files: arrays, JSON Lines and this app's export, with the CSV aliases and per-item errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from aviator.files.json_rows import looks_like_json, read_json
from aviator.files.reader import read_rounds
from aviator.files.series import load_series


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_array_of_objects_with_aliases_and_a_bad_item(tmp_path: Path) -> None:
    items = [
        {"Timestamp": "2025-12-10 19:32:35", "Multiplier": "2.61x", "id": "a"},
        {"time": 1765395160, "crash": 1.0},
        {"payout": 0.5},
        "not an object",
        {
            "date": "2025-12-10T19:33:00Z",
            "result": 3,
            "fairness": {"server_seed": "s", "client_seeds": ["1", "2", "3"], "combined_hash": "h"},
        },
    ]
    path = _write(tmp_path, "rounds.json", json.dumps(items))
    assert looks_like_json(path)
    result = read_json(path)
    assert [r.multiplier for r in result.rows] == [2.61, 1.0, 3.0]
    assert result.rows[0].round_id == "a" and result.rows[0].timestamp == datetime(
        2025, 12, 10, 19, 32, 35, tzinfo=UTC
    )
    assert result.rows[2].client_seeds == ("1", "2", "3") and result.rows[2].server_seed == "s"
    assert [(e.line, "below 1.00" in e.reason or "object" in e.reason) for e in result.errors] == [
        (3, True),
        (4, True),
    ]


def test_json_lines_skip_the_export_header_and_report_bad_lines(tmp_path: Path) -> None:
    lines = [
        {"type": "header", "stream": "x"},
        {"type": "round", "multiplier": 1.5, "timestamp": "2025-12-10T19:00:00Z"},
        "{broken",
        {"multiplier": 4.0, "timestamp": "2025-12-10T19:00:10Z"},
        {"type": "summary", "models": []},
    ]
    text = "\n".join(item if isinstance(item, str) else json.dumps(item) for item in lines) + "\n"
    result = read_rounds(_write(tmp_path, "rounds.jsonl", text))
    assert [r.multiplier for r in result.rows] == [1.5, 4.0]
    assert [e.line for e in result.errors] == [3] and "not valid JSON" in result.errors[0].reason


def test_an_export_object_and_series_loading_read_json_too(tmp_path: Path) -> None:
    export = {
        "header": {"counts": {"rounds": 2}},
        "rounds": [
            {"multiplier": 2.0, "timestamp": "2025-12-10T19:00:00Z", "round_id": "1"},
            {"multiplier": 1.0, "timestamp": "2025-12-10T19:00:05Z", "round_id": "2"},
        ],
        "predictions": [],
    }
    path = _write(tmp_path, "export.json", json.dumps(export))
    assert [r.multiplier for r in read_rounds(path).rows] == [2.0, 1.0]
    assert load_series([path]).values.tolist() == [2.0, 1.0]


def test_csv_is_not_taken_for_json(tmp_path: Path) -> None:
    path = _write(tmp_path, "rounds.csv", "timestamp,multiplier\n2025-12-10 19:00:00,2.0\n")
    assert not looks_like_json(path)
    assert [r.multiplier for r in read_rounds(path).rows] == [2.0]


def test_a_file_that_is_not_json_at_all_is_one_error(tmp_path: Path) -> None:
    result = read_json(_write(tmp_path, "bad.json", "[1, 2,"))
    assert result.rows == [] and len(result.errors) == 1 and "not valid JSON" in result.errors[0].reason
