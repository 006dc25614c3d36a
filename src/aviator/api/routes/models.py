"""Models and their measured skill; the runtime settings (target, RTP, window, selected model)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, HTTPException, status
from pydantic import ValidationError

from aviator.api.deps import ServicesDep, TokenDep
from aviator.api.server import Services
from aviator.core.events import encode_event
from aviator.core.runtime import RuntimeSettings, describe_errors
from aviator.models.registry import UnknownModelError

router = APIRouter(prefix="/api", tags=["models"])


def models_report(services: Services) -> list[dict[str, Any]]:
    """Each model: trained?, rounds seen, live scores, skill with interval, verdict."""
    engine = services.engine
    report = []
    for name, model in engine.models.items():
        summary = engine.tracker.summary(name)
        report.append(
            {
                "name": name,
                "description": model.description,
                "batch": model.batch,
                "trained": model.trained,
                "rounds_seen": model.rounds_seen,
                "selected": name == services.runtime.model,
                **summary,
            }
        )
    return report


@router.get("/models", summary="Every model with its live scores, skill against house and verdict")
async def list_models(services: ServicesDep) -> dict[str, Any]:
    return {"selected": services.runtime.model, "models": models_report(services)}


async def apply_settings(services: Services, changes: dict[str, Any]) -> RuntimeSettings:
    """Validate a partial update; raise 4xx naming the setting, its value and the allowed range."""
    if not isinstance(changes, dict):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "settings must be a JSON object")
    model = changes.get("model")
    if model is not None and model not in services.engine.models:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(UnknownModelError(str(model))))
    try:
        updated = RuntimeSettings.model_validate({**services.runtime.model_dump(), **changes})
    except ValidationError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, describe_errors(exc)) from None
    await services.update_runtime(updated)
    await services.bus.publish(encode_event("settings", updated.model_dump()))
    await services.engine.publish_prediction()
    return updated


@router.get("/settings", summary="The settings users can change while the app runs")
async def get_settings(services: ServicesDep) -> RuntimeSettings:
    return services.runtime


@router.put("/settings", summary="Change settings (any subset)", dependencies=[TokenDep])
async def put_settings(
    services: ServicesDep,
    changes: dict[str, Any] = Body(..., examples=[{"target": 2.5, "model": "empirical"}]),  # noqa: B008
) -> RuntimeSettings:
    return await apply_settings(services, changes)


@router.post("/models/{name}/select", summary="Show this model's forecast", dependencies=[TokenDep])
async def select_model(services: ServicesDep, name: str) -> RuntimeSettings:
    return await apply_settings(services, {"model": name})
