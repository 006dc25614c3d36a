"""``aviator serve``: the server alone, for deployments where rounds arrive over HTTP or from files.

Only the sources the settings name run (``AVIATOR_SOURCE``; ``none`` unless set). With
``--workers N`` uvicorn starts N processes of ``aviator.api.app:create_app``, each with the settings
of the environment; the lease picks the one that runs the engine and the sources.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from aviator.cli.common import refuse_open_bind, settings_or_exit

APP_FACTORY = "aviator.api.app:create_app"


def log_config(level: str) -> dict[str, Any]:
    """Plain log lines with the pid (uvicorn applies this in every worker)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
        "loggers": {
            "aviator": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        },
    }


def _prepare_multiproc_dir() -> None:
    """Prometheus's multiprocess directory must exist and start empty (old pids' files skew sums)."""
    from aviator.ops.monitor import MULTIPROC_ENV

    directory = os.environ.get(MULTIPROC_ENV)
    if not directory:
        return
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink(missing_ok=True)


def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default AVIATOR_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default AVIATOR_PORT).")] = None,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Server processes (more than one needs PostgreSQL).")
    ] = 1,
    insecure: Annotated[
        bool, typer.Option("--insecure", help="Allow binding beyond loopback without an API token.")
    ] = False,
) -> None:
    """Serve the API, the WebSocket and the dashboard; no simulator unless AVIATOR_SOURCE names it."""
    settings = settings_or_exit()
    bind_host = host or settings.host
    bind_port = port or settings.port
    refuse_open_bind(bind_host, settings.api_token, insecure)
    import uvicorn

    from aviator.store.db import normalize_url

    backend = normalize_url(settings.database_url).split(":", 1)[0]
    if workers > 1 and not backend.startswith("postgresql"):
        typer.echo(
            f"error: --workers {workers} needs a shared store: set AVIATOR_DATABASE_URL=postgresql://... "
            "(and AVIATOR_REDIS_URL=redis://... so every worker's clients get every event at once)",
            err=True,
        )
        raise typer.Exit(2)
    if workers > 1 and not settings.redis_url:
        typer.echo("note: without AVIATOR_REDIS_URL the workers that do not lead see new rounds within ~1 s")
    if "source" not in settings.model_fields_set:
        os.environ["AVIATOR_SOURCE"] = "none"  # the workers read their settings from the environment
    _prepare_multiproc_dir()
    os.environ["AVIATOR_HOST"] = bind_host  # the workers serve the hosts of the address they bind
    source = os.environ.get("AVIATOR_SOURCE", settings.source)
    typer.echo(
        f"Aviator Predictor on http://{bind_host}:{bind_port}: {workers} worker(s), source {source}, "
        f"store {backend}, bus {'redis' if settings.redis_url else 'memory'}  (Ctrl-C stops it)"
    )
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=bind_host,
        port=bind_port,
        workers=workers,
        log_config=log_config(settings.log_level),
        log_level="warning",
        # A worker imports numpy, scipy and scikit-learn before it answers: on a busy machine that
        # takes longer than uvicorn's default 5 s, which would kill and restart it in a loop.
        timeout_worker_healthcheck=60,
        # Every event goes to every client: compressing it once per client (permessage-deflate) was
        # ~45% of the fan-out's CPU in benchmarks/bench_ws_load.py, for events of 0.5-3 KB.
        ws_per_message_deflate=False,
        timeout_graceful_shutdown=3,
    )
