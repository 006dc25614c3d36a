"""``aviator backtest FILE...``: walk-forward backtest of the models on round files, with skill and verdicts.

Bad rows are reported (file, line, reason) and the good ones used. Exit codes: 0 on success, 1 when
the files hold no usable round, 2 for bad options (the message names the option).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from aviator.core.curve import FloatArray
    from aviator.evaluation.report import BacktestReport

#: Bad rows listed one by one; the rest are only counted.
MAX_ERRORS_SHOWN = 20


def load_series(files: Sequence[Path], console: Console) -> FloatArray:
    """The multipliers of all files in time order, duplicates dropped; bad rows reported."""
    from aviator.files.series import load_series as read_series

    loaded = read_series(files)
    for error in loaded.errors[:MAX_ERRORS_SHOWN]:
        console.print(f"[yellow]skipped[/yellow] {error.file}:{error.line}: {error.reason}", highlight=False)
    if loaded.errors:
        shown = min(len(loaded.errors), MAX_ERRORS_SHOWN)
        console.print(f"{len(loaded.errors)} bad rows skipped ({shown} listed), {loaded.rows_read} rows read")
    if loaded.duplicates:
        console.print(f"{loaded.duplicates} duplicate rounds dropped")
    return loaded.values


def _fmt(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def render(report: BacktestReport, console: Console, target: float) -> None:
    """The skill table (verdicts wrap, so they fit 80 columns), the scores table, the calibration table
    at one threshold and the skipped models."""
    from rich.table import Table

    from aviator.core.curve import THRESHOLDS

    s = report.settings
    skill_table = Table(
        title=f"Skill over the house odds: {report.rounds} rounds, {s['n_windows']} windows, h={s['h']}, "
        f"step {s['step_size']}"
    )
    skill_table.add_column("model", no_wrap=True)
    skill_table.add_column("rounds", justify="right", no_wrap=True)
    skill_table.add_column("skill [95% interval]", justify="right", no_wrap=True)
    skill_table.add_column("min edge", justify="right", no_wrap=True)
    skill_table.add_column("verdict", min_width=14)
    scores = Table(title=f"Scores (target {target:g}x)")
    for column in ("model", "log score", "Brier@2", "RPS", "MAE", "hit rate"):
        scores.add_column(column, justify="right" if column != "model" else "left", no_wrap=True)
    for name, result in report.models.items():
        sc, sk = result.scores, result.skill
        interval = (
            f"{_fmt(sk.mean)} [{_fmt(sk.low)}, {_fmt(sk.high)}]" if sk.low is not None else _fmt(sk.mean)
        )
        skill_table.add_row(name, str(result.rounds), interval, _fmt(result.min_detectable_edge), sk.verdict)
        scores.add_row(
            name,
            _fmt(sc["log_score"]),
            _fmt(sc["brier@2"]),
            _fmt(sc["rps"]),
            _fmt(sc["mae"], 2),
            _fmt(sc["hit_rate"], 3),
        )
    console.print(skill_table)
    tested = s.get("models_tested", 0)
    if tested:
        console.print(
            f"verdicts: Diebold-Mariano test, Holm's correction over {tested} model(s) at "
            f"{s.get('alpha', 0.05):.0%} (an interval above 0 can still be 'no evidence' after it); "
            "min edge: the skill a model would need to be found 4 times in 5 at its rounds",
            highlight=False,
        )
    console.print(scores)
    t = target if target in THRESHOLDS else 2.0
    cal = Table(title=f"Calibration of P(M ≥ {t:g}): forecast vs observed frequency")
    for column in ("model", "forecast bin", "rounds", "mean forecast", "observed"):
        cal.add_column(column, justify="left" if column == "model" else "right")
    for name, result in report.models.items():
        for row in result.calibration:
            if row["threshold"] == t and row["count"]:
                low, high = row["bin"]
                cal.add_row(
                    name,
                    f"[{low:.1f}, {high:.1f})",
                    str(row["count"]),
                    _fmt(row["predicted"], 3),
                    _fmt(row["observed"], 3),
                )
    console.print(cal)
    for name, reason in report.skipped.items():
        console.print(f"[yellow]not scored[/yellow] {name}: {reason}", highlight=False)
    console.print("skill = mean log score minus house's on the same rounds (nats per round)")


def backtest(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Round files (CSV/JSON) to backtest on.", show_default=False)
    ] = None,
    models: Annotated[
        str, typer.Option("--models", help="Comma-separated model names (default: all registered).")
    ] = "",
    h: Annotated[int, typer.Option("--h", min=1, help="Rounds forecast per window.")] = 1,
    n_windows: Annotated[
        int | None, typer.Option("--n-windows", min=1, help="Windows (default: all after the warm-up).")
    ] = None,
    step_size: Annotated[
        int | None, typer.Option("--step-size", min=1, help="Rounds between windows (default: h).")
    ] = None,
    input_size: Annotated[
        int | None, typer.Option("--input-size", min=1, help="Most rounds a model is trained on.")
    ] = None,
    refit: Annotated[
        int, typer.Option("--refit", min=0, help="Retrain batch models every R windows (0 = never).")
    ] = 0,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the report as JSON here.")] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Draw the calibration plot (PNG) here.")] = None,
    rtp: Annotated[
        float | None,
        typer.Option(
            "--rtp", min=0.5, max=1.0, help="Return to player c (default 0.97, or the stored stream's)."
        ),
    ] = None,
    target: Annotated[float, typer.Option("--target", min=1.01, help="Cash-out target for hits.")] = 2.0,
    stream: Annotated[
        str | None,
        typer.Option("--stream", help="Backtest a stored stream (AVIATOR_DATABASE_URL) instead of files."),
    ] = None,
) -> None:
    """Walk-forward backtest: every model scored against the house odds, with skill and a verdict."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from aviator.core.extras import MissingExtraError
    from aviator.evaluation.backtest import run_backtest
    from aviator.evaluation.calibration import plot_calibration
    from aviator.models.registry import UnknownModelError

    console = Console()
    if not console.is_terminal:  # files and pipes get the whole table unwrapped
        console.width = max(console.width, 160)
    names = [name.strip() for name in models.split(",") if name.strip()]
    files = files or []
    if bool(files) == (stream is not None):
        raise typer.BadParameter("give round FILES or --stream S (one of them)", param_hint="'FILES'")
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise typer.BadParameter(f"no such file: {', '.join(missing)}", param_hint="'FILES'")
    if stream is not None:
        from aviator.cli.common import settings_or_exit
        from aviator.cli.stored import read_stream

        stored = read_stream(stream, settings_or_exit().database_url)
        series, rtp = stored.values, rtp if rtp is not None else stored.rtp
    else:
        series, rtp = load_series(files, console), rtp if rtp is not None else 0.97
    if len(series) == 0:
        where = f"stream {stream!r}" if stream is not None else "the files"
        console.print(f"[red]no usable rounds in {where}[/red]")
        raise typer.Exit(1)
    err = Console(stderr=True)
    with Progress(
        TextColumn("backtest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("backtest", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            report = run_backtest(
                series,
                names,
                h=h,
                n_windows=n_windows,
                step_size=step_size,
                input_size=input_size,
                refit=refit,
                rtp=rtp,
                target=target,
                progress=progress,
            )
        except UnknownModelError as error:
            raise typer.BadParameter(str(error), param_hint="'--models'") from None
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="'--n-windows'") from None
    render(report, console, target)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
        console.print(f"report written to {json_out}")
    if plot is not None:
        try:
            plot_calibration(
                report.calibration_tables(), plot, title=f"Calibration on {report.rounds} rounds"
            )
        except MissingExtraError as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(2) from None
        console.print(f"calibration plot written to {plot}")
