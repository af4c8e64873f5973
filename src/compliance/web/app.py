"""The review web application: ``create_app()`` wires settings, sessions, assets and routes.

Server-rendered Jinja2 pages with htmx for the small live parts (filters, run state), and a
JSON API for the same data; both live under one session login. Every asset is served from
here — no CDN: committees work on networks that block them.
"""

from __future__ import annotations

import os
import secrets
import time
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import HTTPException
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.middleware.sessions import SessionMiddleware

from compliance import db
from compliance.exceptions import ComplianceError
from compliance.rules.validate import load_rules
from compliance.settings import get_settings
from compliance.web import api, pages, reports
from compliance.web.auth import AddressThrottle, NotAuthenticated
from compliance.web.render import templates

STATIC = Path(__file__).parent / "static"
SESSION_HOURS = 8


def secret_key(db_engine: Engine) -> str:
    """COMPLIANCE_SECRET_KEY, else a key kept beside the SQLite file (or in the working folder)
    so sessions survive a restart and every server process on the machine shares it."""
    configured = get_settings().secret_key
    if configured:
        return configured
    database = db_engine.url.database if db_engine.url.get_backend_name() == "sqlite" else None
    folder = Path(database).resolve().parent if database else Path.cwd()
    path = folder / ".compliance-secret"
    try:  # created once, atomically: server processes starting together share one key
        handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process may be writing it this instant
            if key := path.read_text().strip():
                return key
            time.sleep(0.1)
        raise
    with os.fdopen(handle, "w") as stream:
        stream.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


# Up to 40 requests run at once (Starlette's thread pool); each holds one connection at a time.
WEB_POOL: dict[str, Any] = {"pool_size": 20, "max_overflow": 30, "pool_timeout": 10}


def create_app(db_engine: Engine | None = None, *, secure_cookies: bool = False) -> FastAPI:
    db_engine = db_engine or db.make_engine(**WEB_POOL)
    db.require_schema(db_engine)
    app = FastAPI(
        title="Giám sát tuân thủ công đoàn — API",
        description=(
            "API của giao diện rà soát: đăng nhập bằng `POST /login` (trường `username`, "
            "`password`), sau đó gửi cookie phiên; mọi yêu cầu thay đổi dữ liệu kèm tiêu đề "
            "`X-CSRF-Token` (nhận được khi đăng nhập). Mọi dữ liệu giới hạn trong phạm vi của "
            "tài khoản."
        ),
        version="1",
    )
    app.state.engine = db_engine
    app.state.rules = {r.id: r for r in load_rules()}
    app.state.throttle = AddressThrottle()
    app.state.scopes = {}
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(db_engine),
        session_cookie="compliance_session",
        max_age=SESSION_HOURS * 3600,
        same_site="lax",
        https_only=secure_cookies,
    )
    app.mount("/static/htmx", StaticFiles(directory=str(files("js_lib_htmx") / "static" / "htmx")))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(pages.session_router)
    app.include_router(pages.router)
    app.include_router(reports.router)
    _handlers(app)
    return app


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or "text/html" not in accept


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def _login_first(request: Request, _exc: NotAuthenticated) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "Chưa đăng nhập."}, status_code=401)
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        return templates.TemplateResponse(
            request,
            "error.html",
            {"status": exc.status_code, "detail": exc.detail},
            status_code=exc.status_code,
        )

    @app.exception_handler(ComplianceError)
    async def _refused(request: Request, exc: ComplianceError) -> Response:
        body: dict[str, Any] = {"detail": str(exc), "code": exc.code}
        if _wants_json(request):
            return JSONResponse(body, status_code=400)
        return templates.TemplateResponse(
            request, "error.html", {"status": 400, "detail": str(exc)}, status_code=400
        )
