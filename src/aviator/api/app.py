"""The FastAPI app factory: REST routers, ``/ws`` and the dashboard, one lifespan for the services."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from aviator import __version__
from aviator.api import ws
from aviator.api.routes import compat, metrics, models, predict, rounds, session, status, verify
from aviator.api.server import Services
from aviator.core.settings import Settings, load_settings

logger = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent.parent / "web"


def _plotly_js() -> Path:
    return Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))


def create_app(settings: Settings | None = None) -> FastAPI:
    """The whole app; the services start with the app's lifespan."""
    settings = settings or load_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = Services(settings)
        app.state.services = services
        app.state.hub = ws.Hub()
        services.hub = app.state.hub
        await services.start()
        pump = asyncio.create_task(app.state.hub.pump(services), name="ws-hub")
        try:
            yield
        finally:
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
            await services.stop()

    app = FastAPI(
        title="Aviator Predictor",
        version=__version__,
        description=(
            "Live rounds of a provably-fair crash game, forecasts from several models, and each model's "
            "measured skill against the game's own odds. Outcomes are random: no model here has shown an "
            "edge unless its score says so."
        ),
        lifespan=lifespan,
    )
    for router in (
        rounds.router,
        predict.router,
        status.router,
        models.router,
        verify.router,
        session.router,
        compat.router,
        metrics.router,
    ):
        app.include_router(router)
    app.include_router(ws.router)

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    async def plotly_js() -> FileResponse:
        path = _plotly_js()
        if not path.is_file():
            raise HTTPException(404, "plotly.min.js is not in the installed plotly package")
        return FileResponse(
            path, media_type="application/javascript", headers={"Cache-Control": "public, max-age=86400"}
        )

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    return app
