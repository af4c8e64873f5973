"""The gate every request passes: body size, origin of state changes, security headers, and
the answer when something unforeseen fails.

One ASGI middleware, outermost among ours, so that even a refusal it makes itself carries the
security headers, and a body too large is refused before anything parses it.

* Bodies are read up to ``web_max_body_bytes`` and no further (413 past it, whatever the
  Content-Length claims).
* A state-changing request (POST, PUT, PATCH, DELETE) sent by a browser from another site is
  refused with 403: the Origin header (or, without one, Sec-Fetch-Site or the Referer) must be
  this server. Scripts send none of these and are judged by their session and CSRF token.
* Every answer carries a Content-Security-Policy without inline scripts, frame-ancestors
  'none' and X-Frame-Options DENY, nosniff, and Referrer-Policy same-origin.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from compliance.messages import message
from compliance.web.errors import refusal

log = logging.getLogger(__name__)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# FastAPI's /docs and /redoc pages are its own (no data of ours in them): they start from an
# inline script and load Swagger UI / ReDoc from jsDelivr.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com "
    "https://cdn.redoc.ly; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}


class Guard:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app, self.max_body_bytes = app, max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = CSP if not scope["path"].startswith(DOCS_PATHS) else DOCS_CSP
        started = False

        async def send_secured(msg: Message) -> None:
            nonlocal started
            if msg["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in msg.get("headers", []) if k.decode() not in HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                headers.append((b"content-security-policy", csp.encode()))
                msg = {**msg, "headers": headers}
            await send(msg)

        request = Request(scope)
        if scope["method"] in UNSAFE_METHODS and not _same_origin(request):
            await self._refuse(request, 403, "web.cross_origin", send_secured)
            return
        body = await _read_body(receive, self.max_body_bytes)
        if body is None:
            await self._refuse(
                request, 413, "web.body_too_large", send_secured, limit=self.max_body_bytes
            )
            return
        try:
            await self.app(scope, _replay(body, receive), send_secured)
        except Exception:
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if started:
                raise
            await self._refuse(request, 500, "web.server_error", send_secured)

    @staticmethod
    async def _refuse(request: Request, status: int, code: str, send: Send, **params: Any) -> None:
        response = refusal(request, status, message(code, **params), code)
        await response(request.scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None when it is longer than ``limit`` (reading stops there)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        msg = await receive()
        if msg["type"] != "http.request":  # the client went away
            break
        chunk = msg.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not msg.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the disconnect, as servers do

    return replay


def _host(netloc: str, scheme: str) -> str:
    default = {"http": ":80", "https": ":443"}.get(scheme, "")
    netloc = netloc.strip().lower()
    return netloc[: -len(default)] if default and netloc.endswith(default) else netloc


def _same_origin(request: Request) -> bool:
    """Whether a state-changing request comes from a page of this server (or from no page)."""
    host = request.headers.get("host", "")
    origin = request.headers.get("origin")
    if origin is not None:
        parts = urlsplit(origin)
        return bool(host) and _host(parts.netloc, parts.scheme) == _host(host, parts.scheme)
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in ("same-origin", "none")
    referer = request.headers.get("referer")
    if referer is not None:
        parts = urlsplit(referer)
        return bool(host) and _host(parts.netloc, parts.scheme) == _host(host, parts.scheme)
    return True
