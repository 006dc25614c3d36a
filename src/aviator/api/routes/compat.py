"""The auto-sync design's endpoints, with its field names and ours (the measured skill always among them)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter

from aviator.api.deps import ServerDep, SessionDep, StreamQuery, TokenDep
from aviator.api.errors import errors
from aviator.api.schemas import LoadCsvResponse, RecentRound, RoundStatistics, TrainedReport, TrainResponse

router = APIRouter(prefix="/api", tags=["auto-sync"])


@router.get(
    "/load_csv",
    summary="What a stream holds (the watched files' by default), with figures over every round",
    responses=errors(404, 422),
)
async def load_csv(server: ServerDep, stream: StreamQuery = None) -> LoadCsvResponse:
    watched = server.watch_stream[0] if server.watch_stream else None
    record = await server.streams.resolve(stream or watched)
    statistics = await asyncio.to_thread(server.store.round_statistics, record.id)
    recent = await asyncio.to_thread(server.store.recent_rounds, record.id, 20)
    watcher = server.watcher.status() if server.watcher else None
    engine = server.engine.streams.get(record.name)
    last = recent[0] if recent else None
    return LoadCsvResponse(
        success=True,
        stream=record.name,
        filename=watcher.last_file if watcher else None,
        total_records=int(statistics["count"] or 0),
        latest_multiplier=last.multiplier if last else None,
        latest_timestamp=last.timestamp.isoformat() if last else None,
        statistics=RoundStatistics.model_validate(
            {k: statistics[k] for k in ("mean", "std", "min", "max", "median")}
        ),
        recent_data=[
            RecentRound(timestamp=r.timestamp.isoformat(), multiplier=r.multiplier, seq=r.stream_seq)
            for r in recent
        ],
        watcher=watcher,
        skill=engine.skill_lines() if engine else [],
    )


@router.post(
    "/train",
    summary="Train every batch model of a stream now; returns the held-out figures of the training",
    dependencies=[TokenDep],
    responses=errors(401, 404, 409, 422),
)
async def train(session: SessionDep, stream: StreamQuery = None) -> TrainResponse:
    reports = await session.train_now(stream)
    engine = await session.stream_engine(stream)
    failed = [r for r in reports if r.error]
    first = reports[0]
    scores = dict(first.scores)
    accuracy = {
        **scores,
        "samples_trained": int(scores.get("samples_trained", 0)),
        "samples_tested": int(scores.get("samples_tested", 0)),
        "total_records": first.rounds,
        "trained_at": first.finished_at.isoformat(),
    }
    message = (
        "; ".join(f"{r.model} failed: {r.error}" for r in failed)
        if failed
        else f"trained {', '.join(r.model for r in reports)} on {first.rounds} rounds of {engine.name}"
    )
    return TrainResponse(
        success=not failed,
        message=message,
        accuracy=accuracy,
        models={
            r.model.rsplit("/", 1)[-1]: TrainedReport(
                rounds=r.rounds,
                seconds=r.seconds,
                scores=r.scores,
                error=r.error,
                trained_at=r.finished_at.isoformat(),
            )
            for r in reports
        },
        note="held-out figures of the last training; the live skill against house is in `skill`",
        skill=engine.skill_lines(),
    )
