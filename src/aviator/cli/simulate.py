"""``aviator simulate``: write a stream of rounds with a planted deviation, as a CSV the other commands read.

A planted stream is a test of the measurement - does ``aviator backtest`` (or the live verdict) find
what was planted, and how many rounds does it take? - never a model of a real game. The file has the
columns timestamp,multiplier, one round every ``--every`` seconds from a fixed start, so ``aviator
backtest`` and ``aviator import`` read it as they read recorded rounds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

#: Timestamps of a simulated file start here (a fixed date, so a seed gives the same file).
START = "2026-01-01T00:00:00+00:00"


def simulate(
    out: Annotated[Path, typer.Option("--out", help="CSV file to write (timestamp,multiplier).")],
    rounds: Annotated[int, typer.Option("--rounds", min=1, max=100_000_000, help="Rounds to write.")],
    plant: Annotated[
        str,
        typer.Option("--plant", help="What to plant: fair, shortfall, cap, thin, lag, regime or periodic."),
    ] = "fair",
    strength: Annotated[
        float, typer.Option("--strength", min=0.0, max=1.0, help="How strongly (0 = the fair law).")
    ] = 0.2,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed (the same seed gives the same file).")
    ] = None,
    rtp: Annotated[float, typer.Option("--rtp", min=0.5, max=1.0, help="Return to player c.")] = 0.97,
    lag: Annotated[int, typer.Option("--lag", min=1, help="lag: rounds between linked rounds.")] = 1,
    threshold: Annotated[
        float, typer.Option("--threshold", min=1.01, help="lag: the multiplier whose reaching is linked.")
    ] = 2.0,
    level: Annotated[
        float, typer.Option("--level", min=1.01, help="cap / thin: where the tail changes.")
    ] = 100.0,
    switch: Annotated[
        float, typer.Option("--switch", min=1e-9, max=1.0, help="regime: chance per round of switching.")
    ] = 0.001,
    period: Annotated[int, typer.Option("--period", min=2, help="periodic: rounds per cycle.")] = 50,
    every: Annotated[
        float, typer.Option("--every", min=0.001, help="Seconds between rounds' timestamps.")
    ] = 10.0,
) -> None:
    """Write N rounds with a planted deviation: a test of the measurement, never a model of a real game."""
    from datetime import datetime, timedelta

    from aviator.fairness.planted import PLANT_KINDS, Plant, planted_rounds

    if plant not in PLANT_KINDS:
        raise typer.BadParameter(
            f"{plant!r} is not a plant; one of {', '.join(PLANT_KINDS)}", param_hint="'--plant'"
        )
    spec = Plant(
        kind=plant,  # type: ignore[arg-type]  # checked against PLANT_KINDS above
        strength=strength,
        level=level,
        threshold=threshold,
        lag=lag,
        switch=switch,
        period=period,
    )
    values = planted_rounds(rounds, spec, rtp=rtp, seed=seed)
    start = datetime.fromisoformat(START)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("timestamp,multiplier\n")
        for i, value in enumerate(values):
            stamp = (start + timedelta(seconds=i * every)).strftime("%Y-%m-%d %H:%M:%S.%f")
            handle.write(f"{stamp},{value:.2f}\n")
    typer.echo(
        f"{rounds} rounds written to {out} (plant {plant}, strength {strength:g}, rtp {rtp:g}, seed {seed}): "
        "a planted stream, a test of the measurement, not a model of a real game"
    )
