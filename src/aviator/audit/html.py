"""The audit as one self-contained HTML page: the verdict, every test in plain words, the plots inline."""

from __future__ import annotations

import base64
from html import escape

from aviator.audit.report import AuditReport, AuditTest

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
body { color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.verdict { padding: 0.8rem 1rem; border-radius: 6px; font-size: 1.05rem; }
.consistent { background: #e7f5e9; } .inconsistent { background: #fdecea; } .too_few { background: #f1f1f1; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; } .failed { color: #b00020; font-weight: 600; }
.help { color: #555; font-size: 0.85rem; } img { max-width: 100%; }
"""


def _p(value: float) -> str:
    return "< 0.0001" if value < 1e-4 else f"{value:.4f}"


def _figure(images: dict[str, bytes], name: str, caption: str) -> str:
    if name not in images:
        return ""
    data = base64.b64encode(images[name]).decode("ascii")
    image = f'<img alt="{escape(caption)}" src="data:image/png;base64,{data}">'
    return f'<figure>{image}<figcaption class="help">{escape(caption)}</figcaption></figure>'


def _row(test: AuditTest) -> str:
    result = "passed" if test.passed else '<span class="failed">FAILED</span>'
    words = f"{escape(test.name)}<div class='help'>{escape(test.detail)}</div>"
    words += f"<div class='help'><em>{escape(test.help)}</em></div>"
    numbers = f"<td class='num'>{_p(test.p_value)}</td><td class='num'>{_p(test.p_adjusted)}</td>"
    return f"<tr><td>{escape(test.part)}</td><td>{words}</td>{numbers}<td>{result}</td></tr>"


def _facts(report: AuditReport) -> list[str]:
    rtp, crashes, power = report.rtp, report.instant_crashes, report.power
    facts = [f"Rounds audited: {report.rounds:,}; claimed return {rtp.claimed:g}."]
    if rtp.estimate is not None:
        facts.append(
            f"Return estimated from the rounds: {rtp.estimate:.4f} "
            f"(95% interval {rtp.low:.4f} to {rtp.high:.4f})."
        )
    if crashes.rate is not None:
        facts.append(
            f"Instant crashes at 1.00x: {crashes.observed:,} ({crashes.rate:.2%}); "
            f"the law says {crashes.expected_rate:.2%}."
        )
    if report.tail_break is not None:
        facts.append(f"The tail stops following the law at about {report.tail_break:g}x.")
    if power is not None and power.rtp_shortfall is not None:
        facts.append(
            f"With this many rounds a return {power.rtp_shortfall:.4f} lower "
            f"(so {power.rtp_detectable:.4f}) is caught at least 8 times in 10."
        )
    if power is not None and power.cap_below is not None:
        facts.append(f"Any cap on results below {power.cap_below:g}x is caught at least 8 times in 10.")
    return facts


def render_html(report: AuditReport, images: dict[str, bytes], title: str) -> str:
    """The page (no external resource: styles inline, plots as data URIs)."""
    help_text = report.help
    header = "<tr><th>part</th><th>test</th><th>p-value</th><th>adjusted</th><th>result</th></tr>"
    rows = "".join(_row(test) for test in report.tests)
    table = f"<table>{header}{rows}</table>" if rows else "<p>No test run yet.</p>"
    figures = "".join(
        [
            _figure(images, "return", help_text["return_curve"]),
            _figure(images, "survival", help_text["survival"]),
            _figure(images, "pit", help_text["pit_histogram"]),
        ]
    )
    verdict = f"<strong>{escape(report.verdict)}</strong>: {escape(report.verdict_words)}"
    p_help = f"{escape(help_text['p_value'])} {escape(help_text['p_adjusted'])}"
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Is this game fair? {escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>Is this game fair? {escape(title)}</h1>"
        f"<p class='verdict {report.verdict}'>{verdict}</p>"
        f"<p class='help'>{escape(help_text['verdict'])}</p>"
        "<ul>" + "".join(f"<li>{escape(fact)}</li>" for fact in _facts(report)) + "</ul>"
        f"<h2>The tests</h2><p class='help'>{p_help}</p>{table}"
        f"<h2>The plots</h2>{figures}"
        "<p class='help'>Nothing here predicts a round or promises winnings: the audit checks whether the "
        "game's results follow the law it claims.</p></body></html>\n"
    )
