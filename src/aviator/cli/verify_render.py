"""How ``aviator verify file`` and ``aviator verify aviator --result`` show their reports on a terminal.

Imported by the commands when they run (it loads rich and the verifiers' records).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from aviator.fairness.batch_records import CHECKS, BatchReport
from aviator.fairness.candidates import CONFIRM_MIN_ROUNDS, CandidateMatch, CandidateVerdict

#: Failures listed on the terminal; the JSON report has all of them (up to its own cap).
SHOWN_FAILURES = 20
CANDIDATES_WORDS = (
    "Each candidate is a mapping that public pages or code use or claim; it is applied to the "
    "round's combined SHA-512 hash and compared with the result you saw. 'confirmed' needs every "
    f"round you give, and at least {CONFIRM_MIN_ROUNDS}; even then it is a match, not Spribe's "
    "formula, which Spribe does not publish."
)


def _ratio(ok: int, checked: int) -> str:
    return f"{ok:,} of {checked:,}" if checked else "none"


def _summary_table(report: BatchReport, file: str) -> Table:
    summary = report.summary
    table = Table(title=f"{summary.game} games in {file}", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("value", overflow="fold")
    verdict = (
        "[green]every check held[/green]" if report.ok else f"[red]{summary.failed:,} row(s) failed[/red]"
    )
    table.add_row("verdict", verdict)
    table.add_row("rows checked", f"{summary.checked:,}")
    table.add_row("passed", f"{summary.passed:,}  (every check that could be made on the row held)")
    table.add_row("failed", f"{summary.failed:,}")
    if summary.not_compared:
        table.add_row("not compared", f"{summary.not_compared:,}  (nothing recorded on the row to compare)")
    for name, count in summary.checks.items():
        table.add_row(f"{name} ok", _ratio(count.ok, count.checked))
    if summary.links_checked or summary.links_skipped:
        table.add_row("links ok", _ratio(summary.links_ok, summary.links_checked))
        if summary.links_skipped:
            table.add_row("links skipped", f"{summary.links_skipped:,}  (game numbers too far apart)")
        table.add_row("order", summary.order or "unknown")
    if summary.tip is not None:
        tip = summary.tip
        reached = "not reached" if tip.steps is None else f"reached in {tip.steps:,} hashings"
        table.add_row("tip", f"{tip.tip}  from line {tip.from_line}: {reached}")
        table.add_row("whole file chains to the tip", "yes" if tip.chain_to_tip else "no")
    return table


def _failures_table(report: BatchReport) -> Table:
    table = Table(title="Failures (line, check, what differed)")
    table.add_column("line", justify="right")
    table.add_column("check")
    table.add_column("what differed", overflow="fold")
    for failure in report.failures[:SHOWN_FAILURES]:
        table.add_row(str(failure.line), failure.check, failure.message)
    return table


def verdicts_table(verdicts: Sequence[CandidateVerdict]) -> Table:
    table = Table(title="Candidate mappings (public sources; none is Spribe's published formula)")
    table.add_column("candidate")
    table.add_column("matched", justify="right")
    table.add_column("status")
    table.add_column("formula / where it comes from", overflow="fold")
    for verdict in verdicts:
        style = (
            "green" if verdict.status == "confirmed" else ("red" if verdict.matched < verdict.rounds else "")
        )
        status = f"[{style}]{verdict.status}[/{style}]" if style else verdict.status
        table.add_row(
            verdict.name,
            f"{verdict.matched} of {verdict.rounds}",
            status,
            f"{verdict.formula}\n{verdict.source}",
        )
    return table


def matches_table(matches: Sequence[CandidateMatch], recorded: float) -> Table:
    table = Table(title=f"Candidate mappings against the result you saw ({recorded:.2f}x)")
    table.add_column("candidate")
    table.add_column("gives", justify="right")
    table.add_column("matches")
    table.add_column("formula / where it comes from", overflow="fold")
    for match in matches:
        gives = "undefined" if match.computed is None else f"{match.computed:.2f}x"
        verdict = "[green]yes[/green]" if match.matches else "no"
        table.add_row(match.name, gives, verdict, f"{match.formula}\n{match.source}")
    return table


def show_report(report: BatchReport, file: str) -> None:
    console = Console(highlight=False)
    console.print(_summary_table(report, file))
    if report.failures:
        console.print(_failures_table(report))
        hidden = report.summary.failures_total - min(len(report.failures), SHOWN_FAILURES)
        if hidden > 0:
            console.print(f"... and {hidden:,} more failure(s): --json OUT writes them.")
    names = set(report.summary.checks) | {failure.check for failure in report.failures}
    if report.summary.links_checked:
        names.add("link")
    console.print("What each check means:")
    for name, words in CHECKS.items():
        if name in names:
            console.print(f"  {name}: {words}.")
    if report.candidates:
        console.print(verdicts_table(report.candidates))
        console.print(CANDIDATES_WORDS)
    for note in report.notes:
        console.print(note)
