"""Domain errors: what went wrong, in words and as a machine-readable code.

Operations raise these and know nothing of HTTP or WebSockets; each transport maps the ``kind`` to
its own answer (a status code, an ``error`` event) with the same message and code.
"""

from __future__ import annotations

from enum import StrEnum


class ErrorKind(StrEnum):
    """What sort of failure: the transports map each to their own answer."""

    INVALID = "invalid"
    MALFORMED = "malformed"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    TOO_LARGE = "too_large"
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"


class DomainError(Exception):
    """An operation refused or failed; ``detail`` is a sentence or one line per problem."""

    kind: ErrorKind = ErrorKind.INVALID

    def __init__(self, detail: str | list[str], code: str, *, retry_after: float | None = None) -> None:
        super().__init__(detail if isinstance(detail, str) else "; ".join(detail))
        self.detail = detail
        self.code = code
        self.retry_after = retry_after

    def __reduce__(self) -> tuple[object, ...]:
        # Raised in a worker process, it travels back whole (the default keeps only the message).
        return (_rebuild, (type(self), self.detail, self.code, self.retry_after))


def _rebuild(
    kind: type[DomainError], detail: str | list[str], code: str, retry_after: float | None
) -> DomainError:
    error = kind.__new__(kind)
    DomainError.__init__(error, detail, code, retry_after=retry_after)
    return error


class InvalidInput(DomainError):
    kind = ErrorKind.INVALID


class Malformed(DomainError):
    """The request itself cannot be read (not JSON, the wrong media type)."""

    kind = ErrorKind.MALFORMED


class Unauthorized(DomainError):
    kind = ErrorKind.UNAUTHORIZED


class Forbidden(DomainError):
    kind = ErrorKind.FORBIDDEN


class NotFound(DomainError):
    kind = ErrorKind.NOT_FOUND


class Conflict(DomainError):
    kind = ErrorKind.CONFLICT


class TooLarge(DomainError):
    kind = ErrorKind.TOO_LARGE


class RateLimited(DomainError):
    kind = ErrorKind.RATE_LIMITED


class Unavailable(DomainError):
    kind = ErrorKind.UNAVAILABLE


class StoreUnavailable(Unavailable):
    """The store cannot make a write durable right now (gone, full, locked, away)."""


class UnknownModelError(NotFound):
    """A model name that is not registered; the message lists the known ones."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(f"unknown model {name!r}; known models: {', '.join(known)}", "unknown_model")
        self.name = name


class UnknownStreamError(NotFound):
    """A stream name that has no rounds and no registration; the message lists the known ones."""

    def __init__(self, name: str, known: list[str]) -> None:
        listed = ", ".join(known) if known else "none yet"
        super().__init__(f"unknown stream {name!r}; known streams: {listed}", "unknown_stream")
        self.name = name
