"""The live audit of one stream: rounds go in one at a time, the report is ready at any moment.

``LiveAudit.add`` costs O(1) per round (state.py): bins, a few lag products, counters. ``report``
reads the running state, never the history, and gives the offline audit's report for the same
rounds (the Ljung-Box statistics come from the running lag products instead of statsmodels; they
agree to rounding). ``to_state`` / ``from_state`` make it survive a restart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy.typing as npt

from aviator.audit.audit import build_report
from aviator.audit.codec import from_state, to_state
from aviator.audit.law import check_rtp
from aviator.audit.report import AuditReport
from aviator.audit.state import DEFAULT_SEED, AuditState


class LiveAudit:
    """An audit that is updated round by round (see the module docstring)."""

    def __init__(self, rtp: float, seed: int = DEFAULT_SEED, *, state: AuditState | None = None) -> None:
        self._state = state if state is not None else AuditState(rtp=check_rtp(rtp), seed=seed)

    @classmethod
    def from_rounds(cls, multipliers: npt.ArrayLike, rtp: float, seed: int = DEFAULT_SEED) -> LiveAudit:
        """A live audit that has already seen ``multipliers`` (built at once, not round by round)."""
        return cls(rtp, seed, state=AuditState.from_rounds(multipliers, rtp, seed))

    @property
    def rounds(self) -> int:
        return self._state.rounds

    @property
    def rtp(self) -> float:
        return self._state.rtp

    def add(self, multiplier: float) -> None:
        """One more round, in stream order."""
        self._state.add(multiplier)

    def extend(self, multipliers: Iterable[float]) -> None:
        """Several more rounds, in stream order."""
        for multiplier in multipliers:
            self._state.add(multiplier)

    def report(self) -> AuditReport:
        """The audit of every round added so far."""
        return build_report(self._state)

    def to_state(self) -> dict[str, Any]:
        """The audit as a JSON-safe dict."""
        return to_state(self._state)

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> LiveAudit:
        """The audit ``to_state`` saved (ValueError names what is wrong with ``data``)."""
        state = from_state(data)
        return cls(state.rtp, state.seed, state=state)
