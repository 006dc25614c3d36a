"""What routes are handed: the running server, the session's operations, the API-token check."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Header, Query, Request

from aviator.api.server import Server
from aviator.core.errors import Unauthorized
from aviator.live.session import Session


# The dependencies are coroutines: FastAPI runs a plain function in its thread pool, a thread hop
# per dependency per request that cost more than the whole status answer.
async def get_server(request: Request) -> Server:
    server: Server = request.app.state.server
    return server


async def get_session(request: Request) -> Session:
    server: Server = request.app.state.server
    return server.session


ServerDep = Annotated[Server, Depends(get_server)]
SessionDep = Annotated[Session, Depends(get_session)]


def token_ok(expected: str | None, given: str | None) -> bool:
    """True when no token is configured, or when ``given`` matches it."""
    if not expected:
        return True
    return given is not None and secrets.compare_digest(expected.encode(), given.encode())


def bearer(authorization: str | None, x_api_token: str | None) -> str | None:
    """The token a request carries (``Authorization: Bearer ...`` or ``X-API-Token``)."""
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return x_api_token


async def require_token(
    server: ServerDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_token: Annotated[str | None, Header()] = None,
) -> None:
    """Requests that change state carry the API token when ``AVIATOR_API_TOKEN`` is set."""
    if not token_ok(server.settings.api_token, bearer(authorization, x_api_token)):
        raise Unauthorized(
            "this server requires an API token: send 'Authorization: Bearer <token>' or 'X-API-Token'",
            "token_required",
        )


TokenDep = Depends(require_token)
#: The ``stream`` query parameter every read takes.
StreamQuery = Annotated[
    str | None,
    Query(
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:/@-]+$",
        description="The stream (one game as seen by one source); default: the main live stream.",
    ),
]
