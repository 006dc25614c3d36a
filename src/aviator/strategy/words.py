"""The plain words of a result: the sentence of what a rule costs, and what each figure means.

Every sentence is built from measured figures; none promises winnings: the expected loss is always
stated, from the game's law (c) and what the rule stakes.
"""

from __future__ import annotations


def money(dollars: float) -> str:
    """$1,840 for large amounts, $5.25 for small ones (the sign in front: -$3.10)."""
    sign = "-" if dollars < 0 else ""
    amount = abs(dollars)
    return f"{sign}${amount:,.0f}" if amount >= 100 else f"{sign}${amount:,.2f}"


def percent(share: float) -> str:
    """A chance as a percentage with sensible digits (0.4%, 37%, 99.2%)."""
    value = 100.0 * share
    if value == 0.0 or value == 100.0:
        return f"{value:.0f}%"
    if value < 1.0 or value > 99.0:
        return f"{value:.1f}%"
    return f"{value:.0f}%"


def _cents(per_dollar: float) -> str:
    value = round(100.0 * per_dollar, 1)
    text = f"{value:g}"
    return f"{text} cent" if text == "1" else f"{text} cents"


def cost_sentence(rtp: float, staked: float, rounds: int, ruin: float, law_return: float | None) -> str:
    """The issue's sentence: the loss per dollar staked, what the rule stakes, what that costs.

    ``staked`` is the measured expected total staked (dollars), ``ruin`` the measured chance of ruin;
    ``law_return`` is what a dollar returned on recorded rounds, when the run used them.
    """
    if staked <= 0:
        return (
            "This rule stakes nothing, so it neither wins nor loses: not betting is the only way not to lose."
        )
    loss = (1.0 - rtp) * staked
    words = (
        f"On average you lose {_cents(1.0 - rtp)} of every dollar you stake; with this rule you stake "
        f"{money(staked)} on average over {rounds:,} rounds, so you lose about {money(loss)}."
    )
    if law_return is not None:
        words = (
            f"On the recorded rounds a dollar staked this way came back as {money(law_return)}: that is what "
            f"those rounds did, not what the next ones will do. Under the game's law (return {rtp:g}), "
            + words[0].lower()
            + words[1:]
        )
    if ruin > 0:
        words += f" In {percent(ruin)} of sessions the bankroll could not cover the next stake (ruin)."
    return words


def overfit_sentence(
    tried: int, first_rounds: int, rest_rounds: int, best_in: float, best_out: float, rtp: float
) -> str:
    """What the overfitting check shows, in one paragraph (ROIs as shares of the bankroll)."""
    return (
        f"The best of {tried} settings, chosen on the first {first_rounds:,} rounds, made {best_in:+.0%} of "
        f"the bankroll there; the same settings made {best_out:+.0%} on the next {rest_rounds:,}. A setting "
        f"picked because it did best on past rounds was the luckiest of {tried} tries, not a better rule: "
        f"under the game's law every setting loses {_cents(1.0 - rtp)} of every dollar it stakes."
    )


def explanations(confidence: float, exact: bool) -> dict[str, str]:
    """What each figure and statistical word shown means, in plain words."""
    share = f"{confidence:.0%}"
    words = {
        "interval": (
            f"Simulated figures come with a {share} interval: the range that holds the true value {share} "
            "of the time, given the randomness of the simulation. More paths make it narrower."
        ),
        "ruin": (
            "Ruin: the rule's next stake is more than the bankroll, so it cannot be placed and the "
            "session ends."
        ),
        "ending ahead": (
            "Ending ahead: the share of sessions that finished with more than the starting bankroll."
        ),
        "total staked": (
            "Total staked: every stake placed during a session, added up (the money put at risk)."
        ),
        "wald": (
            "Wald's identity: every bet returns on average the same share of its stake (c, the return "
            "to player), whatever happened before, so any rule's expected profit is (c - 1) x its expected "
            "total staked. No rule changes that share; a rule only changes how much is staked and how the "
            "bankroll swings on the way."
        ),
        "quantiles": (
            "Bankroll percentiles: 5% of sessions ended at or below the 5% figure, half at or below the "
            "median (50%), and so on."
        ),
        "drawdown": "Max drawdown: the largest fall of the bankroll from its highest point during a session.",
        "fan chart": (
            "Fan chart: at each round, the bands hold the middle 50% and the middle 90% of the sessions' "
            "bankrolls; the line is the median. A session that ended keeps its last bankroll."
        ),
    }
    if exact:
        words["exact"] = (
            "Exact: computed over every possible sequence of rounds, with no randomness. The simulated "
            "figures should fall within their intervals around it."
        )
    return words


def settings_words(settings: dict[str, object]) -> str:
    """A rule's settings in plain words: base $1.00, cash-out 2x, streak 3."""
    parts = []
    for key, value in settings.items():
        if not isinstance(value, int | float):
            continue
        if key in ("base", "long_base", "unit"):
            parts.append(f"{key.replace('_', ' ')} {money(value)}")
        elif key in ("cashout", "long_cashout"):
            parts.append(f"{key.replace('_', ' ').replace('cashout', 'cash-out')} {value:g}x")
        else:
            parts.append(f"{key} {value:g}")
    return ", ".join(parts)
