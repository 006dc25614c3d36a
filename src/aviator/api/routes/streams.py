"""Streams: every game as seen by one source, with its counts; a stream's RTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from aviator.api.deps import ServerDep, SessionDep, TokenDep
from aviator.api.errors import errors
from aviator.api.schemas import StreamChange, StreamsResponse
from aviator.core.streams import StreamInfo

router = APIRouter(prefix="/api/streams", tags=["streams"])
_NAME = Path(max_length=64, pattern=r"^[A-Za-z0-9_.:/@-]+$", description="The stream's name.")


@router.get("", summary="Every stream: name, kind, game, RTP, rounds, first and last time, live or idle")
async def list_streams(server: ServerDep) -> StreamsResponse:
    return StreamsResponse(default=server.streams.default_name(), streams=await server.streams.infos())


@router.put(
    "/{name}",
    summary="Measure a stream against another return to player (server-wide)",
    dependencies=[TokenDep],
    responses=errors(400, 401, 404, 422),
)
async def change_stream(
    server: ServerDep, session: SessionDep, name: Annotated[str, _NAME], change: StreamChange
) -> StreamInfo:
    await session.set_stream_rtp(name, change.rtp)
    infos = await server.streams.infos()
    return next(info for info in infos if info.name == name)
