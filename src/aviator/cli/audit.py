"""``aviator audit FILE...``: is this game fair? The audit of round files against the law their game claims.

The files are read like every offline command reads them (bad rows reported and skipped, duplicates
dropped, rounds in time order); the rounds are audited against the return ``--game`` publishes
(aviator 0.97, bustabit and stake 0.99) or ``--rtp``. The verdict, every test and the power are
printed; ``--json`` writes the whole report, ``--report`` one self-contained HTML page with the plots,
``--plots DIR`` the plots as PNG files (both need the 'plots' extra, matplotlib).

Exit codes:
    0  the rounds are consistent with the claimed law
    1  the rounds are inconsistent with it (the verdict names the part that failed)
    2  bad options or files (the message names which), or --report/--plots without matplotlib
    3  too few usable rounds to judge (the message says how many more are needed)
"""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from aviator.audit.report import AuditReport

EXIT_CODES = {"consistent": 0, "inconsistent": 1, "too_few": 3}


class Game(enum.StrEnum):
    """The games whose published return the audit knows."""

    aviator = "aviator"
    bustabit = "bustabit"
    stake = "stake"


def _p(value: float) -> str:
    return "<0.0001" if value < 1e-4 else f"{value:.4f}"


def render(report: AuditReport, console: Console, title: str) -> None:
    """The facts, the table of tests (its result column kept whole at 80 columns) and the verdict."""
    from rich.table import Table

    rtp, crashes = report.rtp, report.instant_crashes
    console.print(
        f"[bold]Is this game fair?[/bold] {title}: {report.rounds:,} rounds, claimed return {rtp.claimed:g}"
    )
    if rtp.estimate is not None:
        console.print(
            f"return from the rounds: {rtp.estimate:.4f} (95% interval {rtp.low:.4f} to {rtp.high:.4f})"
        )
    if crashes.rate is not None:
        console.print(
            f"instant crashes at 1.00x: {crashes.observed:,} ({crashes.rate:.2%}); "
            f"the law says {crashes.expected_rate:.2%}"
        )
    if report.tests:
        table = Table(title="The tests", title_justify="left", expand=False)
        table.add_column("part", no_wrap=True)
        table.add_column("test and what it found", overflow="fold", ratio=1)
        table.add_column("p", justify="right", no_wrap=True, min_width=7)
        table.add_column("Holm p", justify="right", no_wrap=True, min_width=7)
        table.add_column("result", no_wrap=True, min_width=6)
        for test in report.tests:
            part = "indep." if test.part == "independence" else test.part
            result = "passed" if test.passed else "[bold red]FAILED[/bold red]"
            table.add_row(
                part, f"{test.name}\n[dim]{test.detail}[/dim]", _p(test.p_value), _p(test.p_adjusted), result
            )
        console.print(table)
        console.print(
            "[dim]p: the chance of a result this far from the law if the game follows it; Holm p: the same, "
            "adjusted for running all the tests together; a test fails when its Holm p is below 0.05. "
            "indep. = independence.[/dim]"
        )
    if report.power is not None:
        power = report.power
        if power.rtp_shortfall is not None:
            console.print(
                f"power: a return {power.rtp_shortfall:.4f} lower ({power.rtp_detectable:.4f}) would be "
                "caught at least 8 times in 10"
            )
        if power.cap_below is not None:
            console.print(
                f"power: any cap on results below {power.cap_below:g}x would be caught at least 8 times in 10"
            )
    style = {"consistent": "green", "inconsistent": "red", "too_few": "yellow"}[report.verdict]
    console.print(f"[bold {style}]{report.verdict}[/bold {style}]: {report.verdict_words}", highlight=False)


def audit(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Round files (CSV/JSON) to audit, in any order.")
    ] = None,
    rtp: Annotated[
        float | None,
        typer.Option("--rtp", min=0.01, max=1.0, help="Claimed return to player c (default: the game's)."),
    ] = None,
    game: Annotated[
        Game,
        typer.Option("--game", help="The game: sets the claimed return (aviator 0.97, bustabit/stake 0.99)."),
    ] = Game.aviator,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the whole report as JSON here.")
    ] = None,
    html_out: Annotated[
        Path | None, typer.Option("--report", help="Write one self-contained HTML report here.")
    ] = None,
    plots_dir: Annotated[
        Path | None, typer.Option("--plots", help="Also write each plot as PNG into this folder.")
    ] = None,
    stream: Annotated[
        str | None,
        typer.Option("--stream", help="Audit a stored stream (AVIATOR_DATABASE_URL) instead of files."),
    ] = None,
) -> None:
    """Is this game fair? Audit the rounds against the law their game claims; one verdict in plain words."""
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from aviator.audit.law import GAME_RTP

    files = files or []
    if bool(files) == (stream is not None):
        raise typer.BadParameter("give round FILES or --stream S (one of them)", param_hint="'FILES'")
    missing = [str(path) for path in files if not path.is_file()]
    if missing:
        raise typer.BadParameter(f"no such file: {', '.join(missing)}", param_hint="'FILES'")
    if html_out is not None or plots_dir is not None:
        from aviator.audit.plots import PlotsUnavailableError, require_matplotlib

        try:
            require_matplotlib()
        except PlotsUnavailableError as exc:
            typer.echo(f"error: --report and --plots: {exc}", err=True)
            raise typer.Exit(2) from None
    stored = None
    if stream is not None:
        from aviator.cli.common import settings_or_exit
        from aviator.cli.stored import read_stream

        stored = read_stream(stream, settings_or_exit().database_url)
    claimed = rtp if rtp is not None else (stored.rtp if stored else GAME_RTP[game.value])
    console = Console()
    size = sum(path.stat().st_size for path in files)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(f"reading {len(files)} file(s), {size / 1e6:.1f} MB")
        from aviator.audit import audit_rounds
        from aviator.cli.backtest import load_series

        series = stored.values if stored is not None else load_series(files, console)

        def stage(name: str) -> None:
            bar.update(task, description=f"auditing {len(series):,} rounds: {name}")

        report = audit_rounds(series, claimed, progress=stage)
    title = f"stream {stored.name}" if stored is not None else ", ".join(path.name for path in files[:3])
    title += f" and {len(files) - 3} more" if len(files) > 3 else ""
    render(report, console, title)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(report.model_dump(mode="json"), indent=2) + "\n", encoding="utf-8")
        console.print(f"report written to {json_out}")
    if html_out is not None or plots_dir is not None:
        _write_plots(report, title, html_out, plots_dir, console)
    raise typer.Exit(EXIT_CODES[report.verdict])


def _write_plots(
    report: AuditReport, title: str, html_out: Path | None, plots_dir: Path | None, console: Console
) -> None:
    from aviator.audit.html import render_html
    from aviator.audit.plots import render_plots

    images = render_plots(report, title) if report.rounds else {}
    if html_out is not None:
        html_out.parent.mkdir(parents=True, exist_ok=True)
        html_out.write_text(render_html(report, images, title), encoding="utf-8")
        console.print(f"HTML report written to {html_out}")
    if plots_dir is not None:
        plots_dir.mkdir(parents=True, exist_ok=True)
        for name, png in images.items():
            (plots_dir / f"audit_{name}.png").write_bytes(png)
        console.print(f"{len(images)} plots written to {plots_dir}")
