"""``GET /metrics``: Prometheus text format, merged over every worker with PROMETHEUS_MULTIPROC_DIR."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from aviator.api.deps import ServerDep
from aviator.ops.monitor import render_metrics

router = APIRouter(tags=["status"])


@router.get(
    "/metrics",
    summary="Prometheus metrics (text exposition format)",
    response_class=PlainTextResponse,
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "The metrics."}
    },
)
async def metrics(server: ServerDep) -> Response:
    server.monitor.refresh_gauges()
    body = await asyncio.to_thread(render_metrics)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
