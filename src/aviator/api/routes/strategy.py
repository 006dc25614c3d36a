"""What will a betting rule cost? The strategy lab, bounded, in a worker process of its own."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request

from aviator.api.deps import SessionDep
from aviator.api.errors import errors
from aviator.core.errors import InvalidInput, Malformed
from aviator.strategy.schema import StrategyResult

router = APIRouter(prefix="/api", tags=["strategy"])

_BODY = {
    "description": "A rule and its numbers (the fields of StrategyRequest); with `stream`, the laws and "
    "checks that need recorded rounds use that stream's latest rounds. Paths x rounds is capped.",
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "allOf": [
                    {"$ref": "#/components/schemas/StrategyRequest"},
                    {
                        "type": "object",
                        "properties": {"stream": {"type": ["string", "null"], "maxLength": 64}},
                    },
                ]
            },
            "example": {
                "rule": "martingale",
                "base": 1,
                "cashout": 2,
                "bankroll": 100,
                "rounds": 1000,
                "paths": 2000,
            },
        }
    },
}


@router.post(
    "/strategy",
    summary="Exact and simulated outcomes of a betting rule, with the loss no rule escapes (Wald)",
    openapi_extra={"requestBody": _BODY},
    responses=errors(400, 404, 413, 422, 429, 503),
)
async def strategy(session: SessionDep, request: Request) -> StrategyResult:
    try:
        body: Any = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise Malformed(f"the body is not JSON: {exc}", "not_json") from None
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object with a rule and its numbers", "bad_strategy")
    stream = body.pop("stream", None)
    if stream is not None and not isinstance(stream, str):
        raise InvalidInput("stream must be a stream's name", "bad_strategy")
    return await session.strategy(body, stream)
