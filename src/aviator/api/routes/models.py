"""Models and their measured skill on a stream; the server-wide settings."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path

from aviator.api.deps import SessionDep, StreamQuery, TokenDep
from aviator.api.errors import errors
from aviator.api.schemas import ModelsResponse
from aviator.core.runtime import RuntimeSettings

router = APIRouter(prefix="/api", tags=["models"])


@router.get(
    "/models",
    summary="Every model of a stream: live scores, skill against house, verdict",
    responses=errors(404, 422),
)
async def list_models(session: SessionDep, stream: StreamQuery = None) -> ModelsResponse:
    engine = await session.stream_engine(stream)
    return ModelsResponse(stream=engine.name, selected=session.runtime.model, models=engine.model_reports())


@router.get("/settings", summary="The server-wide settings (each viewer picks its own model and target)")
async def get_settings(session: SessionDep) -> RuntimeSettings:
    return session.runtime


@router.put(
    "/settings",
    summary="Change server-wide settings (any subset)",
    dependencies=[TokenDep],
    responses=errors(400, 401, 404, 422),
)
async def put_settings(
    session: SessionDep,
    changes: Annotated[
        dict[str, Any],
        Body(
            description="Any of target, rtp, window, model (the default for new viewers), auto_train.",
            examples=[{"target": 2.5, "auto_train": False}],
        ),
    ],
) -> RuntimeSettings:
    return await session.update_settings(changes)


@router.post(
    "/models/{name}/select",
    summary="Make this model the default for new viewers",
    dependencies=[TokenDep],
    responses=errors(401, 404),
)
async def select_model(session: SessionDep, name: Annotated[str, Path(max_length=32)]) -> RuntimeSettings:
    return await session.update_settings({"model": name})
