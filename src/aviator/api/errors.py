"""How the HTTP API answers failures: a JSON body ``{detail, code}`` for every status it gives.

Domain errors map by their kind; FastAPI's own request validation, HTTP exceptions and unexpected
errors get the same shape, so a client reads one error format everywhere.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from aviator.core.errors import DomainError, ErrorKind

logger = logging.getLogger(__name__)

STATUS_OF: dict[ErrorKind, int] = {
    ErrorKind.INVALID: 422,
    ErrorKind.MALFORMED: 400,
    ErrorKind.UNAUTHORIZED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.TOO_LARGE: 413,
    ErrorKind.RATE_LIMITED: 429,
    ErrorKind.UNAVAILABLE: 503,
}
_DESCRIPTIONS = {
    400: "The request is malformed (not JSON, or not the media type the route takes).",
    401: "This server requires an API token: send 'Authorization: Bearer <token>'.",
    403: "Refused: the request comes from a page of another origin or an unknown host.",
    404: "No such model, stream or round.",
    409: "The request conflicts with the state (e.g. too few rounds to train, no seeds to verify).",
    413: "The body or the batch is larger than this server takes.",
    422: "A value is refused; `detail` names each one and why.",
    429: "Too many requests from this client: wait `Retry-After` seconds.",
    503: "The store cannot make the write durable right now (or the server is busy); nothing was kept.",
}


class ErrorBody(BaseModel):
    """Every error answer of the API."""

    detail: str | list[str] = Field(description="What went wrong: a sentence, or one line per problem.")
    code: str = Field(description="What went wrong, for machines (e.g. unknown_model, bad_settings).")


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of a route: the error statuses it can give, each with the error body."""
    return {status: {"model": ErrorBody, "description": _DESCRIPTIONS[status]} for status in statuses}


def error_response(
    status: int, detail: str | list[str], code: str, retry_after: float | None = None
) -> JSONResponse:
    headers = {"Retry-After": str(max(1, round(retry_after)))} if retry_after is not None else None
    return JSONResponse(ErrorBody(detail=detail, code=code).model_dump(), status_code=status, headers=headers)


def _validation_lines(exc: RequestValidationError) -> list[str]:
    lines = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body")
        message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
        lines.append(f"{where}: {message}" if where else message)
    return lines


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain(request: Request, exc: DomainError) -> JSONResponse:
        return error_response(STATUS_OF[exc.kind], exc.detail, exc.code, exc.retry_after)

    @app.exception_handler(RequestValidationError)
    async def validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, _validation_lines(exc), "invalid_request")

    @app.exception_handler(StarletteHTTPException)
    async def http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(
            exc.status_code, "http_error"
        )
        return error_response(exc.status_code, str(exc.detail), code)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("%s %s failed", request.method, request.url.path)
        return error_response(500, "internal error: the server's log has the details", "internal")
