"""``aviator backtest``: the command on the sample file, its JSON, bad rows and bad options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from aviator.cli.backtest import backtest

SAMPLE = Path(__file__).parents[1] / "data" / "aviator_sample_2000.csv"


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(backtest)

    @app.callback()
    def main() -> None:
        """Keep ``backtest`` a subcommand."""

    return app


def test_backtest_on_the_sample_writes_skill_verdicts_and_a_plot(tmp_path: Path) -> None:
    out, png = tmp_path / "report.json", tmp_path / "cal.png"
    result = CliRunner().invoke(
        _app(), ["backtest", str(SAMPLE), "--models", "house", "--json", str(out), "--plot", str(png)]
    )
    assert result.exit_code == 0, result.output
    assert "verdict" in result.output and "Calibration" in result.output
    report = json.loads(out.read_text())
    assert report["rounds"] == 2000
    house = report["models"]["house"]
    assert house["rounds"] == 1999
    assert house["skill"] == 0.0 and house["skill_ci"] == [0.0, 0.0]
    assert house["verdict"] == "the baseline: the house odds themselves"
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_windows_options_reach_the_report(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    args = ["backtest", str(SAMPLE), "--models", "house", "--h", "3", "--n-windows", "40", "--json", str(out)]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["settings"]["h"] == 3 and report["settings"]["step_size"] == 3
    assert report["models"]["house"]["rounds"] == 120


def test_bad_rows_are_reported_and_the_rest_used(tmp_path: Path) -> None:
    lines = SAMPLE.read_text().splitlines()[:61]
    lines[5] = "2025-12-10 19:33:40,not-a-number"
    path = tmp_path / "rounds.csv"
    path.write_text("\n".join(lines) + "\n")
    out = tmp_path / "r.json"
    result = CliRunner().invoke(_app(), ["backtest", str(path), "--models", "house", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "rounds.csv:6" in result.output and "1 bad rows skipped" in result.output
    assert json.loads(out.read_text())["rounds"] == 59


def test_unknown_model_is_an_error_naming_the_known_ones() -> None:
    result = CliRunner().invoke(_app(), ["backtest", str(SAMPLE), "--models", "house,oracle"])
    assert result.exit_code == 2
    assert "oracle" in result.output and "house" in result.output


def test_the_verdict_column_fits_80_columns() -> None:
    from rich.console import Console

    from aviator.cli.backtest import render
    from aviator.evaluation.backtest import run_backtest
    from aviator.files.series import load_series

    report = run_backtest(load_series([SAMPLE]).values, ["house", "empirical", "heuristic", "drift"])
    console = Console(width=80, record=True, force_terminal=False, color_system=None)
    render(report, console, 2.0)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    flat = " ".join(" ".join(line.strip("│┃ ").split()) for line in text.splitlines())
    words = " ".join(
        cell.strip() for line in text.splitlines() for cell in line.split("│")[5:6] if cell.strip()
    )
    assert "worse than the house odds" in words  # the heuristic's verdict, wrapped but whole
    assert "the baseline: the house odds themselves" in words
    assert "Holm's correction" in flat


def test_a_stored_stream_is_backtested_against_its_own_rtp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aviator.core.streams import Game
    from aviator.files.series import load_series
    from tests.support import stored_stream

    values = [float(v) for v in load_series([SAMPLE]).values][:600]
    url = stored_stream(tmp_path / "b.db", "stake", values, Game.STAKE, 0.99)
    monkeypatch.setenv("AVIATOR_DATABASE_URL", url)
    out = tmp_path / "r.json"
    result = CliRunner().invoke(
        _app(), ["backtest", "--stream", "stake", "--models", "house", "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["rounds"] == 600 and report["settings"]["rtp"] == 0.99
    unknown = CliRunner().invoke(_app(), ["backtest", "--stream", "nope"])
    assert unknown.exit_code == 2 and "stake" in unknown.output  # names the streams there are
    both = CliRunner().invoke(_app(), ["backtest", str(SAMPLE), "--stream", "stake"])
    assert both.exit_code == 2 and "one of them" in both.output
