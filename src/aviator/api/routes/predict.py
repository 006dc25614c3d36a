"""The current forecast: ours in full, and the auto-sync design's field names beside it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, status

from aviator.api.deps import ServicesDep
from aviator.api.server import Services
from aviator.core.curve import quantile_multiplier
from aviator.core.forecast import Forecast
from aviator.models.registry import UnknownModelError

router = APIRouter(prefix="/api", tags=["predict"])


def _trend(services: Services) -> str:
    history = list(services.engine.history)[-10:]
    if len(history) < 4:
        return "unknown"
    half = len(history) // 2
    older, newer = sum(history[:half]) / half, sum(history[half:]) / (len(history) - half)
    if newer > older * 1.1:
        return "up"
    if newer < older / 1.1:
        return "down"
    return "flat"


def design_prediction(services: Services, forecast: Forecast) -> dict[str, Any]:
    """The fields the auto-sync design's clients read, computed from our forecast."""
    curve = forecast.curve()
    last = services.engine.last_round
    return {
        "predicted_multiplier": forecast.median,
        "prediction_range": [quantile_multiplier(curve, 0.75), quantile_multiplier(curve, 0.25)],
        "confidence": forecast.p_target,
        "last_actual": last.multiplier if last else None,
        "trend": _trend(services),
        "predicted_at": forecast.made_at.isoformat(),
        "data_points_used": services.engine.rounds_seen,
    }


@router.get("/predict", summary="The forecast of the next round, with every model's measured skill")
async def predict(
    services: ServicesDep,
    model: str | None = Query(None, description="A registered model (default: the selected one)."),
) -> dict[str, Any]:
    name = model or services.runtime.model
    if name not in services.engine.models:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(UnknownModelError(name)))
    payload = services.engine.prediction_payload(name)
    forecast: Forecast = payload["forecast"]
    return {
        "success": True,
        "prediction": {**design_prediction(services, forecast), "model": name},
        **payload,
    }
