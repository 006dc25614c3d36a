"""``aviator strategy``: figures and JSON, the 80-column table, replay and the overfitting check, the plot,
bad options."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from aviator.cli.strategy import strategy

SAMPLE = Path(__file__).parents[1] / "data" / "aviator_sample_2000.csv"


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(strategy)

    @app.callback()
    def main() -> None:
        """Keep ``strategy`` a subcommand."""

    return app


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(_app(), ["strategy", *args], env={"COLUMNS": "80"})
    return result.exit_code, result.output


def test_martingale_prints_simulated_and_exact_figures_and_writes_json_and_a_fan_chart(
    tmp_path: Path,
) -> None:
    out, png = tmp_path / "m.json", tmp_path / "fan.png"
    code, output = _run(
        "martingale", "--paths", "2000", "--rounds", "300", "--exact", "--seed", "3",
        "--json", str(out), "--plot", str(png),
    )  # fmt: skip
    assert code == 0, output
    report = json.loads(out.read_text())
    for key in ("expected_profit", "ruin_probability", "ahead_probability", "expected_total_staked"):
        assert {"estimate", "low", "high"} <= set(report[key])
    assert report["ruin_probability"]["exact"] is not None
    assert "wald_expected_profit" in report and set(report["quantiles"]) >= {"5%", "50%", "95%"}
    assert report["settings"] == {"base": 1.0, "cashout": 2.0} and report["seed"] == 3
    assert "Wald check holds" in output and "On average you lose 3 cents of every dollar" in output
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_the_table_keeps_its_key_columns_within_80_columns() -> None:
    code, output = _run("two-bet", "--cashout", "1.5", "--long-cashout", "10", "--exact", "--paths", "500")
    assert code == 0, output
    lines = output.splitlines()
    assert max(len(line) for line in lines) <= 80
    rows = {line.split("│")[0].strip(): line for line in lines if "│" in line}
    for figure in ("expected profit", "chance of ruin", "chance of ending ahead", "expected total staked"):
        cells = [cell.strip() for cell in rows[figure].split("│")]
        assert len(cells) == 3 and cells[1] and cells[2]  # simulated [interval] and exact, both shown
        assert "[" in cells[1] and "]" in cells[1] and "…" not in rows[figure]


def test_replay_and_the_overfitting_check_on_a_round_file(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    code, output = _run(
        "flat",
        "--replay",
        str(SAMPLE),
        "--optimize",
        "--rounds",
        "2000",
        "--paths",
        "300",
        "--json",
        str(out),
    )
    assert code == 0, output
    assert "Replay on aviator_sample_2000.csv: 2,000 rounds played" in output
    assert "Overfitting check: 60 settings" in output and "first part" in output and "the rest" in output
    report = json.loads(out.read_text())
    assert report["replay"]["rounds_played"] == 2000
    assert report["overfit"]["best"]["in_sample"]["rounds"] == 1000
    assert report["overfit"]["best"]["out_of_sample"]["rounds"] == 1000


def test_simulating_on_the_files_rounds(tmp_path: Path) -> None:
    out = tmp_path / "e.json"
    code, output = _run(
        "flat", "--replay", str(SAMPLE), "--law", "empirical", "--paths", "300", "--json", str(out)
    )
    assert code == 0, output
    assert json.loads(out.read_text())["law"] == "empirical"
    assert "On the recorded rounds a dollar staked this way came back as" in output


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["labouchere"], "known rules: flat"),
        (["flat", "--base", "0.005"], "'--base'"),
        (["flat", "--cashout", "1.001"], "'--cashout'"),
        (["flat", "--law", "fitted"], "history"),
        (["flat", "--law", "recorded"], "'--law'"),
        (["flat", "--replay", "no-such-file.csv"], "no such file"),
        (["flat", "--optimize"], "history"),
    ],
)
def test_bad_options_exit_2_naming_what_is_wrong(args: list[str], hint: str) -> None:
    code, output = _run(*args)
    assert code == 2
    assert hint in " ".join(output.split()).replace("│", "").replace("  ", " ")


def test_without_matplotlib_the_plot_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    code, output = _run("flat", "--paths", "100", "--rounds", "50", "--plot", str(tmp_path / "f.png"))
    assert code == 1
    assert "install the 'plots' extra: pip install 'aviator-predictor[plots]'" in " ".join(output.split())
    assert not (tmp_path / "f.png").exists()


def test_the_command_is_registered_and_its_module_imports_only_typer_at_its_top() -> None:
    code = (
        "import sys; import aviator.cli.strategy; "
        "print(sorted(m for m in ('numpy', 'pydantic', 'matplotlib', 'scipy') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
    from aviator.cli.app import app

    result = CliRunner().invoke(app, ["strategy", "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0 and "--cashout" in result.output and "--replay" in result.output


def _stored(tmp_path: Path) -> str:
    from aviator.core.streams import Game
    from tests.support import stored_stream

    return stored_stream(tmp_path / "a.db", "bust", [1.0, 2.5, 1.3, 7.0, 1.9] * 40, Game.BUSTABIT, 0.99)


def test_replay_on_a_stored_stream_uses_its_rounds_and_its_rtp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AVIATOR_DATABASE_URL", _stored(tmp_path))
    out = tmp_path / "s.json"
    code, output = _run("flat", "--stream", "bust", "--rounds", "200", "--paths", "200", "--json", str(out))
    assert code == 0, output
    assert "Replay on bust: 200 rounds played" in output
    report = json.loads(out.read_text())
    assert report["replay"]["rounds_played"] == 200
    assert report["rtp"] == pytest.approx(0.99)


def test_an_unknown_stream_or_store_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVIATOR_DATABASE_URL", _stored(tmp_path))
    code, output = _run("flat", "--stream", "nope")
    assert code == 2 and "no stream 'nope'" in output and "bust" in output
    monkeypatch.setenv("AVIATOR_DATABASE_URL", f"sqlite:///{tmp_path / 'none.db'}")
    code, output = _run("flat", "--stream", "bust")
    assert code == 2 and "no store at" in output
    assert not (tmp_path / "none.db").exists()
    code, output = _run("flat", "--stream", "bust", "--replay", str(SAMPLE))
    assert code == 2 and "not both" in output
