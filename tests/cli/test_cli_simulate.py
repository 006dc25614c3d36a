"""``aviator simulate``: a planted stream as a CSV that the series loader and the backtest read."""

from __future__ import annotations

from pathlib import Path

import typer
from typer.testing import CliRunner

from aviator.cli.simulate import simulate
from aviator.files.series import load_series


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(simulate)

    @app.callback()
    def main() -> None:
        """Keep ``simulate`` a subcommand."""

    return app


def test_a_planted_lag_stream_is_written_read_back_and_reproducible(tmp_path: Path) -> None:
    out, again = tmp_path / "lag.csv", tmp_path / "again.csv"
    args = ["simulate", "--rounds", "20000", "--plant", "lag", "--strength", "0.5", "--seed", "7"]
    result = CliRunner().invoke(_app(), [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "not a model of a real game" in result.output
    loaded = load_series([out])
    assert loaded.errors == [] and loaded.duplicates == 0 and len(loaded.values) == 20000
    reach = loaded.values >= 2.0
    assert reach[1:][reach[:-1]].mean() - reach[1:][~reach[:-1]].mean() > 0.4  # strength 0.5 at lag 1
    assert CliRunner().invoke(_app(), [*args, "--out", str(again)]).exit_code == 0
    assert again.read_bytes() == out.read_bytes()


def test_fair_rounds_keep_the_house_odds(tmp_path: Path) -> None:
    out = tmp_path / "fair.csv"
    result = CliRunner().invoke(_app(), ["simulate", "--rounds", "20000", "--seed", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    values = load_series([out]).values
    assert abs((values >= 2.0).mean() - 0.485) < 0.015


def test_a_bad_plant_or_strength_is_named(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    bad = CliRunner().invoke(_app(), ["simulate", "--rounds", "5", "--plant", "wobble", "--out", str(out)])
    assert bad.exit_code == 2 and "'wobble' is not a plant" in bad.output
    strong = CliRunner().invoke(
        _app(), ["simulate", "--rounds", "5", "--plant", "lag", "--strength", "2", "--out", str(out)]
    )
    assert strong.exit_code == 2 and "--strength" in strong.output
    assert not out.exists()
