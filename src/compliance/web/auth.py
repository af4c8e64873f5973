"""Who is asking, and may they: session login, CSRF tokens, roles, scope.

Sessions are signed cookies (Starlette's SessionMiddleware) holding only the account id, its
session version and the CSRF token; the account is read from the database on every request, so
a changed role or scope, a deactivated account, a logout or a new password takes effect at once.
Login throttling is in the database (compliance.login_throttle).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request

from compliance.accounts import Account, end_sessions, get_account
from compliance.models.accounts import Role
from compliance.review import casefile, queries, runs
from compliance.review.scope import Scope

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
READERS = (Role.ADMIN, Role.OPERATOR, Role.INSPECTOR, Role.VIEWER)
REVIEWERS = (Role.ADMIN, Role.INSPECTOR)
OPERATORS = (Role.ADMIN, Role.OPERATOR)


class NotAuthenticated(Exception):
    """No valid session: pages redirect to the login form, the API answers 401."""


def client_address(request: Request) -> str:
    """The connection's address (a trusted proxy's word for it only when
    COMPLIANCE_TRUSTED_PROXIES names the proxy: see web/app.py)."""
    return request.client.host if request.client else "?"


def start_session(request: Request, account: Account) -> str:
    """A fresh session on every login (no fixation): new id, new CSRF token, and the account's
    session version, which logout and a password change bump to end it."""
    request.session.clear()
    token = secrets.token_urlsafe(32)
    request.session.update({"uid": account.id, "ver": account.session_version, "csrf": token})
    return token


def end_session(request: Request, account: Account) -> None:
    end_sessions(request.app.state.engine, account.id)
    request.session.clear()


def csrf_token(request: Request) -> str:
    return str(request.session.get("csrf", ""))


def current_account(request: Request) -> Account:
    uid, version = request.session.get("uid"), request.session.get("ver")
    account = get_account(request.app.state.engine, uid) if isinstance(uid, int) else None
    if account is None or version != account.session_version:
        request.session.clear()
        raise NotAuthenticated
    request.state.account = account
    return account


def require(*roles: Role) -> Callable[..., Coroutine[Any, Any, Account]]:
    """A dependency: the caller's account, when its role is one of ``roles`` (else 403)."""

    async def dependency(account: Annotated[Account, Depends(current_account)]) -> Account:
        if account.role not in roles:
            raise HTTPException(403, "Vai trò của bạn không được phép làm việc này.")
        return account

    return dependency


async def check_csrf(
    request: Request, _account: Annotated[Account, Depends(current_account)]
) -> None:
    """Every state-changing request carries the session's token, as a form field or header
    (checked after the session, so a stranger hears 401, not 403)."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = (await request.form()).get(CSRF_FIELD)  # type: ignore[assignment]
    expected = csrf_token(request)
    if (
        not expected
        or not sent
        or not secrets.compare_digest(str(sent).encode(), expected.encode())
    ):
        raise HTTPException(403, "Phiên làm việc không hợp lệ (CSRF): hãy tải lại trang.")


SCOPE_TTL = 60.0  # seconds a scope's kind is trusted before the registry is asked again


def scope_of(request: Request, account: Account) -> Scope:
    """The account's scope; what kind of code it is (province or union) is cached for a minute,
    as every page asks and it only changes with an import."""
    cache: dict[str | None, tuple[float, Scope]] = request.app.state.scopes
    hit = cache.get(account.scope_code)
    if hit is not None and hit[0] > time.monotonic():
        return Scope(hit[1].kind, hit[1].code)  # a fresh object: its SQL is built per request
    with request.app.state.engine.connect() as conn:
        scope = Scope.of(conn, account.scope_code)
    cache[account.scope_code] = (time.monotonic() + SCOPE_TTL, scope)
    return scope


def task_or_refuse(request: Request, account: Account, task_id: int) -> dict[str, Any]:
    """The task when it is inside the account's scope; 403 when it exists outside, else 404."""
    scope = scope_of(request, account)
    with request.app.state.engine.connect() as conn:
        task = queries.task_in_scope(conn, scope, task_id)
        if task is None:
            exists = queries.task_exists(conn, task_id)
            raise HTTPException(403 if exists else 404, "Không có việc này trong phạm vi của bạn.")
    return task


def run_request_or_refuse(request: Request, account: Account, request_id: int) -> dict[str, Any]:
    """A run request: its own operator's, or any for a nationwide account."""
    run = runs.get_request(request.app.state.engine, request_id)
    if run is None:
        raise HTTPException(404, "Không có yêu cầu chạy này.")
    if run["requested_by"] != account.name and account.scope_code is not None:
        raise HTTPException(403, "Yêu cầu chạy này không phải của bạn.")
    return run


def case_file_or_refuse(request: Request, account: Account, code: str) -> dict[str, Any]:
    """A unit's case file: 404 when the registry has no such unit, 403 when it is outside."""
    scope = scope_of(request, account)
    with request.app.state.engine.connect() as conn:
        found = casefile.find_unit(conn, code)
        if found is None:
            raise HTTPException(404, f"Không có đơn vị mã {code} trong sổ đăng ký.")
        if not scope.contains(conn, code):
            raise HTTPException(403, f"Đơn vị {code} nằm ngoài phạm vi của bạn ({scope.label}).")
        case = casefile.case_file(conn, scope, code, found)
    assert case is not None
    return case
