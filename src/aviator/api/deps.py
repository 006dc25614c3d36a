"""Injected things: the running services and the API-token check."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status

from aviator.api.server import Services


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def token_ok(expected: str | None, given: str | None) -> bool:
    """True when no token is configured, or when ``given`` matches it."""
    if not expected:
        return True
    return given is not None and secrets.compare_digest(expected.encode(), given.encode())


def require_token(
    services: ServicesDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_token: Annotated[str | None, Header()] = None,
) -> None:
    """Requests that change state carry the API token when ``AVIATOR_API_TOKEN`` is set."""
    given = x_api_token
    if authorization and authorization.lower().startswith("bearer "):
        given = authorization[7:].strip()
    if not token_ok(services.settings.api_token, given):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "this server requires an API token: send 'Authorization: Bearer <token>' or 'X-API-Token'",
        )


TokenDep = Depends(require_token)
