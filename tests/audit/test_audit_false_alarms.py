"""The false-alarm rate of the overall verdict on fair rounds is at most the nominal 5%, and the return's
95% interval holds the true return about 95% of the time."""

from __future__ import annotations

from aviator.audit import audit_rounds
from aviator.audit.returns import rtp_estimate
from aviator.audit.state import AuditState
from aviator.fairness.planted import fair_rounds


def test_fair_games_are_called_inconsistent_at_most_5_percent_of_the_time() -> None:
    runs = 200
    verdicts = [audit_rounds(fair_rounds(1_500, 0.97, seed=60_000 + i), 0.97).verdict for i in range(runs)]
    assert set(verdicts) <= {"consistent", "inconsistent"}
    assert verdicts.count("inconsistent") / runs <= 0.05


def test_the_return_interval_holds_the_true_return_19_times_in_20() -> None:
    runs, held = 400, 0
    for i in range(runs):
        state = AuditState.from_rounds(fair_rounds(2_000, 0.97, seed=62_000 + i), 0.97)
        rtp = rtp_estimate(state.hist, state.rounds, 0.97)
        assert rtp.low is not None and rtp.high is not None
        held += rtp.low <= 0.97 <= rtp.high
    # exact (Clopper-Pearson) intervals cover at least 95%; 400 runs put the share within about 2 points
    assert 0.93 <= held / runs <= 0.995
