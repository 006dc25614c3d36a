"""``aviator strategy RULE``: what a betting rule costs, simulated and (where it can be) exact.

Prints the figures with their intervals beside the exact ones, the Wald line, the plain sentence of
what the rule costs, and, with ``--replay FILE``, what the rule would have done on those rounds
(``--optimize``: the overfitting check on them). Exit codes: 0 on success, 1 when the file holds no
usable round or the plot cannot be drawn, 2 for bad options (the message names the option).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from pydantic import ValidationError
    from rich.console import Console

    from aviator.strategy.schema import Estimate, StrategyRequest, StrategyResult

#: Runs of at least this many paths x rounds get a progress bar.
PROGRESS_FROM = 5_000_000
RULES_HELP = "flat, martingale, paroli, dalembert, fibonacci, two-bet or percent"


def _money(value: float) -> str:
    from aviator.strategy.words import money

    return money(value)


def _amount(e: Estimate) -> tuple[str, str]:
    interval = f"{_money(e.estimate)} [{e.low:,.2f}, {e.high:,.2f}]"
    return interval, "" if e.exact is None else _money(e.exact)


def _chance(e: Estimate) -> tuple[str, str]:
    digits = 2 if e.high < 0.01 or e.low > 0.99 else 1  # 0.0% [0.00, 0.04] rather than [0.0, 0.0]
    interval = f"{e.estimate:.{digits}%} [{100 * e.low:.{digits}f}, {100 * e.high:.{digits}f}]"
    return interval, "" if e.exact is None else f"{e.exact:.1%}"


def _settings_words(result: StrategyResult) -> str:
    from aviator.strategy.words import settings_words

    return settings_words(result.settings)


def render(result: StrategyResult, console: Console) -> None:
    """The header, the figures table (80 columns), the Wald line and the plain words."""
    from rich.table import Table

    console.print(
        f"[bold]{result.title}[/bold]: {_settings_words(result)}; bankroll {_money(result.bankroll)}, "
        f"up to {result.rounds:,} rounds, {result.paths:,} simulated sessions on {result.law_words} "
        f"(seed {result.seed})",
        highlight=False,
    )
    share = f"{result.confidence:.0%}"
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("figure", no_wrap=True)
    table.add_column(f"simulated [{share} interval]", justify="right", no_wrap=True)
    table.add_column("exact", justify="right", no_wrap=True)
    rows: list[tuple[str, tuple[str, str]]] = [
        ("expected profit", _amount(result.expected_profit)),
        ("chance of ruin", _chance(result.ruin_probability)),
        ("chance of ending ahead", _chance(result.ahead_probability)),
        ("expected final bankroll", _amount(result.expected_final_bankroll)),
        ("expected total staked", _amount(result.expected_total_staked)),
    ]
    for name, (simulated, exact) in rows:
        table.add_row(name, simulated, exact)
    wald = result.wald_check
    exact_wald = _money(result.exact.wald_expected_profit) if result.exact is not None else ""
    table.add_row("Wald: (c - 1) x staked", _money(result.wald_expected_profit), exact_wald)
    q, eq = result.quantiles, result.exact.quantiles if result.exact is not None else None
    spread = f"{_money(q['5%'])} / {_money(q['50%'])} / {_money(q['95%'])}"
    exact_spread = f"{_money(eq['5%'])}/{_money(eq['50%'])}/{_money(eq['95%'])}" if eq is not None else ""
    table.add_row("final bankroll 5/50/95%", spread, exact_spread)
    d = result.max_drawdown
    table.add_row("max drawdown median/95%", f"{_money(d['50%'])} / {_money(d['95%'])}", "")
    if result.time_to_ruin is not None:
        table.add_row("rounds to ruin (median)", f"{result.time_to_ruin['median']:,.0f}", "")
    console.print(table)
    verdict = "holds" if wald.holds else "does NOT hold"
    console.print(
        f"Wald check {verdict}: simulated profit minus (c - 1) x staked = {_money(wald.gap.estimate)} "
        f"[{wald.gap.low:,.2f}, {wald.gap.high:,.2f}], c = {wald.return_per_dollar:.4g}",
        highlight=False,
    )
    if result.exact_note:
        console.print(f"[yellow]no exact figures[/yellow]: {result.exact_note}", highlight=False)
    if result.kelly_fraction is not None:
        console.print(
            f"Kelly's fraction for this cash-out under the game's law: {result.kelly_fraction:g} "
            "(the stake that grows a bankroll fastest is none)"
        )
    console.print(result.plain_words, highlight=False)
    for key in ("interval", "ruin", "wald", "exact"):
        if key in result.explanations:
            console.print(f"[dim]{result.explanations[key]}[/dim]", highlight=False)


def render_history(result: StrategyResult, console: Console, name: str) -> None:
    """The replay line and the overfitting check's side-by-side table."""
    from rich.markup import escape
    from rich.table import Table

    from aviator.strategy.words import settings_words

    if result.replay is not None:
        r = result.replay
        console.print(
            f"Replay on {escape(name)}: {r.rounds_played:,} rounds played, {r.ended_by}; staked "
            f"{_money(r.total_staked)}, profit {_money(r.profit)} (the game's law expects "
            f"{_money(r.wald_expected_profit)} for those stakes)",
            highlight=False,
        )
    if result.overfit is None:
        return
    o = result.overfit
    table = Table(
        title=f"Overfitting check: {o.settings_tried} settings searched on the first part", show_edge=False
    )
    table.add_column("setting", no_wrap=True)
    table.add_column("first part: profit (ROI)", justify="right", no_wrap=True)
    table.add_column("the rest: profit (ROI)", justify="right", no_wrap=True)
    for row in o.top:
        table.add_row(
            settings_words(row.settings),
            f"{_money(row.in_sample.profit)} ({row.in_sample.roi:+.0%})",
            f"{_money(row.out_of_sample.profit)} ({row.out_of_sample.roi:+.0%})",
        )
    console.print(table)
    console.print(
        f"(first part: rounds 1-{o.split_round:,}; the rest: the next rounds; ROI = profit / bankroll)"
    )
    console.print(
        f"ahead on the first part: {o.in_sample_ahead_share:.0%} of settings; on the rest: "
        f"{o.out_of_sample_ahead_share:.0%} (mean ROI there {o.out_of_sample_mean_roi:+.1%}).",
        highlight=False,
    )
    console.print(
        o.plain_words,
        highlight=False,
    )


def _bad_request(error: ValidationError) -> typer.BadParameter:
    first = error.errors()[0]
    message = str(first.get("msg", error)).removeprefix("Value error, ")
    where = first.get("loc") or ()
    field = str(where[0]) if where else None
    hint = None if field is None else "'RULE'" if field == "rule" else f"'--{field.replace('_', '-')}'"
    return typer.BadParameter(message, param_hint=hint)


def _run(request: StrategyRequest, with_bar: bool) -> StrategyResult:
    """``run_strategy``, with a progress bar on stderr for long runs."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from aviator.strategy.run import run_strategy

    if not with_bar:
        return run_strategy(request)
    columns = (TextColumn(request.rule), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("rounds", total=request.rounds)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return run_strategy(request, progress=progress)


def strategy(
    rule: Annotated[str, typer.Argument(help=f"The rule: {RULES_HELP}.")],
    base: Annotated[
        float, typer.Option("--base", help="Base stake, dollars (percent: the smallest bet).")
    ] = 1.0,
    cashout: Annotated[float, typer.Option("--cashout", help="Auto cash-out (two-bet: the safe one).")] = 2.0,
    bankroll: Annotated[float, typer.Option("--bankroll", help="Starting bankroll, dollars.")] = 100.0,
    rounds: Annotated[int, typer.Option("--rounds", min=1, help="Most rounds in a session.")] = 1000,
    paths: Annotated[int, typer.Option("--paths", min=1, help="Simulated sessions.")] = 10_000,
    rtp: Annotated[
        float | None,
        typer.Option("--rtp", min=0.5, max=1.0, help="Return to player c (default 0.97, or the stream's)."),
    ] = None,
    exact: Annotated[
        bool, typer.Option("--exact", help="Also solve exactly (all rules but percent).")
    ] = False,
    replay: Annotated[
        Path | None, typer.Option("--replay", help="Round file (CSV/JSON): replay the rule on it.")
    ] = None,
    stream: Annotated[
        str | None,
        typer.Option(
            "--stream", help="A stored stream (AVIATOR_DATABASE_URL): replay the rule on its rounds."
        ),
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the result as JSON here.")] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Draw the fan chart (PNG) here.")] = None,
    stop_loss: Annotated[
        float | None, typer.Option("--stop-loss", help="Stop once down this many dollars.")
    ] = None,
    take_profit: Annotated[
        float | None, typer.Option("--take-profit", help="Stop once up this many dollars.")
    ] = None,
    long_base: Annotated[
        float | None, typer.Option("--long-base", help="two-bet: the long bet's stake.")
    ] = None,
    long_cashout: Annotated[float, typer.Option("--long-cashout", help="two-bet: the long cash-out.")] = 10.0,
    streak: Annotated[int, typer.Option("--streak", help="paroli: wins in a row, then back to base.")] = 3,
    fraction: Annotated[
        float, typer.Option("--fraction", help="percent: share of the bankroll staked.")
    ] = 0.02,
    unit: Annotated[float | None, typer.Option("--unit", help="dalembert: the step (default: base).")] = None,
    law: Annotated[
        str,
        typer.Option(
            "--law", help="game; or from the --replay file: empirical (its rounds redrawn) or fitted."
        ),
    ] = "game",
    optimize: Annotated[
        bool,
        typer.Option("--optimize", help="Search settings on the first part of --replay, report the rest."),
    ] = False,
    split: Annotated[float, typer.Option("--split", help="Share of --replay the search uses.")] = 0.5,
    seed: Annotated[
        int | None, typer.Option("--seed", min=0, help="Random seed (default: fresh, printed).")
    ] = None,
) -> None:
    """What a betting rule does to a bankroll: Monte Carlo with intervals, exact figures, the Wald line."""
    from pydantic import ValidationError
    from rich.console import Console
    from rich.markup import escape

    from aviator.cli.backtest import load_series
    from aviator.cli.strategy_plot import draw_fan_chart
    from aviator.core.extras import MissingExtraError
    from aviator.strategy.schema import LocalStrategyRequest

    console = Console()
    history: list[float] | None = None
    if replay is not None and stream is not None:
        raise typer.BadParameter("give --replay FILE or --stream S, not both", param_hint="'--stream'")
    replayed = replay.name if replay is not None else stream
    if stream is not None:
        from aviator.cli.common import settings_or_exit
        from aviator.cli.stored import read_stream

        stored = read_stream(stream, settings_or_exit().database_url)
        if len(stored.values) == 0:
            console.print(f"[red]stream {escape(stream)} has no rounds yet[/red]")
            raise typer.Exit(1)
        history = [float(v) for v in stored.values]
        rtp = stored.rtp if rtp is None else rtp
    if replay is not None:
        if not replay.is_file():
            raise typer.BadParameter(f"no such file: {replay}", param_hint="'--replay'")
        values = load_series([replay], console)
        if len(values) == 0:
            console.print(f"[red]no usable rounds in {escape(str(replay))}[/red]")
            raise typer.Exit(1)
        history = [float(v) for v in values]
    fields: dict[str, Any] = {
        "rule": rule, "base": base, "cashout": cashout, "bankroll": bankroll, "rounds": rounds,
        "paths": paths, "exact": exact, "stop_loss": stop_loss, "take_profit": take_profit,
        "long_base": long_base, "long_cashout": long_cashout, "streak": streak, "fraction": fraction,
        "unit": unit, "law": law, "history": history, "replay": history is not None, "optimize": optimize,
        "split": split, "seed": seed,
    }  # fmt: skip
    if rtp is not None:
        fields["rtp"] = rtp  # else the schema's default: the game's published 0.97
    try:
        request = LocalStrategyRequest(**fields)
    except ValidationError as error:
        raise _bad_request(error) from None
    result = _run(request, with_bar=paths * rounds >= PROGRESS_FROM)
    render(result, console)
    if replayed is not None:
        render_history(result, console, replayed)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(result.model_dump_json(indent=2) + "\n", encoding="utf-8")
        console.print(f"result written to {json_out}")
    if plot is not None:
        try:
            draw_fan_chart(result, plot)
        except MissingExtraError as missing:
            console.print(f"[red]no plot[/red]: {escape(str(missing))}", highlight=False)
            raise typer.Exit(1) from None
        console.print(f"fan chart written to {plot}")
