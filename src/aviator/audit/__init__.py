"""Is this game fair? The audit of a stream of crash rounds against the law its game claims (pure, no I/O).

The law: P(M >= m) = c/m on the 0.01 grid, P(M = 1.00) = 1 - c/1.01, every round independent of the
others. The audit tests four parts of it (the return at each cash-out, the tail, the fit of the whole
law, independence) and gives one verdict with the family-wise error held at 5% (Holm). See
docs/audit.md.
"""

from aviator.audit.audit import MIN_ROUNDS, audit_rounds, build_report
from aviator.audit.law import GAME_RTP
from aviator.audit.live import LiveAudit
from aviator.audit.report import AuditReport

__all__ = ["GAME_RTP", "MIN_ROUNDS", "AuditReport", "LiveAudit", "audit_rounds", "build_report"]
