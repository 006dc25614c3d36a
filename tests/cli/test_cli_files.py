"""`aviator import` and `aviator collect` through typer: summaries, exit codes, clean stops."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from aviator.cli.collect import collect
from aviator.cli.import_files import import_files
from aviator.files.parse import read_file
from aviator.store.db import connect
from aviator.store.repository import Store

SAMPLE = Path(__file__).parents[1] / "data" / "aviator_payouts_sample.csv"

app = typer.Typer()
app.command("import")(import_files)
app.command("collect")(collect)
runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in ("AVIATOR_DATABASE_URL", "AVIATOR_RTP", "AVIATOR_MAX_MULTIPLIER"):
        monkeypatch.delenv(name, raising=False)


def _count(url: str) -> int:
    engine = connect(url)
    try:
        return Store(engine).count_rounds()
    finally:
        engine.dispose()


def test_import_prints_the_summary_and_stores_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db' / 'rounds.db'}"
    bad = tmp_path / "bad.csv"
    rejected = "".join(f"2025-12-11 00:00:{s:02d};0.{s:02d}x\n" for s in range(22))
    bad.write_text("time;payout\n" + rejected + "2025-12-11 01:00:00;1,500.25x\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(SAMPLE), str(bad), "--database-url", url, "--no-progress"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Imported 2 file(s) in ")
    assert lines[1:5] == ["  read        323", "  stored      301", "  duplicates  0", "  rejected    22"]
    assert lines[5] == "Rejected lines (first 20 of 22):"
    assert lines[6] == f"  {bad}:2: multiplier 0 is below 1.00, the smallest crash point"
    assert len(lines) == 26
    assert _count(url) == 301

    again = runner.invoke(app, ["import", str(SAMPLE), "--database-url", url])
    assert again.exit_code == 0, again.output
    assert "  stored      0" in again.output and "  duplicates  300" in again.output


def test_import_takes_the_store_from_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'from-env.db'}"
    monkeypatch.setenv("AVIATOR_DATABASE_URL", url)
    monkeypatch.setenv("AVIATOR_MAX_MULTIPLIER", "10")
    result = runner.invoke(app, ["import", str(SAMPLE), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "above the cap of 10" in result.output
    assert 0 < _count(url) < 300


def test_import_rejects_missing_files_and_bad_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = runner.invoke(app, ["import", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2
    monkeypatch.setenv("AVIATOR_MAX_MULTIPLIER", "-1")
    bad = runner.invoke(app, ["import", str(SAMPLE)])
    assert bad.exit_code == 2
    assert "AVIATOR_MAX_MULTIPLIER" in bad.output


def test_collect_writes_n_rounds_with_seeds_that_verify(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["collect", "--out", str(out), "--interval", "0", "--rounds", "12"])
    assert result.exit_code == 0, result.output
    files = sorted(out.glob("aviator_payouts_*.csv"))
    assert len(files) == 1
    assert f"12 round(s) written to {files[0]}" in result.output
    rows = read_file(files[0]).rows
    assert len(rows) == 12
    assert [r.round_id.rsplit("-", 1)[1] for r in rows if r.round_id] == [str(n) for n in range(1, 13)]
    for row in rows:
        assert row.server_seed is not None and len(row.client_seeds) == 3
        assert hashlib.sha256(row.server_seed.encode()).hexdigest() == row.server_hash


def test_collect_rejects_an_unknown_source(tmp_path: Path) -> None:
    result = runner.invoke(app, ["collect", "--out", str(tmp_path), "--source", "carrier-pigeon"])
    assert result.exit_code == 2
    assert "simulator" in result.output
    assert list(tmp_path.glob("*.csv")) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_collect_stops_cleanly_on_a_signal(tmp_path: Path, signum: int) -> None:
    script = "import typer; from aviator.cli.collect import collect; typer.run(collect)"
    command = [sys.executable, "-c", script, "--out", str(tmp_path), "--interval", "0.05"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            files = list(tmp_path.glob("aviator_payouts_*.csv"))
            if files and len(files[0].read_text(encoding="utf-8").splitlines()) >= 4:
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the collector wrote nothing")
        os.kill(process.pid, signum)
        stdout, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    text = files[0].read_text(encoding="utf-8")
    assert text.endswith("\n")
    result = read_file(files[0])
    assert result.errors == [] and len(result.rows) >= 3
    assert f"{len(result.rows)} round(s) written" in stdout
