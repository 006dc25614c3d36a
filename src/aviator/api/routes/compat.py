"""The auto-sync design's endpoints, with its field names and ours (the measured skill always among them)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, HTTPException, status

from aviator.api.deps import ServicesDep, TokenDep

router = APIRouter(prefix="/api", tags=["auto-sync"])


@router.get("/load_csv", summary="What the watched files have brought in, with figures over every round")
async def load_csv(services: ServicesDep) -> dict[str, Any]:
    statistics = await asyncio.to_thread(services.store.round_statistics)
    recent = await asyncio.to_thread(services.store.recent_rounds, 20)
    watcher = services.watcher.status() if services.watcher else None
    last = recent[0] if recent else None
    return {
        "success": True,
        "filename": watcher["last_file"] if watcher else None,
        "total_records": statistics["count"],
        "latest_multiplier": last.multiplier if last else None,
        "latest_timestamp": last.timestamp.isoformat() if last else None,
        "statistics": {key: statistics[key] for key in ("mean", "std", "min", "max", "median")},
        "recent_data": [
            {"timestamp": r.timestamp.isoformat(), "multiplier": r.multiplier, "seq": r.seq} for r in recent
        ],
        "watcher": watcher,
        "skill": services.engine.skill_lines(),
    }


@router.post(
    "/train",
    summary="Train every batch model now; returns the held-out figures of the training",
    dependencies=[TokenDep],
)
async def train(services: ServicesDep) -> dict[str, Any]:
    engine = services.engine
    batch = [model for model in engine.models.values() if model.batch]
    if not batch:
        raise HTTPException(status.HTTP_409_CONFLICT, "no batch model is registered: nothing to train")
    needed = services.settings.retrain_min_rounds
    if engine.rounds_seen < needed:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            f"training needs at least {needed} rounds; {engine.rounds_seen} have been processed",
        )
    reports = [await services.trainer.train_now(model, services.training_series) for model in batch]
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
        else f"trained {', '.join(r.model for r in reports)} on {first.rounds} rounds"
    )
    return {
        "success": not failed,
        "message": message,
        "accuracy": accuracy,
        "models": {
            r.model: {
                "rounds": r.rounds,
                "seconds": r.seconds,
                "scores": r.scores,
                "error": r.error,
                "trained_at": r.finished_at.isoformat(),
            }
            for r in reports
        },
        "note": "held-out figures of the last training; the live skill against house is in `skill`",
        "skill": engine.skill_lines(),
    }
