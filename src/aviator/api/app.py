"""The FastAPI app factory: REST routers, ``/ws``, the dashboard and the API docs, one lifespan for
the server (the composition root in ``aviator.api.server``)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import gzip
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.middleware.body_limit import RequestBodyLimitMiddleware
from starlette.middleware.gzip import GZipMiddleware

from aviator import __version__
from aviator.api import ws
from aviator.api.errors import ErrorBody, error_response, install_error_handlers
from aviator.api.guard import TrustBoundary, default_hosts
from aviator.api.routes import (
    audit,
    compat,
    metrics,
    models,
    predict,
    rounds,
    schema,
    session,
    status,
    strategy,
    streams,
    verify,
)
from aviator.api.server import Server
from aviator.core.settings import Settings, load_settings
from aviator.live.ingest import RoundIn
from aviator.strategy.schema import StrategyRequest

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
DESCRIPTION = (
    "Live rounds of provably-fair crash games, per stream (one game as seen by one source), forecasts "
    "from several models, and each model's measured skill against the game's own odds. Outcomes are "
    "random: no model here has shown an edge unless its score says so. Errors are JSON "
    "`{detail, code}`; the WebSocket `/ws` sends events whose schemas are at `/api/schema/events`."
)


#: The lighter plotly build (same API, the trace types the page draws) that `make vendor` installs from
#: the npm registry into the git-ignored vendor/ folder of a source checkout.
_LIGHT_PLOTLY = (
    Path(__file__).resolve().parents[3]
    / "vendor"
    / "node_modules"
    / "plotly.js-basic-dist-min"
    / "plotly-basic.min.js"
)


def _plotly_js() -> Path:
    """The chart library the page loads: the light build when installed, else the plotly wheel's full one."""
    if _LIGHT_PLOTLY.is_file():
        return _LIGHT_PLOTLY
    return Path(str(resources.files("plotly") / "package_data" / "plotly.min.js"))


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with the schemas the hand-documented request bodies refer to."""
    if app.openapi_schema is None:
        document = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = document.setdefault("components", {}).setdefault("schemas", {})
        for model in (RoundIn, StrategyRequest):
            extra = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, definition in extra.pop("$defs", {}).items():
                components.setdefault(name, definition)
            components[model.__name__] = extra
        _errors_are_error_bodies(document)
        app.openapi_schema = document
    return app.openapi_schema


def _errors_are_error_bodies(document: dict[str, Any]) -> None:
    """FastAPI documents request validation as its own HTTPValidationError; the API answers it with
    the one error body of every other failure, so the document says so."""
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            answer = operation.get("responses", {}).get("422")
            schema = (answer or {}).get("content", {}).get("application/json", {}).get("schema", {})
            if schema.get("$ref", "").endswith("/HTTPValidationError"):
                answer["content"] = body
                answer["description"] = "A value is refused; `detail` names each one and why."
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    schemas.setdefault("ErrorBody", ErrorBody.model_json_schema())


def _forget_shared_answers(app: FastAPI) -> None:
    server = getattr(app.state, "server", None)
    if server is not None:
        server.shared_answers.clear()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The whole app; the server starts with the app's lifespan."""
    settings = settings or load_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        server = Server(settings)
        hub = ws.Hub(settings.ws_rate_limit)
        server.hub = hub
        app.state.server, app.state.hub = server, hub
        await server.start()
        # What start-up built (the imported libraries above all, ~300k objects) is never garbage: left
        # in the collector's oldest generation, each full collection walked it and held the event
        # loop for ~170 ms during a 10,000-round import. Frozen, a collection walks only newer objects.
        gc.freeze()
        pump = asyncio.create_task(hub.pump(server), name="ws-hub")
        try:
            yield
        finally:
            gc.unfreeze()
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
            await server.stop()

    app = FastAPIOffline(
        title="Aviator Predictor", version=__version__, description=DESCRIPTION, lifespan=lifespan
    )
    install_error_handlers(app)
    for router in (
        audit.router,
        strategy.router,
        rounds.router,
        predict.router,
        streams.router,
        status.router,
        models.router,
        verify.router,
        session.router,
        compat.router,
        schema.router,
        metrics.router,
    ):
        app.include_router(router)
    app.include_router(ws.router)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]

    compressed: dict[Path, bytes] = {}  # the chart library gzipped once (a megabyte; a third on the wire)

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    async def plotly_js(request: Request) -> Any:
        path = _plotly_js()
        if not path.is_file():
            return error_response(404, "plotly.min.js is not in the installed plotly package", "not_found")
        headers = {"Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}
        if "gzip" not in request.headers.get("accept-encoding", "").lower():
            return FileResponse(path, media_type="application/javascript", headers=headers)
        body = compressed.get(path)
        if body is None:
            body = await asyncio.to_thread(lambda: gzip.compress(path.read_bytes(), 9, mtime=0))
            compressed[path] = body
        return Response(
            body, media_type="application/javascript", headers={**headers, "Content-Encoding": "gzip"}
        )

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
    # Outermost first: the trust boundary, then the body limit (enforced while reading), then gzip.
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=6)
    app.add_middleware(RequestBodyLimitMiddleware, max_body_size=settings.max_body_bytes)
    app.add_middleware(
        TrustBoundary,
        allowed_hosts=default_hosts(settings.host, settings.allowed_hosts),
        allowed_origins=settings.allowed_origins,
        api_token=settings.api_token,
        rate_limit=settings.rate_limit,
        on_change=lambda: _forget_shared_answers(app),
    )
    return app
