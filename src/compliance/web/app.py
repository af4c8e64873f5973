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

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.middleware.sessions import SessionMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from compliance import db
from compliance.engine.programme_rules import catalogue
from compliance.settings import get_settings
from compliance.web import api, board, errors, pages, preview, programmes, protect, reports

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


# Up to 40 requests run at once (Starlette's thread pool); each holds one connection at a time,
# with a small page cache (db.SERVER_CACHE_MIB).
WEB_POOL: dict[str, Any] = {
    "pool_size": 20, "max_overflow": 30, "pool_timeout": 10, "cache_mib": db.SERVER_CACHE_MIB
}  # fmt: skip


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
    app.state.rules = {r.id: r for r in catalogue()}  # programme items (PROGRAMME/ITEM) too
    app.state.scopes = {}
    app.state.menus = {}  # web.menus: the filter menus of each scope, for a minute
    app.state.reports = reports.ReportGate()
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
    app.include_router(board.router)  # before pages: /tasks/bulk is not /tasks/{task_id}
    app.include_router(pages.router)
    app.include_router(reports.router)
    app.include_router(preview.router)
    app.include_router(programmes.router)
    errors.install(app)
    settings = get_settings()
    app.add_middleware(protect.Guard, max_body_bytes=settings.web_max_body_bytes)
    if proxies := [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]:
        # Outside the guard: the client address and scheme are the proxy's word, for it only.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)
    return app


def server_options() -> dict[str, Any]:
    """How uvicorn must run the app: it reads no X-Forwarded-* itself (by default it believes
    them from 127.0.0.1, so anyone on the machine, or a proxy passing them through, could pick
    the address that login throttling counts). The app believes COMPLIANCE_TRUSTED_PROXIES."""
    return {"proxy_headers": False, "forwarded_allow_ips": ""}
