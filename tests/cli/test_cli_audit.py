"""``aviator audit``: verdict and exit code, --game/--rtp, JSON, HTML, plots, bad input, 80 columns."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from aviator.cli.audit import audit
from aviator.fairness.planted import Plant, planted_rounds

SAMPLE = Path(__file__).parents[1] / "data" / "aviator_sample_2000.csv"


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command()(audit)

    @app.callback()
    def main() -> None:
        """Keep ``audit`` a subcommand."""

    return app


def _run(*args: str) -> Any:
    return CliRunner().invoke(_app(), ["audit", *args], env={"COLUMNS": "80"})


def _write_rounds(path: Path, values: list[float]) -> Path:
    lines = ["timestamp,multiplier"] + [f"{1_765_000_000 + 10 * i},{v:.2f}" for i, v in enumerate(values)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_sample_is_consistent_and_the_json_has_the_report(tmp_path: Path) -> None:
    out = tmp_path / "audit.json"
    result = _run(str(SAMPLE), "--json", str(out))
    assert result.exit_code == 0, result.output
    assert "consistent: Consistent with the claimed law" in " ".join(result.output.split())
    report = json.loads(out.read_text())
    assert report["verdict"] == "consistent" and report["rounds"] == 2000
    assert report["rtp"]["claimed"] == 0.97 and len(report["tests"]) == 11
    assert report["power"]["rtp_shortfall"] > 0


def test_the_game_sets_the_claimed_return_and_rtp_overrides_it(tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    stake = _run(str(SAMPLE), "--game", "stake", "--json", str(out))
    assert stake.exit_code == 1, stake.output  # Aviator rounds are not a 99% game
    report = json.loads(out.read_text())
    assert report["rtp"]["claimed"] == 0.99 and report["failed_parts"][0] == "return"
    assert "Inconsistent with the claimed law: the return is not what" in " ".join(stake.output.split())
    override = _run(str(SAMPLE), "--game", "stake", "--rtp", "0.97", "--json", str(out))
    assert override.exit_code == 0 and json.loads(out.read_text())["rtp"]["claimed"] == 0.97
    assert _run(str(SAMPLE), "--game", "roulette").exit_code == 2


def test_the_table_keeps_every_result_at_80_columns() -> None:
    result = _run(str(SAMPLE))
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    rows = [line for line in lines if line.startswith("│ ") and ("passed" in line or "FAILED" in line)]
    assert len(rows) == 11  # one result per test, none dropped or cut
    assert all(line.rstrip().endswith("│") for line in rows)


def test_an_inconsistent_stream_exits_1_and_names_the_part(tmp_path: Path) -> None:
    path = _write_rounds(
        tmp_path / "capped.csv", list(planted_rounds(20_000, Plant("cap", level=100.0), seed=3))
    )
    result = _run(str(path))
    assert result.exit_code == 1, result.output
    words = " ".join(result.output.split())  # the verdict wraps at 80 columns
    assert (
        "FAILED" in words and "big multipliers are rarer than the law says (from about 125.89x up)" in words
    )


def test_too_few_rounds_exit_3_with_the_number_needed(tmp_path: Path) -> None:
    path = _write_rounds(tmp_path / "few.csv", [1.5, 2.0, 1.0, 7.25] * 25)
    result = _run(str(path))
    assert result.exit_code == 3, result.output
    words = " ".join(result.output.split())
    assert "100 so far" in words and "400 more" in words


def test_bad_rows_are_reported_and_a_missing_file_is_named(tmp_path: Path) -> None:
    lines = SAMPLE.read_text().splitlines()
    lines[7] = "2025-12-10 19:33:40,0.5"
    path = tmp_path / "rounds.csv"
    path.write_text("\n".join(lines) + "\n")
    result = _run(str(path))
    assert result.exit_code == 0, result.output
    assert "rounds.csv:8" in result.output and "1 bad rows skipped" in result.output
    assert "1,999 rounds" in result.output
    missing = _run(str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2 and "nope.csv" in missing.output


def test_the_report_and_plots_are_written(tmp_path: Path) -> None:
    page, plots = tmp_path / "out" / "audit.html", tmp_path / "img"
    result = _run(str(SAMPLE), "--report", str(page), "--plots", str(plots))
    assert result.exit_code == 0, result.output
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>") and html.count("data:image/png;base64,") == 3
    assert sorted(p.name for p in plots.iterdir()) == [
        "audit_pit.png",
        "audit_return.png",
        "audit_survival.png",
    ]


def test_without_matplotlib_the_report_says_which_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_matplotlib(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    result = _run(str(SAMPLE), "--report", str(tmp_path / "a.html"))
    assert result.exit_code == 2
    assert "install the 'plots' extra: pip install 'aviator-predictor[plots]'" in result.output
    assert not (tmp_path / "a.html").exists()


def test_a_stored_stream_is_audited_against_its_own_rtp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aviator.files.series import load_series
    from tests.support import stored_stream

    url = stored_stream(tmp_path / "a.db", "sample", [float(v) for v in load_series([SAMPLE]).values])
    monkeypatch.setenv("AVIATOR_DATABASE_URL", url)
    out = tmp_path / "audit.json"
    result = _run("--stream", "sample", "--json", str(out))
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert report["rounds"] == 2000 and report["rtp"]["claimed"] == 0.97
    both = _run(str(SAMPLE), "--stream", "sample")
    assert both.exit_code == 2 and "one of them" in both.output
    assert _run().exit_code == 2
