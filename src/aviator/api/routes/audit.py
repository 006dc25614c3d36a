"""Is this game fair? The live audit of a stream's rounds against the law its RTP claims."""

from __future__ import annotations

from fastapi import APIRouter

from aviator.api.deps import SessionDep, StreamQuery
from aviator.api.errors import errors
from aviator.audit.report import AuditReport

router = APIRouter(prefix="/api", tags=["audit"])


@router.get(
    "/audit",
    summary="The fairness audit of a stream: return at each cash-out, tail, fit, independence, verdict",
    responses=errors(404, 422),
)
async def audit(session: SessionDep, stream: StreamQuery = None) -> AuditReport:
    return await session.audit(stream)
