"""The forecast of a stream's next round: ours in full, and the auto-sync design's field names beside it."""

from __future__ import annotations

from fastapi import APIRouter, Query

from aviator.api.deps import SessionDep, StreamQuery
from aviator.api.errors import errors
from aviator.api.schemas import DesignPrediction, PredictResponse
from aviator.core.curve import quantile_multiplier
from aviator.live.events import PredictionPayload
from aviator.live.stream_engine import StreamEngine

router = APIRouter(prefix="/api", tags=["predict"])


def _trend(engine: StreamEngine) -> str:
    history = list(engine.history)[-10:]
    if len(history) < 4:
        return "unknown"
    half = len(history) // 2
    older, newer = sum(history[:half]) / half, sum(history[half:]) / (len(history) - half)
    if newer > older * 1.1:
        return "up"
    if newer < older / 1.1:
        return "down"
    return "flat"


def design_prediction(engine: StreamEngine, payload: PredictionPayload) -> DesignPrediction:
    """The fields the auto-sync design's clients read, computed from our forecast."""
    forecast = payload.forecast
    curve = forecast.curve()
    last = engine.last_round
    return DesignPrediction(
        model=forecast.model,
        predicted_multiplier=forecast.median,
        prediction_range=[quantile_multiplier(curve, 0.75), quantile_multiplier(curve, 0.25)],
        confidence=forecast.p_target,
        last_actual=last.multiplier if last else None,
        trend=_trend(engine),
        predicted_at=forecast.made_at.isoformat(),
        data_points_used=engine.rounds_seen,
    )


@router.get(
    "/predict",
    summary="The forecast of a stream's next round, every model's, with every model's measured skill",
    responses=errors(404, 422),
)
async def predict(
    session: SessionDep,
    stream: StreamQuery = None,
    model: str | None = Query(
        None, max_length=32, description="A registered model (default: the default one)."
    ),
    target: float | None = Query(
        None, ge=1.01, le=1000, description="Cash-out target (default: the server's)."
    ),
) -> PredictResponse:
    engine = await session.stream_engine(stream)
    payload = await session.prediction(engine.name, model, target)
    return PredictResponse(success=True, prediction=design_prediction(engine, payload), **dict(payload))
