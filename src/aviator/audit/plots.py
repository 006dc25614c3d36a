"""The audit's three plots as PNG bytes (matplotlib, from the optional 'plots' extra, imported only here).

- the return at each cash-out with its 95% band against the flat line of the claimed return;
- the survival curve P(M >= m) on log-log axes against the law's c/m;
- the PIT histogram against the even count, with the 95% band of a game that follows the law.
"""

from __future__ import annotations

import io
from typing import Any

from aviator.audit.report import AuditReport
from aviator.core.extras import MissingExtraError, need

PLOT_NAMES: tuple[str, ...] = ("return", "survival", "pit")
#: matplotlib is missing (``aviator.core.extras``: the message names the extra to install).
PlotsUnavailableError = MissingExtraError


def require_matplotlib() -> Any:
    """The pyplot module on the Agg backend, or MissingExtraError saying how to install it."""
    need("matplotlib", "plots", "the audit's plots").use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig: Any, plt: Any) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    return buffer.getvalue()


def _return_plot(report: AuditReport, plt: Any, title: str) -> bytes:
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    points = report.return_curve
    x = [p.cash_out for p in points]
    ax.fill_between(
        x, [p.low for p in points], [p.high for p in points], color="tab:blue", alpha=0.2, label="95% band"
    )
    ax.plot(x, [p.value for p in points], color="tab:blue", linewidth=1.2, label="return in these rounds")
    ax.axhline(
        report.rtp.claimed,
        color="black",
        linestyle="--",
        linewidth=1,
        label=f"claimed {report.rtp.claimed:g}",
    )
    ax.set_xscale("log")
    ax.set_xlabel("cash-out multiplier t")
    ax.set_ylabel("return: t x share of rounds reaching t")
    ax.set_title(f"Return at each cash-out - {title}")
    ax.legend(loc="upper left", fontsize="small")
    return _png(fig, plt)


def _survival_plot(report: AuditReport, plt: Any, title: str) -> bytes:
    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    points = [p for p in report.survival if p.observed > 0]
    x = [p.multiplier for p in points]
    ax.fill_between(
        x,
        [max(p.low, 1e-12) for p in points],
        [p.high for p in points],
        color="tab:orange",
        alpha=0.25,
        label="95% band",
    )
    ax.plot(
        x, [p.observed for p in points], color="tab:orange", linewidth=1.2, label="share of rounds reaching m"
    )
    ax.plot(
        [p.multiplier for p in report.survival],
        [p.law for p in report.survival],
        color="black",
        linestyle="--",
        linewidth=1,
        label="law: c/m",
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("multiplier m")
    ax.set_ylabel("P(M >= m)")
    ax.set_title(f"Survival curve - {title}")
    ax.legend(loc="lower left", fontsize="small")
    return _png(fig, plt)


def _pit_plot(report: AuditReport, plt: Any, title: str) -> bytes:
    fig, ax = plt.subplots(figsize=(7.0, 3.6))
    bins = report.pit_histogram
    width = bins[0].high - bins[0].low if bins else 0.05
    ax.bar(
        [b.low for b in bins],
        [b.count for b in bins],
        width=width,
        align="edge",
        color="tab:green",
        alpha=0.7,
        label="rounds",
    )
    if bins:
        ax.axhspan(bins[0].band_low, bins[0].band_high, color="grey", alpha=0.2, label="95% band for one bar")
        ax.axhline(bins[0].expected, color="black", linestyle="--", linewidth=1, label="even")
        low = min(bins[0].band_low, min(b.count for b in bins))
        high = max(bins[0].band_high, max(b.count for b in bins))
        ax.set_ylim(max(0.0, low - 0.6 * (high - low)), high + 0.3 * (high - low))  # zoomed: not from 0
    ax.set_xlim(0, 1)
    ax.set_xlabel("PIT (where each round falls in the law)")
    ax.set_ylabel("rounds (axis zoomed)")
    ax.set_title(f"PIT histogram - {title}")
    ax.legend(loc="lower right", fontsize="small")
    return _png(fig, plt)


def render_plots(report: AuditReport, title: str) -> dict[str, bytes]:
    """PNG bytes of each plot, keyed by PLOT_NAMES (PlotsUnavailableError without matplotlib)."""
    plt = require_matplotlib()
    return {
        "return": _return_plot(report, plt, title),
        "survival": _survival_plot(report, plt, title),
        "pit": _pit_plot(report, plt, title),
    }
