"""The auto-sync design's endpoints, with its field names and ours (the measured skill always among them)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter

from aviator.api.deps import ServicesDep

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
