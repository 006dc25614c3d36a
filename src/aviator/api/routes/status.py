"""Health and status (with the auto-sync design's field names beside ours)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.exc import SQLAlchemyError

from aviator.api.deps import ServerDep, StreamQuery
from aviator.api.errors import errors
from aviator.api.routes.predict import design_prediction
from aviator.api.schemas import Health, Ready, StatusResponse
from aviator.api.server import Server
from aviator.core.streams import StreamInfo
from aviator.store.durability import reason

router = APIRouter(prefix="/api", tags=["status"])


@router.get("/health", summary="Liveness: the process answers (see /api/ready for the store)")
async def health(server: ServerDep) -> Health:
    return Health(ok=True, rounds=server.engine.rounds_seen)


@router.get(
    "/ready",
    summary="Readiness: a real write and read of the store; 503 with the reason when it cannot be done",
    responses=errors(503),
)
async def ready(server: ServerDep) -> Ready:
    await asyncio.to_thread(server.store.probe)
    return Ready(ready=True, store=server.store.dialect)


@router.get(
    "/status",
    summary="What the server is doing: rounds, sources, models, training, system (per stream where it is)",
    response_model=StatusResponse,
    responses=errors(404, 422),
)
async def get_status(server: ServerDep, stream: StreamQuery = None) -> Response:
    name = (await server.streams.resolve(stream)).name if stream else server.streams.default_name()

    async def build() -> bytes:
        return (await _status(server, name)).model_dump_json().encode()

    # Pages poll this: one answer a moment, shared by every client that asks meanwhile.
    body = await server.shared_answers.get(f"status:{name}", build)
    return Response(body, media_type="application/json")


async def _status(server: Server, name: str) -> StatusResponse:
    report = server.status(name)
    engine = server.engine.streams.get(name)
    selected = server.runtime.model
    line = next((item for item in engine.skill_lines() if item.model == selected), None) if engine else None
    history: list[dict[str, Any]] = []
    streams: list[StreamInfo] = []
    try:
        if engine:
            history = await asyncio.to_thread(server.store.recent_predictions, engine.stream.id, 20, selected)
        streams = await server.streams.infos()
    except (SQLAlchemyError, OSError) as exc:
        # The store cannot be read: the status says so (what it would have read stays empty)
        # rather than failing with a 500 when the store's state is what the reader wants to know.
        found = f"the store cannot be read ({reason(exc)})"
        report = report.model_copy(update={"store_error": report.store_error or found})
    watcher = report.watcher
    return StatusResponse(
        **dict(report),
        # The design's flag: its one model was a batch model. Here: every batch model is trained.
        model_trained=engine is not None and all(m.trained for m in engine.models.values() if m.batch),
        model_accuracy=line,
        current_prediction=design_prediction(engine, engine.prediction()) if engine else None,
        prediction_history=history,
        auto_train_enabled=server.runtime.auto_train,
        csv_file=watcher.last_file if watcher else None,
        csv_records=watcher.total_rows if watcher else 0,
        streams=streams,
    )
