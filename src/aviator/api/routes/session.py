"""The session's data: export a stream (streamed, complete), or reset everything."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from aviator.api.deps import ServerDep, SessionDep, StreamQuery, TokenDep
from aviator.api.errors import errors
from aviator.api.schemas import ResetResponse
from aviator.core.rounds import utcnow
from aviator.live.export import MEDIA_TYPES, ExportFormat

router = APIRouter(prefix="/api", tags=["session"])

_EXPORT_CONTENT = {
    "application/json": {
        "schema": {"type": "object", "description": "header (with counts), rounds, predictions, summary"}
    },
    "application/x-ndjson": {
        "schema": {"type": "string", "description": "one JSON object a line, each with a type"}
    },
    "text/csv": {
        "schema": {"type": "string", "description": "the rounds, in the columns `aviator import` reads"}
    },
}


@router.get(
    "/export",
    summary="A stream's export: every round, scored prediction and the live summary, streamed",
    response_class=StreamingResponse,
    dependencies=[TokenDep],  # a whole stream's data: the token when one is set
    responses={
        200: {"content": _EXPORT_CONTENT, "description": "The export (a download)."},
        **errors(401, 404, 422),
    },
)
async def export_stream(
    server: ServerDep,
    session: SessionDep,
    stream: StreamQuery = None,
    format: Annotated[
        ExportFormat, Query(description="json, jsonl (JSON Lines) or csv (rounds only).")
    ] = ExportFormat.JSON,
) -> StreamingResponse:
    record = await server.streams.resolve(stream)
    snapshot = await asyncio.to_thread(server.exporter.snapshot, record)
    summary = await session.models(record.name) if record.name in server.engine.streams else []
    body = server.exporter.stream(snapshot, format, session.runtime, summary)
    stamp = utcnow().strftime("%Y%m%d_%H%M%S")
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in record.name)
    headers = {
        "Content-Disposition": f'attachment; filename="aviator_{safe}_{stamp}.{format.value}"',
        "X-Export-Rounds": str(snapshot.rounds),
        "X-Export-Predictions": str(snapshot.predictions),
    }
    return StreamingResponse(body, media_type=MEDIA_TYPES[format], headers=headers)


@router.post(
    "/reset",
    summary="Forget the session: every stream's rounds, predictions and scores",
    dependencies=[TokenDep],
    responses=errors(401),
)
async def reset_session(session: SessionDep) -> ResetResponse:
    await session.reset()
    return ResetResponse(success=True, message="session reset: rounds, predictions and scores were deleted")
