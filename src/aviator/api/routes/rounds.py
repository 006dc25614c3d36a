"""Rounds: list a stream's rounds newest first, add one or a batch, read or verify one."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import JSONResponse

from aviator.api.deps import ServerDep, SessionDep, StreamQuery, TokenDep
from aviator.api.errors import ErrorBody, errors
from aviator.api.schemas import IngestResponse, Rejected, RoundCheck, RoundsPage
from aviator.core.errors import Malformed, TooLarge
from aviator.core.rounds import StoredRound

router = APIRouter(prefix="/api/rounds", tags=["rounds"])

MAX_BATCH = 10_000
_SEQ = Path(ge=1, le=2**63 - 1, description="The round's number in its stream.")
_ROUNDS_BODY = {
    "description": "One round, or a list of them (at most 10,000). Each item is checked on its own.",
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "oneOf": [
                    {"$ref": "#/components/schemas/RoundIn"},
                    {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/RoundIn"},
                        "maxItems": MAX_BATCH,
                    },
                ]
            },
            "examples": {
                "one": {"value": {"multiplier": 2.37}},
                "batch": {
                    "value": [
                        {"multiplier": 1.0, "round_id": "7"},
                        {"multiplier": 3.12, "source": "casino-a"},
                    ]
                },
            },
        }
    },
}


@router.get(
    "", summary="A stream's stored rounds, newest first (page with `before`)", responses=errors(404, 422)
)
async def list_rounds(
    server: ServerDep,
    stream: StreamQuery = None,
    limit: int = Query(50, ge=1, le=1000),
    before: int | None = Query(None, ge=1, le=2**63 - 1, description="Only rounds numbered below it."),
) -> RoundsPage:
    record = await server.streams.resolve(stream)
    rounds = await asyncio.to_thread(server.store.recent_rounds, record.id, limit, before)
    next_before = rounds[-1].stream_seq if len(rounds) == limit else None
    return RoundsPage(stream=record.name, rounds=rounds, next_before=next_before)


@router.post(
    "",
    summary="Add one round or a batch",
    dependencies=[TokenDep],
    response_model=IngestResponse,
    openapi_extra={"requestBody": _ROUNDS_BODY},
    responses={
        422: {
            "model": IngestResponse | ErrorBody,
            "description": "Some items were refused (each with its reason; the others were stored), or the "
            "request itself was refused (an error body).",
        },
        **errors(400, 401, 413, 503),
    },
)
async def add_rounds(
    server: ServerDep,
    request: Request,
    idempotency_key: Annotated[
        str | None,
        Header(
            max_length=128,
            description="Makes a retry safe: items without a round_id are identified by this key and their "
            "position in the batch, so sending the same request again stores nothing twice.",
        ),
    ] = None,
) -> JSONResponse:
    try:
        payload: Any = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise Malformed(f"the body is not JSON: {exc}", "not_json") from None
    items = payload if isinstance(payload, list) else [payload]
    if len(items) > MAX_BATCH:
        raise TooLarge(
            f"at most {MAX_BATCH:,} rounds per request; this one has {len(items):,}", "batch_too_large"
        )
    report = await server.ingestor.submit_raw(items, idempotency_key)
    body = IngestResponse(
        received=len(items),
        stored=len(report.stored),
        duplicates=report.duplicates,
        rejected=[Rejected(index=r.index, reason=r.reason) for r in report.rejected],
        rounds=report.stored,
    )
    # Rendering 10,000 stored rounds takes ~30 ms: off the event loop.
    return await asyncio.to_thread(_render, body, 422 if report.rejected else 200)


def _render(body: IngestResponse, status: int) -> JSONResponse:
    return JSONResponse(body.model_dump(mode="json"), status_code=status)


@router.get("/{seq}", summary="One stored round", responses=errors(404, 422))
async def get_round(
    session: SessionDep, seq: Annotated[int, _SEQ], stream: StreamQuery = None
) -> StoredRound:
    return await session.round(stream, seq)


@router.get(
    "/{seq}/verify",
    summary="Recompute a round from its revealed seeds (whatever delivered it)",
    responses=errors(404, 409, 422),
)
async def verify_round(
    session: SessionDep, seq: Annotated[int, _SEQ], stream: StreamQuery = None
) -> RoundCheck:
    found, check = await session.verify_round(stream, seq)
    return RoundCheck(round=found, check=check)
