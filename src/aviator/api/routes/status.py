"""Health and status (with the auto-sync design's field names beside ours)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter

from aviator.api.deps import ServicesDep
from aviator.api.routes.predict import design_prediction

router = APIRouter(prefix="/api", tags=["status"])


@router.get("/health", summary="Liveness: the process answers and the store is reachable")
async def health(services: ServicesDep) -> dict[str, Any]:
    return {"ok": True, "rounds": services.engine.rounds_seen}


@router.get("/status", summary="What the server is doing: rounds, sources, models, training, system")
async def get_status(services: ServicesDep) -> dict[str, Any]:
    ours = services.status()
    engine = services.engine
    selected = services.runtime.model
    forecast = engine.pending.get(selected)
    watcher = ours["watcher"]
    line = next((item for item in engine.skill_lines() if item["model"] == selected), None)
    return {
        # The design's flag: its one model was a batch model. Here: every batch model is trained.
        "model_trained": all(m.trained for m in engine.models.values() if m.batch),
        "model_accuracy": line,
        "current_prediction": design_prediction(services, forecast) if forecast else None,
        "prediction_history": await asyncio.to_thread(services.store.recent_predictions, 20, selected),
        "auto_train_enabled": services.runtime.auto_train,
        "csv_file": watcher["last_file"] if watcher else None,
        "csv_records": watcher["total_rows"] if watcher else 0,
        "latest_multiplier": ours["latest_multiplier"],
        **ours,
    }
