"""The fan chart of ``aviator strategy --plot``: bankroll bands over rounds, the Wald line in the title.

matplotlib is the optional extra ``plots``; it is imported only here, only when a plot is asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aviator.strategy.schema import StrategyResult


def _title(result: StrategyResult) -> str:
    from aviator.strategy.words import money, settings_words

    ruin = result.ruin_probability
    exact = f" (exact {ruin.exact:.1%})" if ruin.exact is not None else ""
    return (
        f"{result.title}: {settings_words(result.settings)}; bankroll {money(result.bankroll)}, "
        f"{result.paths:,} sessions\nruin {ruin.estimate:.1%}{exact}; Wald: "
        f"({result.wald_check.return_per_dollar:.3g} - 1) x {money(result.expected_total_staked.estimate)} "
        f"staked = {money(result.wald_expected_profit)}"
    )


def draw_fan_chart(result: StrategyResult, path: Path) -> Path:
    """Draw the bands (5-95% and 25-75% of sessions) and the median; the replay's bankroll if any."""
    from aviator.core.extras import need

    matplotlib = need("matplotlib", "plots", "the fan chart")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fan = result.fan_chart
    rounds = fan.rounds
    fig, ax = plt.subplots(figsize=(8.0, 4.6))
    ax.fill_between(
        rounds, fan.bands["5%"], fan.bands["95%"], color="#9ecae1", alpha=0.55, label="90% of sessions"
    )
    ax.fill_between(
        rounds, fan.bands["25%"], fan.bands["75%"], color="#4292c6", alpha=0.6, label="50% of sessions"
    )
    ax.plot(rounds, fan.bands["50%"], color="#08306b", linewidth=1.6, label="median")
    ax.axhline(result.bankroll, color="grey", linestyle=":", linewidth=1, label="starting bankroll")
    if result.replay is not None and result.replay.bankroll:
        played = list(range(0, len(result.replay.bankroll) + 1))
        ax.plot(
            played, [result.bankroll, *result.replay.bankroll], color="#d94801", linewidth=1, label="replay"
        )
    ax.set_xlabel("round")
    ax.set_ylabel("bankroll ($)")
    ax.set_xlim(0, max(rounds[-1], 1))
    ax.set_ylim(bottom=0)
    ax.set_title(_title(result).replace("$", r"\$"), fontsize=9)  # a bare $ starts matplotlib's math text
    ax.legend(loc="upper left", fontsize="small")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=110)
    plt.close(fig)
    return path
