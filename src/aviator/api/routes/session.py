"""The session's data: export everything as JSON, or reset it."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from aviator.api.deps import ServicesDep, TokenDep
from aviator.api.routes.models import models_report
from aviator.core.events import encode_event
from aviator.core.rounds import utcnow

router = APIRouter(prefix="/api", tags=["session"])


@router.get("/export", summary="The session as one JSON file: rounds, predictions, scores, settings")
async def export_session(
    services: ServicesDep,
    limit: int = Query(10_000, ge=1, le=1_000_000, description="Most recent rounds and predictions."),
) -> JSONResponse:
    rounds = await asyncio.to_thread(services.store.recent_rounds, limit)
    predictions = await asyncio.to_thread(services.store.recent_predictions, limit)
    body: dict[str, Any] = {
        "exported_at": utcnow().isoformat(),
        "settings": services.runtime.model_dump(),
        "rounds": [r.model_dump(mode="json") for r in reversed(rounds)],
        "predictions": list(reversed(predictions)),
        "models": models_report(services),
    }
    stamp = utcnow().strftime("%Y%m%d_%H%M%S")
    headers = {"Content-Disposition": f'attachment; filename="aviator_session_{stamp}.json"'}
    return JSONResponse(body, headers=headers)


@router.post("/reset", summary="Forget the session: rounds, predictions, scores", dependencies=[TokenDep])
async def reset_session(services: ServicesDep) -> dict[str, Any]:
    await services.reset()
    await services.bus.publish(encode_event("reset", {"rounds": 0}))
    await services.engine.publish_prediction()
    return {"success": True, "message": "session reset: rounds, predictions and scores were deleted"}
