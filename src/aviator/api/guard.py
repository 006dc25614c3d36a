"""The trust boundary in front of every route and the WebSocket (a plain ASGI middleware).

- **Host allow-list**: a request whose ``Host`` is not one of ``AVIATOR_ALLOWED_HOSTS`` (loopback names
  and the bind address by default) is refused, so a DNS-rebinding page cannot reach the server.
- **Origin**: a request that changes state (any method but GET, HEAD, OPTIONS), and a WebSocket
  handshake, from a page of another origin is refused (``Origin``, or ``Sec-Fetch-Site`` when there is
  no ``Origin``). The server's own origin and ``AVIATOR_ALLOWED_ORIGINS`` are allowed.
- **JSON only**: a state change with a body must send ``Content-Type: application/json`` (no form posts).
- **The API token** (when ``AVIATOR_API_TOKEN`` is set) is checked before the body is read.
- **Rate limit** per client address (``AVIATOR_RATE_LIMIT`` requests a second, bursts of twice that):
  429 with ``Retry-After``.
- **Security headers** on every answer: a Content-Security-Policy with no inline script (the API docs
  get their own, which their pages need), frame-ancestors 'none' and X-Frame-Options, nosniff,
  a same-origin Referrer-Policy.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aviator.api.deps import bearer, token_ok

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
#: State changes that need no token: pure computations on what the request itself carries.
TOKEN_FREE = ("/api/verify/", "/api/strategy")
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https:; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")


def host_name(value: str) -> str:
    """The host of a ``Host`` header or of an origin, without its port, lower case."""
    text = value.strip().lower()
    if text.startswith("["):  # [::1]:8765
        return text[1 : text.index("]")] if "]" in text else text
    if text.count(":") == 1:
        return text.split(":", 1)[0]
    return text


@dataclass
class Bucket:
    """A token bucket: ``rate`` a second, up to ``burst`` at once."""

    rate: float
    burst: float
    tokens: float = -1.0
    stamp: float = field(default_factory=time.monotonic)

    def take(self, now: float | None = None) -> float:
        """0 when a request may go now, else the seconds until it may."""
        now = time.monotonic() if now is None else now
        if self.tokens < 0:
            self.tokens = self.burst
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


class RateLimiter:
    """A bucket per client address (the oldest forgotten beyond ``keep`` addresses)."""

    def __init__(self, rate: float, keep: int = 10_000) -> None:
        self.rate = rate
        self.keep = keep
        self._buckets: dict[str, Bucket] = {}

    def wait(self, address: str) -> float:
        bucket = self._buckets.get(address)
        if bucket is None:
            if len(self._buckets) >= self.keep:
                self._buckets.pop(next(iter(self._buckets)))
            bucket = self._buckets[address] = Bucket(self.rate, 2 * self.rate)
        return bucket.take()


async def _refuse(send: Send, status: int, detail: str, code: str, retry_after: float | None = None) -> None:
    headers = [(b"content-type", b"application/json"), *_security_headers("/")]
    if retry_after is not None:
        headers.append((b"retry-after", str(max(1, round(retry_after + 0.5))).encode()))
    body = json.dumps({"detail": detail, "code": code}).encode()
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _security_headers(path: str) -> list[tuple[bytes, bytes]]:
    csp = DOCS_CSP if path.startswith(DOCS_PATHS) else PAGE_CSP
    return [
        (b"content-security-policy", csp.encode()),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    ]


class TrustBoundary:
    """The checks of the module docstring, in that order, before the app sees a request."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        allowed_hosts: Iterable[str],
        allowed_origins: Iterable[str],
        api_token: str | None,
        rate_limit: float,
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self.app = app
        self.allowed_hosts = {host_name(h) for h in allowed_hosts} | {"*"} & {
            h.strip() for h in allowed_hosts
        }
        self.allowed_origins = {o.strip().rstrip("/").lower() for o in allowed_origins if o.strip()}
        self.api_token = api_token
        self.limiter = RateLimiter(rate_limit) if rate_limit > 0 else None
        #: Called after every request that may have changed state (shared answers are then stale).
        self.on_change = on_change

    def _host_ok(self, host: str) -> bool:
        return "*" in self.allowed_hosts or host_name(host) in self.allowed_hosts

    def _origin_ok(self, headers: Headers, scheme: str) -> bool:
        origin = headers.get("origin")
        if origin is None:
            # No Origin: a same-origin GET, a tool like curl, or an old browser; Sec-Fetch-Site tells.
            return headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")
        origin = origin.strip().rstrip("/").lower()
        if origin in self.allowed_origins:
            return True
        parts = urlsplit(origin)
        own = f"{scheme}://{headers.get('host', '').lower()}"
        return origin == own and parts.hostname is not None and self._host_ok(parts.netloc)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        path: str = scope.get("path", "")
        if not self._host_ok(headers.get("host", "")):
            await self._deny(
                scope, send, 403, f"host {headers.get('host', '')!r} is not served here", "bad_host"
            )
            return
        secure = scope.get("scheme") in ("https", "wss")
        if scope["type"] == "websocket":
            if not self._origin_ok(headers, "https" if secure else "http"):
                await send({"type": "websocket.close", "code": 1008, "reason": "foreign origin"})
                return
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if self.limiter is not None and path.startswith("/api/"):
            client = scope.get("client")
            wait = self.limiter.wait(client[0] if client else "unknown")
            if wait > 0:
                await _refuse(
                    send, 429, "too many requests from this address: slow down", "rate_limited", wait
                )
                return
        if method not in SAFE_METHODS:
            if not self._origin_ok(headers, "https" if secure else "http"):
                detail = "refused: the request comes from a page of another origin"
                await _refuse(send, 403, detail, "foreign_origin")
                return
            needs_token = self.api_token and not path.startswith(TOKEN_FREE)
            if needs_token and not token_ok(
                self.api_token, bearer(headers.get("authorization"), headers.get("x-api-token"))
            ):
                detail = (
                    "this server requires an API token: send 'Authorization: Bearer <token>' or 'X-API-Token'"
                )
                await _refuse(send, 401, detail, "token_required")
                return
            has_body = headers.get("content-length", "0") not in ("", "0") or "transfer-encoding" in headers
            kind = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if (has_body or kind) and kind != "application/json":
                detail = (
                    f"state changes take JSON bodies (Content-Type: application/json), not {kind or 'none'!r}"
                )
                await _refuse(send, 400, detail, "not_json")
                return
        try:
            await self.app(scope, receive, self._with_headers(send, path))
        finally:
            if method not in SAFE_METHODS:
                self.on_change()

    async def _deny(self, scope: Scope, send: Send, status: int, detail: str, code: str) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": detail[:120]})
        else:
            await _refuse(send, status, detail, code)

    @staticmethod
    def _with_headers(send: Send, path: str) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _security_headers(path):
                    headers.setdefault(name.decode(), value.decode())
            await send(message)

        return sending


def default_hosts(bind: str, extra: Iterable[str]) -> list[str]:
    """The hosts served: loopback names, the bind address and ``extra``. Bound to every address, the
    machine's own names and addresses are the bind address."""
    hosts = [*LOOPBACK_HOSTS, *(h for h in extra if h)]
    if bind not in ("0.0.0.0", "::", ""):
        return [*hosts, bind]
    name = socket.gethostname()
    hosts += [name, socket.getfqdn()]
    with contextlib.suppress(OSError):
        hosts += socket.gethostbyname_ex(name)[2]
    return hosts
