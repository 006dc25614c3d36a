"""Rounds: list them newest first, add one or a batch, verify one."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Body, HTTPException, Query, status
from fastapi.responses import JSONResponse

from aviator.api.deps import ServicesDep, TokenDep
from aviator.core.rounds import StoredRound
from aviator.fairness import verify_simulated
from aviator.sources.simulator import SOURCE_NAME

router = APIRouter(prefix="/api/rounds", tags=["rounds"])


@router.get("", summary="Stored rounds, newest first (page with `before`)")
async def list_rounds(
    services: ServicesDep,
    limit: int = Query(50, ge=1, le=1000),
    before: int | None = Query(None, ge=1, description="Only rounds with a smaller seq (the next page)."),
) -> dict[str, Any]:
    rounds = await asyncio.to_thread(services.store.recent_rounds, limit, before)
    next_before = rounds[-1].seq if len(rounds) == limit else None
    return {"rounds": rounds, "next_before": next_before}


@router.post(
    "",
    summary="Add one round or a batch",
    dependencies=[TokenDep],
    responses={
        422: {"description": "Some items were refused (each with its reason); the others were stored."}
    },
)
async def add_rounds(
    services: ServicesDep,
    payload: Any = Body(  # noqa: B008
        ...,
        description="One round {multiplier, timestamp?, round_id?, source?} or a list of them.",
        examples=[{"multiplier": 2.37}, [{"multiplier": 1.0, "round_id": "7"}]],
    ),
) -> JSONResponse:
    items = payload if isinstance(payload, list) else [payload]
    if len(items) > 10_000:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "at most 10,000 rounds per request")
    report = await services.ingestor.submit_raw(items)
    body = {
        "received": len(items),
        "stored": len(report.stored),
        "duplicates": report.duplicates,
        "rejected": [{"index": r.index, "reason": r.reason} for r in report.rejected],
        "rounds": [r.model_dump(mode="json") for r in report.stored],
    }
    code = status.HTTP_422_UNPROCESSABLE_CONTENT if report.rejected else status.HTTP_200_OK
    return JSONResponse(body, status_code=code)


@router.get("/{seq}", summary="One stored round")
async def get_round(services: ServicesDep, seq: int) -> StoredRound:
    found = await asyncio.to_thread(services.store.get_round, seq)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no round with seq {seq}")
    return found


@router.get("/{seq}/verify", summary="Recompute a simulated round from its revealed seeds")
async def verify_round(services: ServicesDep, seq: int) -> dict[str, Any]:
    found = await asyncio.to_thread(services.store.get_round, seq)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no round with seq {seq}")
    if found.fairness is None or found.source != SOURCE_NAME:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"round {seq} came from {found.source!r} without revealed seeds: nothing to verify",
        )
    fair = found.fairness
    seeds = fair.client_seeds
    check = verify_simulated(
        fair.server_seed,
        (seeds[0], seeds[1], seeds[2]),
        fair.server_hash,
        found.multiplier,
        services.settings.rtp,
    )
    return {"round": found.model_dump(mode="json"), "check": check.to_json()}
